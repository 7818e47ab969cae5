//! A throwaway PostgreSQL cluster for the whole test run, started from the machine's
//! PostgreSQL binaries (initdb + pg_ctl on a free port in a temp dir; as the `postgres`
//! user when running as root, since initdb refuses root). One database per test.
//!
//! A small watchdog shell stops the cluster and removes its directory once this test
//! process exits, because the Rust test harness has no "after all tests" hook.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};

/// A running cluster.
pub struct Cluster {
    port: u16,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The directory holding initdb and pg_ctl, if this machine has PostgreSQL.
pub fn bindir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("TINBAO_TEST_PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut candidates: Vec<PathBuf> = from_pg_config.into_iter().collect();
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        candidates.extend(versions.into_iter().rev());
    }
    candidates.into_iter().find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

/// The shared cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(start) {
        Ok(cluster) => cluster,
        Err(why) => panic!("the test PostgreSQL cluster could not start: {why}"),
    }
}

impl Cluster {
    /// Creates an empty database and returns its URL.
    pub fn create_database(&self) -> String {
        let name = format!("tinbao_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::establish(&self.url("postgres")).expect("connect to the test cluster");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create a test database");
        self.url(&name)
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// A command for a PostgreSQL binary, as the `postgres` user when we are root.
fn pg_command(bindir: &Path, program: &str) -> Command {
    let binary = bindir.join(program);
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(binary);
        cmd
    } else {
        Command::new(binary)
    }
}

fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let output = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn start() -> Result<Cluster, String> {
    let bindir = bindir().ok_or("no PostgreSQL binaries (initdb, pg_ctl) on this machine")?;
    let root = std::env::temp_dir().join(format!("tinbao-pg-{}-{}", std::process::id(), uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&root).map_err(|e| format!("create {}: {e}", root.display()))?;
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:postgres").arg(&root);
                c
            },
            "chown",
        )?;
    }
    let data = root.join("data");
    let mut initdb = pg_command(&bindir, "initdb");
    initdb.arg("-D").arg(&data).args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    run(initdb, "initdb")?;

    let port = free_port()?;
    // Durability off: this cluster lives for one test run. Never for benchmarks.
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        root.display()
    );
    let mut pg_ctl = pg_command(&bindir, "pg_ctl");
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(root.join("server.log"))
        .args(["-w", "-t", "60", "-o", &options, "start"]);
    run(pg_ctl, "pg_ctl start")?;

    let stop = format!(
        "{}{} -D {} stop -m immediate",
        if is_root() { "runuser -u postgres -- " } else { "" },
        bindir.join("pg_ctl").display(),
        data.display()
    );
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {root}",
        pid = std::process::id(),
        root = root.display()
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start the cluster's watchdog: {e}"))?;
    Ok(Cluster { port })
}
