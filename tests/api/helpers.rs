//! Starting tinbao for a test: the same `Application` as `main`, on port 0, over real TCP,
//! with its own SQLite file or its own PostgreSQL database.

use std::io::Write;
use std::sync::Once;

use reqwest::Response;
use serde_json::Value;
use tempfile::TempDir;
use tinbao::config::Config;
use tinbao::db::DatabaseUrl;
use tinbao::startup::Application;

use crate::pg;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed `async fn name(backend: Backend)` twice: as `sqlite::name` and as
/// `postgres::name`, so the test output shows both.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    if $crate::helpers::postgres_skipped() {
                        return;
                    }
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

/// True when PostgreSQL tests must be skipped: no binaries, and not under CI.
pub fn postgres_skipped() -> bool {
    if pg::bindir().is_some() {
        return false;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but this machine has no PostgreSQL binaries: the PostgreSQL half of the suite cannot be skipped"
        );
    }
    static WARN: Once = Once::new();
    WARN.call_once(|| {
        // Straight to the process's stderr: the test harness captures eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPING every PostgreSQL test: no initdb/pg_ctl found (install postgresql, or set TINBAO_TEST_PG_BINDIR) ***\n"
        );
    });
    true
}

/// A fresh, empty database for `backend`, and the directory that holds its files.
pub fn fresh_database(backend: Backend) -> (String, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("tinbao.db").display()),
        Backend::Postgres => pg::cluster().create_database(),
    };
    (url, dir)
}

/// A running server.
pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
    _dir: TempDir,
}

/// Starts tinbao on a fresh database (migrated and seeded, as on a first start).
pub async fn spawn_app(backend: Backend) -> TestApp {
    let (database_url, dir) = fresh_database(backend);
    let mut config = Config::with_data_dir(dir.path());
    config.listen = "127.0.0.1:0".parse().expect("address");
    config.database = DatabaseUrl::parse(&database_url).expect("test URL");
    config.workers = 1;
    config.db_pool_size = 4;
    config.shutdown_timeout_secs = 1;
    let app = Application::build(config).await.expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { address, database_url, client: reqwest::Client::new(), _dir: dir }
}

impl TestApp {
    /// GET `path` (with its query), in English.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("the request reaches the server")
    }

    /// GET `path` and read its JSON body, asserting the status.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        res.json().await.expect("a JSON body")
    }
}

/// Asserts a problem document: status, media type, code; returns the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status);
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    assert!(res.headers().contains_key("x-request-id"), "every response has a request id");
    let body: Value = res.json().await.expect("a JSON problem");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("urn:tinbao:problem:{code}"));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    body
}

/// The `field` names of a problem's `errors`, in order.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
