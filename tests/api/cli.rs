//! The `tinbao` command: serve, migrate, units import, authorities import, configuration.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tinbao::db::authorities::AuthorityFilter;
use tinbao::db::{DatabaseUrl, Db, admin_units, authorities};
use tinbao::domain::admin_unit::UnitFilter;
use tinbao::domain::admin_unit::{Level, Scheme, UnitRef};

use crate::helpers::{Backend, fresh_database};

pub(crate) fn tinbao(database_url: &str, data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tinbao"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("TINBAO_DATA_DIR", data_dir)
        .env("TINBAO_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("tinbao runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const UNITS_2025: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/admin-units-2025.csv");

/// Reads the database directly, to check what a command left behind.
pub(crate) fn with_db<T: Send + 'static>(
    url: &str,
    f: impl FnOnce(&mut tinbao::db::DbConnection) -> T + Send + 'static,
) -> T {
    let url = DatabaseUrl::parse(url).unwrap();
    std::thread::spawn(move || {
        let db = Db::open(&url, 1).unwrap();
        let mut conn = db.get().unwrap();
        f(&mut conn)
    })
    .join()
    .unwrap()
}

fn count_units(url: &str, scheme: Scheme) -> usize {
    with_db(url, move |conn| {
        let filter = UnitFilter { scheme: Some(scheme), ..Default::default() };
        admin_units::list(conn, &filter, None, i64::MAX).unwrap().len()
    })
}

async fn units_import_is_idempotent_and_all_or_nothing(backend: Backend) {
    let (url, dir) = fresh_database(backend);
    let first = tinbao(&url, dir.path(), &["units", "import", "--scheme", "2025", UNITS_2025]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("3355 units added, 0 changed, 0 unchanged"), "{}", text(&first.stdout));
    assert_eq!(count_units(&url, Scheme::S2025), 3355);

    let again = tinbao(&url, dir.path(), &["units", "import", "--scheme", "2025", UNITS_2025]);
    assert!(text(&again.stdout).contains("0 units added, 0 changed, 3355 unchanged"), "{}", text(&again.stdout));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "province_code,province_name,commune_code,commune_name\n96,Tỉnh Cà Mau,99998,Xã Mới\n96,Tỉnh Cà Mau,12ab,Xã Hỏng\n",
    )
    .unwrap();
    let failed = tinbao(&url, dir.path(), &["units", "import", "--scheme", "2025", bad.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("commune_code") && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    let added = with_db(&url, |conn| {
        admin_units::find(conn, UnitRef { scheme: Scheme::S2025, level: Level::Commune, code: 99998 }).unwrap()
    });
    assert_eq!(added, None, "the good line before the bad one was not kept");
    assert_eq!(count_units(&url, Scheme::S2025), 3355);

    let renamed = dir.path().join("renamed.csv");
    std::fs::write(
        &renamed,
        "province_code,province_name,commune_code,commune_name\n91,Tỉnh An Giang (mới),99997,Xã Thử\n",
    )
    .unwrap();
    let renamed_out = tinbao(&url, dir.path(), &["units", "import", "--scheme", "2025", renamed.to_str().unwrap()]);
    assert!(
        text(&renamed_out.stdout).contains("1 units added, 1 changed, 0 unchanged"),
        "{}",
        text(&renamed_out.stdout)
    );
    let province = with_db(&url, |conn| {
        admin_units::find(conn, UnitRef { scheme: Scheme::S2025, level: Level::Province, code: 91 }).unwrap()
    });
    assert_eq!(province.map(|p| p.name).as_deref(), Some("Tỉnh An Giang (mới)"));
}

/// The first two communes of An Giang (province 91) in the 2025 file.
fn two_communes_of_an_giang() -> (String, String) {
    let file = std::fs::read_to_string(UNITS_2025).unwrap();
    let mut codes = file.lines().filter(|l| l.starts_with("91,")).map(|l| l.split(',').nth(2).unwrap().to_owned());
    (codes.next().unwrap(), codes.next().unwrap())
}

async fn authorities_import_replaces_jurisdictions_and_names_the_bad_line(backend: Backend) {
    let (url, dir) = fresh_database(backend);
    assert!(tinbao(&url, dir.path(), &["units", "import", "--scheme", "2025", UNITS_2025]).status.success());
    let (a, b) = two_communes_of_an_giang();
    let file = dir.path().join("authorities.csv");
    std::fs::write(
        &file,
        format!("code,name,kind,units\nBP-HT,Đồn Biên phòng Hà Tiên,border_guard,2025:commune:{a};2025:commune:{b}\n"),
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let first = tinbao(&url, dir.path(), &["authorities", "import", path]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("1 authorities added, 0 changed, 0 unchanged"), "{}", text(&first.stdout));
    let again = tinbao(&url, dir.path(), &["authorities", "import", path]);
    assert!(text(&again.stdout).contains("0 authorities added, 0 changed, 1 unchanged"), "{}", text(&again.stdout));

    std::fs::write(
        &file,
        format!("code,name,kind,units\nBP-HT,Đồn Biên phòng Hà Tiên,border_guard,2025:commune:{a}\n"),
    )
    .unwrap();
    let changed = tinbao(&url, dir.path(), &["authorities", "import", path]);
    assert!(text(&changed.stdout).contains("0 authorities added, 1 changed, 0 unchanged"), "{}", text(&changed.stdout));
    let station = with_db(&url, |conn| {
        let filter = AuthorityFilter { name_contains: Some("ha tien".into()), ..Default::default() };
        authorities::list(conn, &filter, None, 10).unwrap()
    });
    assert_eq!(station.len(), 1);
    assert_eq!(station[0].jurisdiction.len(), 1, "the jurisdiction was replaced, not extended");

    std::fs::write(
        &file,
        "code,name,kind,units\nYT-AG,Trung tâm Y tế An Giang,health,2025:province:91\nBP-X,Đồn X,border_guard,2025:commune:99999\n",
    )
    .unwrap();
    let failed = tinbao(&url, dir.path(), &["authorities", "import", path]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("line 3") && stderr.contains("2025:commune:99999"), "{stderr}");
    let health = with_db(&url, |conn| {
        let filter = AuthorityFilter { name_contains: Some("y te".into()), ..Default::default() };
        authorities::list(conn, &filter, None, 10).unwrap()
    });
    assert!(health.is_empty(), "line 2 was not kept when line 3 failed");
}

async fn migrate_applies_migrations_once(backend: Backend) {
    let (url, dir) = fresh_database(backend);
    let first = tinbao(&url, dir.path(), &["migrate"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    let applied = format!("applied {migrations} migration(s)");
    assert!(text(&first.stdout).contains(&applied), "{}", text(&first.stdout));
    let second = tinbao(&url, dir.path(), &["migrate"]);
    assert!(!text(&second.stdout).contains("applied"), "{}", text(&second.stdout));
    assert!(text(&second.stdout).contains("is up to date"));
    assert_eq!(count_units(&url, Scheme::S2024), 0, "migrate does not seed");
}

async fn serve_says_where_it_listens_and_stops_gracefully_on_sigterm(backend: Backend) {
    let (url, dir) = fresh_database(backend);
    let log_path = dir.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tinbao"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("TINBAO_DATA_DIR", dir.path())
        .env("TINBAO_LISTEN", "127.0.0.1:0")
        .env("TINBAO_LOG", "info")
        .env("TINBAO_LOG_FORMAT", "json")
        .env("TINBAO_WORKERS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // The first start generates its keys and says so, then says where it listens.
    let (generated, line) = std::thread::spawn(move || {
        let mut generated = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("tinbao listening") {
                return (generated, Some(line));
            }
            generated.push(line);
        }
        (generated, None)
    })
    .join()
    .unwrap();
    for (what, path) in [
        ("a signing key for access tokens", tinbao::auth::tokens::default_key_path(dir.path())),
        ("the key that seals reporters' contacts", tinbao::auth::keyring::default_key_path(dir.path())),
        ("the key of keyed digests", tinbao::auth::index_key::default_index_key_path(dir.path())),
    ] {
        assert!(
            generated.iter().any(|l| l.contains(what) && l.contains(&*path.to_string_lossy())),
            "{what}: {generated:?}"
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600, "{what} is readable by its owner only");
    }
    let line = line.expect("tinbao prints where it listens");
    assert!(line.starts_with("tinbao listening on http://127.0.0.1:"), "{line}");
    let expected_backend =
        if backend == Backend::Sqlite { "(database: SQLite " } else { "(database: PostgreSQL postgres://" };
    assert!(line.contains(expected_backend), "{line}");
    let address = line.split_whitespace().nth(3).unwrap();

    let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let units = reqwest::get(format!("{address}/api/v1/admin-units?scheme=2024&level=district&parent=91&limit=100"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(units["items"].as_array().unwrap().len(), 15, "a first start is seeded");
    let typed = reqwest::get(format!("{address}/api/v1/admin-units?q=Nguyen%20Van%20A%200912345678")).await.unwrap();
    assert_eq!(typed.status().as_u16(), 200);
    let communes = reqwest::get(format!("{address}/api/v1/admin-units?scheme=2024&level=commune&parent=902&limit=1"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let mut body = crate::helpers::tip(communes["items"][0]["code"].as_i64().unwrap());
    body["reporter"] =
        serde_json::json!({"identity_mode": "confidential", "name": "Trần Thị Bích", "phone": "0987 654 321"});
    let submitted = reqwest::Client::new().post(format!("{address}/api/v1/reports")).json(&body).send().await.unwrap();
    assert_eq!(submitted.status().as_u16(), 201);
    let receipt = submitted.json::<serde_json::Value>().await.unwrap()["receipt_code"].as_str().unwrap().to_owned();

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "tinbao did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "a graceful stop exits 0, got {status}");

    // Logs are JSON lines naming the route pattern, never what the caller typed.
    let log = std::fs::read_to_string(&log_path).unwrap();
    let finished: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["message"] == "request finished")
        .collect();
    assert_eq!(finished.len(), 5, "{log}");
    assert!(finished.iter().all(|e| e["span"]["request_id"].is_string()), "{log}");
    for secret in ["0987654321", "987 654 321", "Trần Thị Bích", "Khoảng 21 giờ", receipt.as_str()] {
        assert!(!log.contains(secret), "`{secret}` reached the log: {log}");
    }
    assert!(!log.contains("0912345678") && !log.contains("Nguyen"), "what the caller typed reached the log: {log}");
}

async fn create_admin_reads_the_password_from_stdin_and_refuses_a_weak_one(backend: Backend) {
    use std::io::Write;
    let (url, dir) = fresh_database(backend);
    let run = |login: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tinbao"))
            .args(["users", "create-admin", "--login", login])
            .env("DATABASE_URL", &url)
            .env("TINBAO_DATA_DIR", dir.path())
            .env("TINBAO_LOG", "warn")
            .env_remove("TINBAO_ADMIN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("admin.one", "admin.one123");
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak.stderr).contains("too easy to guess"), "{}", text(&weak.stderr));

    let made = run("admin.one", crate::helpers::PASSWORD);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("created admin admin.one"));
    let stored = with_db(&url, |conn| tinbao::db::users::find_by_login(conn, &["admin.one".to_owned()]).unwrap());
    let (account, credentials) = stored.expect("the admin exists");
    assert_eq!(account.role, tinbao::domain::account::Role::Admin);
    assert!(credentials.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    let again = run("admin.one", crate::helpers::PASSWORD);
    assert_eq!(again.status.code(), Some(1), "the login is taken");
}

async fn routing_rules_import_is_idempotent_and_names_the_bad_line(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let file = app.data_dir.join("rules.csv");
    let run =
        |path: &Path| tinbao(&app.database_url, &app.data_dir, &["routing-rules", "import", path.to_str().unwrap()]);
    std::fs::write(&file, "matter,unit,authority_code,note\nfacilitation,2024:district:902,2024-D900,boat landings\n*,2024:province:91,2024-D899,\n").unwrap();
    let first = run(&file);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("2 rules added, 0 changed, 0 unchanged"), "{}", text(&first.stdout));
    let again = run(&file);
    assert!(text(&again.stdout).contains("0 rules added, 0 changed, 2 unchanged"), "{}", text(&again.stdout));

    let mut body = crate::helpers::tip(app.first_commune(902).await);
    body["matter"] = serde_json::json!("facilitation");
    let routed = crate::helpers::ok_json(app.submit(None, &body).await, 201).await;
    assert_eq!(routed["authority"]["name"], "Công an Thành phố Hà Tiên", "the imported rule routes");

    std::fs::write(&file, "matter,unit,authority_code,note\nharbouring,2024:district:903,2024-D900,\nsmuggling,2024:district:902,2024-D900,\n").unwrap();
    let failed = run(&file);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stderr).contains("line 3") && text(&failed.stderr).contains("smuggling"),
        "{}",
        text(&failed.stderr)
    );
    let admin = app.admin().await;
    let rules =
        crate::helpers::ok_json(app.call("GET", "/api/v1/routing-rules", Some(&admin.access_token), None).await, 200)
            .await;
    assert_eq!(rules["items"].as_array().unwrap().len(), 2, "line 2 of the failed file was not kept");
}

async fn an_authoritys_phone_comes_from_its_import_and_reaches_the_reporter(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let file = app.data_dir.join("authorities.csv");
    std::fs::write(
        &file,
        "code,name,kind,units,phone\n2024-D902,Công an huyện Kiên Lương,district,2024:district:902,0297 3853 113\n",
    )
    .unwrap();
    let out = tinbao(&app.database_url, &app.data_dir, &["authorities", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 changed"), "{}", text(&out.stdout));

    let created =
        crate::helpers::ok_json(app.submit(None, &crate::helpers::tip(app.first_commune(902).await)).await, 201).await;
    assert_eq!(created["authority"]["phone"], "0297 3853 113", "{created}");
    let tracked = crate::helpers::ok_json(
        app.post_json(
            "/api/v1/tracking",
            None,
            &serde_json::json!({"reference": created["reference"], "receipt_code": created["receipt_code"]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(tracked["authority"]["phone"], "0297 3853 113", "{tracked}");
    assert_eq!(tracked["authority"]["name"], "Công an huyện Kiên Lương");
    let admin = app.admin().await;
    let id = app.authority_id("2024-D902").await;
    let path = format!("/api/v1/authorities/{id}");
    let view = crate::helpers::ok_json(app.call("GET", &path, Some(&admin.access_token), None).await, 200).await;
    assert_eq!(view["phone"], "0297 3853 113");
    let other = app.authority_id("2024-D903").await;
    let path = format!("/api/v1/authorities/{other}");
    let view = crate::helpers::ok_json(app.call("GET", &path, Some(&admin.access_token), None).await, 200).await;
    assert!(view["phone"].is_null(), "{view}");
}

#[test]
fn bad_configuration_is_reported_value_by_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tinbao"))
        .env("TINBAO_DATA_DIR", dir.path())
        .env("TINBAO_LISTEN", "nowhere")
        .env("TINBAO_LOG_FORMAT", "xml")
        .env("DATABASE_URL", "postgres://tinbao:hunter2@db/tinbao")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("2 problem(s)"), "{stderr}");
    assert!(stderr.contains("TINBAO_LISTEN: `nowhere` is not an address"), "{stderr}");
    assert!(stderr.contains("TINBAO_LOG_FORMAT: `xml` is not a log format"), "{stderr}");
    assert!(!stderr.contains("hunter2"));
}

crate::on_both_backends!(
    units_import_is_idempotent_and_all_or_nothing,
    authorities_import_replaces_jurisdictions_and_names_the_bad_line,
    an_authoritys_phone_comes_from_its_import_and_reaches_the_reporter,
    migrate_applies_migrations_once,
    serve_says_where_it_listens_and_stops_gracefully_on_sigterm,
    create_admin_reads_the_password_from_stdin_and_refuses_a_weak_one,
    routing_rules_import_is_idempotent_and_names_the_bad_line,
);
