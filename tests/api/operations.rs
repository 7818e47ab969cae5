//! Health, readiness, metrics, the served contract, and the SQLite connection settings.

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use tinbao::db::{DatabaseUrl, Db, DbConnection};

use crate::helpers::{Backend, assert_problem, fresh_database, spawn_app};

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get_json("/healthz", 200).await, serde_json::json!({"status": "ok"}));
    assert_eq!(app.get_json("/readyz", 200).await, serde_json::json!({"status": "ready"}));
}

async fn readiness_fails_while_a_migration_is_missing(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = DatabaseUrl::parse(&app.database_url).unwrap();
    actix_web::web::block(move || {
        let db = Db::open(&url, 1).unwrap();
        let mut conn = db.get().unwrap();
        diesel::sql_query("DELETE FROM __diesel_schema_migrations").execute(&mut *conn).unwrap();
    })
    .await
    .unwrap();
    let res = app.get("/readyz").await;
    let body = assert_problem(res, 503, "migrations_pending").await;
    assert!(body["detail"].as_str().unwrap().contains("tinbao migrate"));
    assert_eq!(app.get_json("/healthz", 200).await["status"], "ok", "liveness does not depend on the database");
}

async fn metrics_count_requests_by_route_pattern_and_status(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get_json("/api/v1/admin-units/2024/902?level=district", 200).await;
    app.get_json("/api/v1/admin-units/2024/903?level=district", 200).await;
    app.get("/api/v1/admin-units/2024/99999?level=district").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let line = |status: u16| {
        format!(
            r#"tinbao_http_requests_total{{method="GET",route="/api/v1/admin-units/{{scheme}}/{{code}}",status="{status}"}}"#
        )
    };
    assert!(text.contains(&format!("{} 2", line(200))), "{text}");
    assert!(text.contains(&format!("{} 1", line(404))), "{text}");
    assert!(text.contains("tinbao_http_request_duration_seconds_bucket"), "{text}");
    assert!(!text.contains("/2024/902"), "raw paths must not become labels");
}

async fn made_up_methods_add_no_metric_series(backend: Backend) {
    let app = spawn_app(backend).await;
    let series = |text: &str| text.lines().filter(|l| l.starts_with("tinbao_http_requests_total{")).count();
    let before = series(&app.get("/metrics").await.text().await.unwrap());
    for n in 0..300 {
        let method = reqwest::Method::from_bytes(format!("BREW{n}").as_bytes()).unwrap();
        let res = app.client.request(method, format!("{}/api/v1/admin-units", app.address)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 405, "a made-up method is not allowed");
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains("BREW"), "a made-up method became a label");
    assert!(
        text.contains(r#"tinbao_http_requests_total{method="other",route="/api/v1/admin-units",status="405"} 300"#),
        "{text}"
    );
    // One new series for the 300 requests, one for the first /metrics call itself.
    assert!(series(&text) <= before + 2, "{before} series before, {} after", series(&text));
}

async fn the_contract_is_served_as_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.get("/openapi.yaml").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/yaml");
    assert_eq!(res.text().await.unwrap(), include_str!("../../openapi.yaml"));
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

#[derive(QueryableByName)]
struct Mode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

/// PRAGMAs are SQLite's own, so this one runs on SQLite only.
#[actix_web::test]
async fn sqlite_connections_are_durable_and_check_foreign_keys() {
    let (url, _dir) = fresh_database(Backend::Sqlite);
    let url = DatabaseUrl::parse(&url).unwrap();
    let db = actix_web::web::block(move || Db::open(&url, 2)).await.unwrap().unwrap();
    let mut conn = db.get().unwrap();
    let conn: &mut DbConnection = &mut conn;
    // Each pragma's table-valued function names its column; busy_timeout's is `timeout`.
    let pragma = |conn: &mut DbConnection, name: &str| -> i64 {
        let column = if name == "busy_timeout" { "timeout" } else { name };
        diesel::sql_query(format!("SELECT {column} AS value FROM pragma_{name}"))
            .get_result::<Setting>(conn)
            .unwrap()
            .value
    };
    assert_eq!(pragma(conn, "foreign_keys"), 1);
    assert_eq!(pragma(conn, "synchronous"), 2, "FULL");
    assert_eq!(pragma(conn, "busy_timeout"), 5000);
    let mode = diesel::sql_query("PRAGMA journal_mode").get_result::<Mode>(conn).unwrap();
    assert_eq!(mode.journal_mode, "wal");
}

crate::on_both_backends!(
    health_and_readiness_answer,
    metrics_count_requests_by_route_pattern_and_status,
    made_up_methods_add_no_metric_series,
    the_contract_is_served_as_written,
    readiness_fails_while_a_migration_is_missing,
);
