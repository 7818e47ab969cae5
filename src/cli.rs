//! The command line, a face of its own: `tinbao [serve]`, `migrate`, `units import`,
//! `authorities import`, `routing-rules import`, `users create-admin`,
//! `cases seed-sample`, `audit verify`, `audit checkpoint`, `keys status`, `keys rotate`,
//! `healthcheck`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::auth::keyring::Keyring;
use crate::config::Config;
use crate::db::{Db, migrations};
use crate::domain::admin_unit::Scheme;
use crate::domain::audit::Checkpoint;
use crate::services::imports::{self, ImportError};
use crate::services::{audit, keys};
use crate::startup::Application;
use crate::telemetry;

#[derive(Parser)]
#[command(name = "tinbao", version, about = "Tip line for illegal border entry: intake, routing, cases, audit")]
struct Cli {
    /// A TOML file of settings; TINBAO_* environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administrative units.
    Units {
        #[command(subcommand)]
        action: UnitsAction,
    },
    /// Authorities and their jurisdictions.
    Authorities {
        #[command(subcommand)]
        action: AuthoritiesAction,
    },
    /// Routing rules.
    RoutingRules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Accounts.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Cases.
    Cases {
        #[command(subcommand)]
        action: CasesAction,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// The keys that seal values at rest.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Exit 0 when the server at URL answers /healthz with 200 (for container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
}

#[derive(Subcommand)]
enum UnitsAction {
    /// Import a units CSV (the layouts of data/README.md). Idempotent; all or nothing.
    Import {
        #[arg(long, value_parser = ["2024", "2025"])]
        scheme: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum RulesAction {
    /// Import rules: matter,unit,authority_code,note (matter * for any; unit as
    /// SCHEME:LEVEL:CODE). Idempotent; all or nothing.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum UsersAction {
    /// Create an admin account. The password is read from TINBAO_ADMIN_PASSWORD when set,
    /// else from standard input (one line).
    CreateAdmin {
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
enum CasesAction {
    /// Write COUNT sample cases (one tip each, across Viet Nam, over the past year) for
    /// benchmarks. Sample data only: never on a database that holds real tips.
    SeedSample {
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        count: u64,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Recompute every hash chain. Exit 0 and print the number of events checked when
    /// every chain is whole (and matches DIGEST); else exit 1 naming the first damaged event.
    Verify {
        /// A digest printed earlier by `tinbao audit checkpoint`: also detects deleted
        /// chains and cut tails up to that point.
        #[arg(long, value_name = "DIGEST")]
        checkpoint: Option<String>,
    },
    /// Print one digest over every chain's head (and the event count), to keep outside
    /// the database for a later `verify --checkpoint`.
    Checkpoint,
}

#[derive(Subcommand)]
enum KeysAction {
    /// Print each key's id and how many values it seals; a key may be retired (its file
    /// removed) only when it seals none.
    Status,
    /// Add a key to the generated keyring (with TINBAO_ENCRYPTION_KEY_FILES, put the new
    /// key first in that list instead), then re-seal every value with the sealing key, in
    /// batches, while the server runs.
    Rotate,
}

#[derive(Subcommand)]
enum AuthoritiesAction {
    /// Import an authorities CSV: code,name,kind,units[,phone]. Idempotent; all or nothing.
    Import { file: PathBuf },
}

/// Runs the command line and returns the process's exit code.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let config = match Config::load(cli.config.as_deref(), &env) {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("tinbao cannot start: the configuration has {} problem(s):", errors.len());
            for error in errors {
                eprintln!("  - {error}");
            }
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format, &config.log_level);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => blocking(move || migrate(&config)).await,
        Command::Units { action: UnitsAction::Import { scheme, file } } => {
            blocking(move || import_units(&config, &scheme, &file)).await
        }
        Command::Authorities { action: AuthoritiesAction::Import { file } } => {
            blocking(move || import_authorities(&config, &file)).await
        }
        Command::RoutingRules { action: RulesAction::Import { file } } => {
            blocking(move || import_rules(&config, &file)).await
        }
        Command::Users { action: UsersAction::CreateAdmin { login } } => {
            let password = env.get("TINBAO_ADMIN_PASSWORD").cloned();
            blocking(move || create_admin(&config, &login, password)).await
        }
        Command::Audit { action: AuditAction::Verify { checkpoint } } => {
            blocking(move || verify_audit(&config, checkpoint.as_deref())).await
        }
        Command::Cases { action: CasesAction::SeedSample { count } } => {
            blocking(move || seed_sample_cases(&config, count)).await
        }
        Command::Audit { action: AuditAction::Checkpoint } => blocking(move || checkpoint_audit(&config)).await,
        Command::Keys { action: KeysAction::Status } => blocking(move || key_status(&config)).await,
        Command::Keys { action: KeysAction::Rotate } => blocking(move || rotate_keys(&config)).await,
        Command::Healthcheck { url } => healthcheck(&url),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tinbao: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let listen = config.listen;
    let app = Application::build(config).await.map_err(|e| e.to_string())?;
    let address = std::net::SocketAddr::new(listen.ip(), app.port());
    for (what, path) in app.generated_keys() {
        println!("generated {what}: {} (keep it secret; back it up)", path.display());
    }
    println!("tinbao listening on http://{address} (database: {})", app.db().url());
    app.run_until_stopped().await.map_err(|e| format!("the server stopped: {e}"))
}

async fn blocking(f: impl FnOnce() -> Result<(), String> + Send + 'static) -> Result<(), String> {
    actix_web::web::block(f).await.map_err(|e| e.to_string())?
}

/// Opens the database and applies migrations (never seeds: imports bring their own data).
fn open_migrated(config: &Config) -> Result<Db, String> {
    let db = Db::open(&config.database, 2)?;
    let mut conn = db.get().map_err(|_| format!("cannot connect to {}", config.database))?;
    let applied = migrations::with_startup_lock(&mut conn, migrations::run_pending)
        .map_err(|e| format!("migrations failed on {}: {}", config.database, e))?;
    if !applied.is_empty() {
        println!("applied {} migration(s): {}", applied.len(), applied.join(", "));
    }
    Ok(db)
}

fn migrate(config: &Config) -> Result<(), String> {
    open_migrated(config)?;
    println!("{} is up to date", config.database);
    Ok(())
}

fn import_units(config: &Config, scheme: &str, file: &Path) -> Result<(), String> {
    let scheme = Scheme::parse(scheme).ok_or_else(|| format!("unknown scheme {scheme}"))?;
    let input = open(file)?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let counts = imports::import_units(&mut conn, scheme, input).map_err(|e| import_failed(file, e))?;
    println!(
        "{}: {} units added, {} changed, {} unchanged (scheme {scheme})",
        file.display(),
        counts.inserted,
        counts.updated,
        counts.unchanged
    );
    Ok(())
}

fn import_authorities(config: &Config, file: &Path) -> Result<(), String> {
    let input = open(file)?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let counts = imports::import_authorities(&mut conn, input).map_err(|e| import_failed(file, e))?;
    println!(
        "{}: {} authorities added, {} changed, {} unchanged",
        file.display(),
        counts.inserted,
        counts.updated,
        counts.unchanged
    );
    Ok(())
}

fn import_rules(config: &Config, file: &Path) -> Result<(), String> {
    let input = open(file)?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let counts = crate::services::routing_rules::import(&mut conn, input).map_err(|e| import_failed(file, e))?;
    println!(
        "{}: {} rules added, {} changed, {} unchanged",
        file.display(),
        counts.inserted,
        counts.updated,
        counts.unchanged
    );
    Ok(())
}

fn seed_sample_cases(config: &Config, count: u64) -> Result<(), String> {
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    crate::services::seed::seed_if_empty(&mut conn).map_err(|e| e.detail.en())?;
    let existing = crate::db::cases::count(&mut conn).map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let written = crate::db::sample_cases::seed(&mut conn, count, existing).map_err(|e| e.to_string())?;
    println!(
        "wrote {written} sample cases in {:.1} s ({} cases now)",
        started.elapsed().as_secs_f64(),
        existing + written
    );
    Ok(())
}

fn verify_audit(config: &Config, checkpoint: Option<&str>) -> Result<(), String> {
    let checkpoint = checkpoint
        .map(|text| Checkpoint::parse(text).ok_or("--checkpoint is not a digest printed by `tinbao audit checkpoint`"))
        .transpose()?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let found = audit::verify(&mut conn, checkpoint.as_ref()).map_err(|e| e.detail.en())?;
    if let Some((stored, damage)) = &found.first_damaged {
        let e = &stored.event;
        return Err(format!(
            "the audit trail is damaged: event {} ({} {}, position {}): {}; {} events checked",
            stored.seq,
            e.object_type,
            e.object_id,
            e.position,
            damage.as_str(),
            found.checked
        ));
    }
    if found.checkpoint_matches == Some(false) {
        return Err(format!(
            "the audit trail does not match the checkpoint: events up to it were deleted or changed \
             (a whole chain, or the tail of one); {} events checked",
            found.checked
        ));
    }
    let against = if checkpoint.is_some() { " and matches the checkpoint" } else { "" };
    println!("{} events checked: every chain is whole{against}", found.checked);
    Ok(())
}

fn checkpoint_audit(config: &Config) -> Result<(), String> {
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let checkpoint = audit::checkpoint(&mut conn).map_err(|e| e.detail.en())?;
    eprintln!(
        "{} events up to sequence {}; keep this digest outside the database:",
        checkpoint.events, checkpoint.upto_seq
    );
    println!("{}", checkpoint.token());
    Ok(())
}

fn key_status(config: &Config) -> Result<(), String> {
    let (keyring, _) = Keyring::load(&config.encryption_key_files, &config.data_dir)?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let status = keys::status(&mut conn, &keyring).map_err(|e| e.to_string())?;
    for (id, uses) in &status.keys {
        let role = if *id == status.sealing { "seals and opens" } else { "opens" };
        let retire = if uses.bound + uses.unbound == 0 && *id != status.sealing { "; may be retired" } else { "" };
        println!(
            "key {id} ({role}): {} values, {} of them in the first format{retire}",
            uses.bound + uses.unbound,
            uses.unbound
        );
    }
    for (id, uses) in &status.missing {
        println!("key {id} (NOT IN THE KEYRING): {} values cannot be opened", uses.bound + uses.unbound);
    }
    if status.missing.is_empty() { Ok(()) } else { Err("values are sealed with keys the keyring lacks".into()) }
}

fn rotate_keys(config: &Config) -> Result<(), String> {
    let (keyring, _) = Keyring::load(&config.encryption_key_files, &config.data_dir)?;
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let rotation = keys::rotate(&mut conn, &keyring, config.encryption_key_files.is_empty())?;
    if let Some(added) = &rotation.added {
        println!("added key {added} to {}", config.data_dir.join("keys").display());
    }
    println!(
        "{} values re-sealed with key {}; {} changed meanwhile (run again to re-seal them)",
        rotation.resealed,
        keyring.sealing_key_id(),
        rotation.skipped
    );
    Ok(())
}

fn create_admin(config: &Config, login: &str, password: Option<String>) -> Result<(), String> {
    let password = match password {
        Some(password) => password,
        None => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let db = open_migrated(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let account = crate::services::accounts::create_admin(&mut conn, login, &password)?;
    println!("created admin {} ({})", account.login, account.id);
    Ok(())
}

fn open(file: &Path) -> Result<File, String> {
    File::open(file).map_err(|e| format!("{}: cannot be read ({e})", file.display()))
}

fn import_failed(file: &Path, err: ImportError) -> String {
    format!("{}: {err}; nothing was changed", file.display())
}

/// A bare HTTP/1.1 GET, so that the container image needs no curl.
fn healthcheck(url: &str) -> Result<(), String> {
    let rest = url.strip_prefix("http://").ok_or("the URL must start with http://")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let address = host
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {host}"))?;
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(|e| format!("{url}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).map_err(|e| format!("{url}: {e}"))?;
    if head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.0 200") {
        Ok(())
    } else {
        Err(format!("{url} answered {}", String::from_utf8_lossy(&head)))
    }
}
