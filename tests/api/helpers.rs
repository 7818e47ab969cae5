//! Starting tinbao for a test: the same `Application` as `main`, on port 0, over real TCP,
//! with its own SQLite file or its own PostgreSQL database.

use std::io::Write;
use std::sync::Once;

use reqwest::Response;
use serde_json::Value;
use tempfile::TempDir;
use tinbao::config::{Config, SmsGateway};
use tinbao::db::DatabaseUrl;
use tinbao::startup::Application;

use crate::pg;
use crate::sms_gateway::TestGateway;

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
    /// The server's data directory (its generated signing key is in `keys/`).
    pub data_dir: std::path::PathBuf,
    /// The SMS gateway it sends to (siblings share it).
    pub gateway: TestGateway,
    /// The directory, removed when the first instance on it goes (siblings share it).
    _dir: Option<TempDir>,
}

/// Starts tinbao on a fresh database (migrated and seeded, as on a first start).
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts tinbao with a configuration changed by `tweak`.
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, dir) = fresh_database(backend);
    let mut app = start(&database_url, dir.path(), TestGateway::start(), tweak).await;
    app._dir = Some(dir);
    app
}

async fn start(
    database_url: &str,
    data_dir: &std::path::Path,
    gateway: TestGateway,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = Config::with_data_dir(data_dir);
    config.sms_gateway =
        Some(SmsGateway::Http { url: gateway.url.clone(), token: crate::sms_gateway::TOKEN.to_owned() });
    config.listen = "127.0.0.1:0".parse().expect("address");
    config.database = DatabaseUrl::parse(database_url).expect("test URL");
    config.workers = 1;
    config.db_pool_size = 4;
    config.shutdown_timeout_secs = 1;
    // Tests file many tips as one citizen, and register many from one address; the
    // shared limits' own test sets them tight.
    config.rate_account_reports = 10_000;
    config.rate_registrations = 10_000;
    tweak(&mut config);
    let app = Application::build(config).await.expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url: database_url.to_owned(),
        client: reqwest::Client::new(),
        data_dir: data_dir.to_owned(),
        gateway,
        _dir: None,
    }
}

impl TestApp {
    /// A second instance on the same database and keys, as behind a load balancer.
    pub async fn sibling(&self) -> TestApp {
        self.sibling_with(|_| {}).await
    }

    /// A second instance whose configuration `tweak` changes (as the first's was).
    pub async fn sibling_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        start(&self.database_url, &self.data_dir, self.gateway.clone(), tweak).await
    }
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

    /// The number a `SELECT count(*) AS n …` finds, read straight from the database.
    pub async fn sql_count(&self, query: &str) -> i64 {
        count(&self.database_url, query)
    }
}

/// The number a `SELECT count(*) AS n …` finds in the database at `url`.
pub fn count(url: &str, query: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let query = query.to_owned();
    crate::cli::with_db(url, move |conn| {
        diesel::RunQueryDsl::get_result::<Count>(diesel::sql_query(query), conn).expect("the count query runs").n
    })
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

/// A password that passes the policy for every role.
pub const PASSWORD: &str = "mango river lantern quietly";

/// A signed-in account: its id, login and tokens.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub login: String,
    pub access_token: String,
    pub refresh_token: String,
    /// The TOTP secret, for staff.
    pub totp_secret: Option<String>,
    /// The last TOTP step the server accepted from this account.
    pub last_step: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Seconds since 1970.
pub fn unix_now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

impl TestApp {
    /// POST `path` with a JSON body and an optional bearer token, in English.
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.post(format!("{}{path}", self.address)).header("Accept-Language", "en").json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("the request reaches the server")
    }

    /// Sends `method path` with a bearer token (and a JSON body when given).
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Response {
        let mut req = self
            .client
            .request(method.parse().expect("a method"), format!("{}{path}", self.address))
            .header("Accept-Language", "en");
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("the request reaches the server")
    }

    /// Creates an admin the way `tinbao users create-admin` does.
    pub async fn create_admin(&self, login: &str) {
        let url = DatabaseUrl::parse(&self.database_url).expect("url");
        let login = login.to_owned();
        actix_web::web::block(move || {
            let db = tinbao::db::Db::open(&url, 1).expect("db");
            let mut conn = db.get().expect("conn");
            tinbao::services::accounts::create_admin(&mut conn, &login, PASSWORD).expect("admin created");
        })
        .await
        .expect("blocking");
    }

    /// Signs in; returns the answer.
    pub async fn login(&self, login: &str, password: &str, totp_code: Option<&str>) -> Response {
        let mut body = serde_json::json!({"login": login, "password": password});
        if let Some(code) = totp_code {
            body["totp_code"] = Value::from(code);
        }
        self.post_json("/api/v1/auth/login", None, &body).await
    }

    /// Signs a citizen or staff member in with a full session. Staff enrol TOTP first
    /// (as a new staff member would), then sign in again with the next code.
    pub async fn full_session(&self, login: &str) -> Session {
        let first: Value = ok_json(self.login(login, PASSWORD, None).await, 200).await;
        let token = first["access_token"].as_str().expect("token").to_owned();
        if !first["mfa_enrollment_required"].as_bool().expect("flag") {
            let me = ok_json(self.call("GET", "/api/v1/me", Some(&token), None).await, 200).await;
            return Session {
                user_id: me["id"].as_str().expect("id").to_owned(),
                login: login.to_owned(),
                access_token: token,
                refresh_token: first["refresh_token"].as_str().expect("refresh").to_owned(),
                totp_secret: None,
                last_step: Default::default(),
            };
        }
        let enrolment = ok_json(self.post_json("/api/v1/me/mfa/totp", Some(&token), &Value::Null).await, 200).await;
        let secret = enrolment["secret"].as_str().expect("secret").to_owned();
        // Enrol with the previous step's code and sign in with the current one, so that
        // the next step stays free for a step-up ([`TestApp::fresh_code`]). A step that
        // ends between computing the code and checking it makes the first try fail.
        let mut confirmed = false;
        for _ in 0..2 {
            let code = tinbao::auth::totp::code_at(&secret, unix_now() - 30).expect("code");
            let confirm =
                self.post_json("/api/v1/me/mfa/totp/confirm", Some(&token), &serde_json::json!({"code": code})).await;
            if confirm.status().as_u16() == 204 {
                confirmed = true;
                break;
            }
        }
        assert!(confirmed, "the authenticator is enrolled");
        let now = unix_now();
        let current = tinbao::auth::totp::code_at(&secret, now).expect("code");
        let full: Value = ok_json(self.login(login, PASSWORD, Some(&current)).await, 200).await;
        assert_eq!(full["mfa_enrollment_required"], false);
        let token = full["access_token"].as_str().expect("token").to_owned();
        let me = ok_json(self.call("GET", "/api/v1/me", Some(&token), None).await, 200).await;
        Session {
            user_id: me["id"].as_str().expect("id").to_owned(),
            login: login.to_owned(),
            access_token: token,
            refresh_token: full["refresh_token"].as_str().expect("refresh").to_owned(),
            totp_secret: Some(secret),
            last_step: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(now / 30)),
        }
    }

    /// A code of `session`'s authenticator that the server has not seen yet (its step
    /// later than the last one used), as an officer's app shows it for a step-up. Waits
    /// for the next step when the window holds no unused one.
    pub async fn fresh_code(&self, session: &Session) -> String {
        use std::sync::atomic::Ordering;
        let secret = session.totp_secret.as_deref().expect("a staff session");
        loop {
            let now = unix_now();
            let step = (session.last_step.load(Ordering::SeqCst) + 1).max(now / 30 - 1);
            if step <= now / 30 + 1 {
                session.last_step.store(step, Ordering::SeqCst);
                return tinbao::auth::totp::code_at(secret, step * 30).expect("code");
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }

    /// An admin with a full session.
    pub async fn admin(&self) -> Session {
        self.create_admin("root.admin").await;
        self.full_session("root.admin").await
    }

    /// A citizen, registered with the code the gateway got, and signed in.
    pub async fn citizen(&self, phone: &str) -> Session {
        let to = crate::sms_gateway::normalised(phone);
        let before = self.gateway.messages_to(&to).len();
        let res = self
            .post_json("/api/v1/auth/register", None, &serde_json::json!({"login": phone, "password": PASSWORD}))
            .await;
        assert_eq!(res.status().as_u16(), 202, "{}", res.text().await.unwrap_or_default());
        let code = self.gateway.code(&to, before + 1).await;
        let verify = serde_json::json!({"login": phone, "code": code});
        let res = self.post_json("/api/v1/auth/register/verify", None, &verify).await;
        assert_eq!(res.status().as_u16(), 204, "{}", res.text().await.unwrap_or_default());
        self.full_session(phone).await
    }

    /// Creates a staff account through the admin API; returns its id.
    pub async fn create_staff(&self, admin: &Session, login: &str, role: &str, scope: Value) -> String {
        let mut body = serde_json::json!({"login": login, "password": PASSWORD, "role": role});
        if let (Some(body), Some(scope)) = (body.as_object_mut(), scope.as_object()) {
            body.extend(scope.clone());
        }
        let created = ok_json(self.post_json("/api/v1/users", Some(&admin.access_token), &body).await, 201).await;
        created["id"].as_str().expect("id").to_owned()
    }

    /// The id of an authority by its code.
    pub async fn authority_id(&self, code: &str) -> String {
        let page = self.get_json(&format!("/api/v1/authorities?q={code}"), 200).await;
        page["items"].as_array().expect("items").iter().find(|a| a["code"] == code).expect("authority")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// The first commune of a 2024 district.
    pub async fn first_commune(&self, district: i32) -> i64 {
        let page = self
            .get_json(&format!("/api/v1/admin-units?scheme=2024&level=commune&parent={district}&limit=1"), 200)
            .await;
        page["items"][0]["code"].as_i64().expect("code")
    }
}

/// Asserts the status and reads the JSON body.
pub async fn ok_json(res: Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let text = res.text().await.expect("a body");
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).expect("JSON")
}

/// The smallest valid tip, from `commune` (2024 scheme), anonymous.
pub fn tip(commune: i64) -> Value {
    serde_json::json!({
        "matter": "illegal_entry",
        "observed_at": "2026-11-20T21:30:00+07:00",
        "location": {"scheme": "2024", "commune_code": commune},
        "narrative": "Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang.",
        "reporter": {"identity_mode": "anonymous"},
        "acknowledged_false_report_warning": true
    })
}

impl TestApp {
    /// Submits a tip, as `token`'s holder or anonymously.
    pub async fn submit(&self, token: Option<&str>, body: &Value) -> Response {
        self.post_json("/api/v1/reports", token, body).await
    }
}

/// The id of the case a submitted tip opened, found in `staff_token`'s work list by the
/// tip's reference.
pub async fn case_of(app: &TestApp, staff_token: &str, created: &Value) -> String {
    let reference = created["reference"].as_str().expect("reference");
    let page = ok_json(app.call("GET", "/api/v1/cases?limit=100", Some(staff_token), None).await, 200).await;
    page["items"].as_array().expect("items").iter().find(|c| c["reference"] == reference).expect("the tip's case")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}
