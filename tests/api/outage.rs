//! A database outage is a 503 with `Retry-After`, answered within a second, `/readyz`
//! says why, no `Idempotency-Key` is left locked, and tinbao recovers by itself when the
//! database is back. PostgreSQL only: its database is closed to connections and its
//! sessions ended, as a restart of the server would (SQLite has no server to lose).

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::helpers::{Backend, TestApp, assert_problem, ok_json, postgres_skipped, spawn_app, tip};

/// Runs `statements` as the cluster's superuser, on its `postgres` database.
fn as_superuser(app: &TestApp, statements: Vec<String>) {
    let (cluster, _) = app.database_url.rsplit_once('/').expect("a database URL");
    let admin_url = format!("{cluster}/postgres");
    std::thread::spawn(move || {
        let mut admin = PgConnection::establish(&admin_url).expect("the cluster answers");
        for statement in statements {
            diesel::sql_query(statement).execute(&mut admin).expect("the statement runs");
        }
    })
    .join()
    .expect("the admin thread");
}

fn database_name(app: &TestApp) -> String {
    app.database_url.rsplit_once('/').expect("a database URL").1.to_owned()
}

async fn keyed_tip(app: &TestApp, key: &str, body: &serde_json::Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/reports", app.address))
        .header("Idempotency-Key", key)
        .header("Accept-Language", "en")
        .json(body)
        .send()
        .await
        .expect("the server answers")
}

#[actix_web::test]
async fn a_database_outage_is_a_quick_503_and_tinbao_recovers_by_itself() {
    if postgres_skipped() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let body = tip(app.first_commune(902).await);
    ok_json(app.submit(None, &body).await, 201).await;
    let name = database_name(&app);
    as_superuser(
        &app,
        vec![
            format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
            format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
        ],
    );

    let key = uuid::Uuid::now_v7().to_string();
    for round in 0..3 {
        let started = Instant::now();
        let res = keyed_tip(&app, &key, &body).await;
        let waited = started.elapsed();
        assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned()), Some("5".to_owned()));
        assert_problem(res, 503, "service_unavailable").await;
        assert!(waited < Duration::from_millis(1_500), "round {round}: the 503 took {waited:?}");
    }
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert!(started.elapsed() < Duration::from_millis(1_500), "/readyz took {:?}", started.elapsed());
    let why = assert_problem(ready, 503, "database_unreachable").await;
    assert!(why["detail"].as_str().unwrap().contains("database does not answer"), "{why}");
    assert_eq!(app.get_json("/healthz", 200).await["status"], "ok", "the process itself is alive");

    as_superuser(&app, vec![format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.get("/readyz").await.status().as_u16() != 200 {
        assert!(Instant::now() < deadline, "tinbao did not recover within 5 s of the database's return");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The key tried during the outage is free: the retry files the tip (no 409, no wait).
    let filed = ok_json(keyed_tip(&app, &key, &body).await, 201).await;
    let again = ok_json(keyed_tip(&app, &key, &body).await, 201).await;
    assert_eq!(filed, again, "and a second retry replays it");
    assert_eq!(app.sql_count("SELECT count(*) AS n FROM reports").await, 2, "one tip before, one after");
}
