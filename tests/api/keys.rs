//! The keyring: rotation while the server runs, values bound to their row, key files
//! that others can read refused, and a missing key refused at start-up.

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::cases::staff;
use crate::cli::{text, tinbao, with_db};
use crate::helpers::{Backend, PASSWORD, Session, TestApp, case_of, ok_json, spawn_app, tip};

const KEY: &str = "keys-rotation-0123456789abcdef";

fn confidential(phone: &str) -> Value {
    let mut body = tip(30787);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Trần Thị Bé", "phone": phone});
    body
}

async fn keyed_tip(app: &TestApp, body: &Value) -> Value {
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .header("Idempotency-Key", KEY)
        .json(body)
        .send()
        .await
        .unwrap();
    ok_json(res, 201).await
}

/// The key id that seals `column` of every row (all rows share one).
fn sealing_ids(url: &str, query: &'static str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    with_db(url, move |conn| diesel::sql_query(query).load::<Row>(conn).unwrap().into_iter().map(|r| r.id).collect())
}

const CONTACT_KEYS: &str = "SELECT DISTINCT substr(phone_sealed, 1, 9) AS id FROM reporter_contacts";

/// How many sealed values the database holds (those of one key id, when given).
async fn sealed_count(app: &TestApp, key_id: &str) -> i64 {
    let mut total = 0;
    for (table, column) in [
        ("reporter_contacts", "name_sealed"),
        ("reporter_contacts", "phone_sealed"),
        ("reporter_contacts", "acting_as_sealed"),
        ("users", "totp_secret"),
        ("users", "login_sealed"),
        ("idempotency_keys", "response_sealed"),
    ] {
        total += app
            .sql_count(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {column} IS NOT NULL AND {column} LIKE '{key_id}%'"
            ))
            .await;
    }
    total
}

/// The officer asks for the case's reporters, with a fresh code of `code_from` (the
/// officer's app; `app` may be another instance).
async fn reveal(app: &TestApp, code_from: &TestApp, officer: &Session, case: &str) -> reqwest::Response {
    let code = code_from.fresh_code(officer).await;
    let reason = json!({"reason": "Cần gọi lại để xác định nơi nhóm người đang ở.", "totp_code": code});
    app.post_json(&format!("/api/v1/cases/{case}/reporter-contact"), Some(&officer.access_token), &reason).await
}

async fn keys_rotate_while_the_server_runs_and_every_value_still_opens(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let created = ok_json(app.submit(None, &confidential("0987654321")).await, 201).await;
    let case = case_of(&app, &s.auditor.access_token, &created).await;
    let first_answer = keyed_tip(&app, &tip(30787)).await;
    // A second factor begun before the rotation and confirmed after it.
    app.create_admin("keys.admin").await;
    let admin = app.full_session("keys.admin").await;
    app.create_staff(
        &admin,
        "kl.newcomer",
        "district_officer",
        json!({"authority_id": app.authority_id("2024-D902").await}),
    )
    .await;
    let first = ok_json(app.login("kl.newcomer", PASSWORD, None).await, 200).await;
    let newcomer = first["access_token"].as_str().unwrap().to_owned();
    let enrolment = ok_json(app.post_json("/api/v1/me/mfa/totp", Some(&newcomer), &Value::Null).await, 200).await;
    let secret = enrolment["secret"].as_str().unwrap().to_owned();

    let status = tinbao(&app.database_url, &app.data_dir, &["keys", "status"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let out = text(&status.stdout);
    let old = sealing_ids(&app.database_url, CONTACT_KEYS);
    assert_eq!(old.len(), 1, "{old:?}");
    let old_id = old[0].trim_end_matches('.').to_owned();
    assert!(old[0].ends_with('.'), "bound to its row: {old:?}");
    let sealed = sealed_count(&app, "").await;
    // The tip's name and phone, the keyed tip's answer, second-factor secrets (two
    // admins, five staff, and the newcomer's begun), and the citizen's login.
    assert_eq!(sealed, 2 + 1 + 8 + 1);
    assert!(
        out.contains(&format!("key {old_id} (seals and opens): {sealed} values, 0 of them in the first format")),
        "{out}"
    );

    let rotated = tinbao(&app.database_url, &app.data_dir, &["keys", "rotate"]);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    let out = text(&rotated.stdout);
    assert!(out.contains("added key ") && out.contains(&format!("{sealed} values re-sealed with key ")), "{out}");
    let new = sealing_ids(&app.database_url, CONTACT_KEYS);
    assert_eq!(new.len(), 1);
    assert_ne!(new, old, "every contact is sealed with the new key");
    assert_eq!(sealed_count(&app, &old_id).await, 0, "no value is left under the old key");

    // The running server has not read its keys since: it meets the new key and reads it.
    let revealed = ok_json(reveal(&app, &app, &s.officer, &case).await, 200).await;
    assert_eq!(revealed["contacts"][0]["phone"], "+84987654321");
    assert_eq!(keyed_tip(&app, &tip(30787)).await, first_answer, "the stored answer replays");
    let now = chrono::Utc::now().timestamp() as u64;
    let code = tinbao::auth::totp::code_at(&secret, now).unwrap();
    let confirm = app.post_json("/api/v1/me/mfa/totp/confirm", Some(&newcomer), &json!({"code": code})).await;
    assert_eq!(confirm.status().as_u16(), 204);
    let next = tinbao::auth::totp::code_at(&secret, now + 30).unwrap();
    ok_json(app.login("kl.newcomer", PASSWORD, Some(&next)).await, 200).await;
    // New values are sealed with the new key.
    ok_json(app.submit(None, &confidential("0987000111")).await, 201).await;
    assert_eq!(sealing_ids(&app.database_url, CONTACT_KEYS), new);

    // The old key seals nothing now: it may be retired, and an instance starts without it.
    let status = text(&tinbao(&app.database_url, &app.data_dir, &["keys", "status"]).stdout);
    assert!(
        status.contains(&format!("key {old_id} (opens): 0 values, 0 of them in the first format; may be retired")),
        "{status}"
    );
    std::fs::remove_file(tinbao::auth::keyring::default_key_path(&app.data_dir)).unwrap();
    let sibling = app.sibling().await;
    let revealed = ok_json(reveal(&sibling, &app, &s.colleague, &case).await, 200).await;
    assert_eq!(revealed["contacts"][0]["phone"], "+84987654321");
}

async fn a_sealed_value_moved_to_another_tip_does_not_open(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let first = ok_json(app.submit(None, &confidential("0987654321")).await, 201).await;
    let second = ok_json(app.submit(None, &confidential("0911222333")).await, 201).await;
    let case = case_of(&app, &s.auditor.access_token, &second).await;
    // A database writer copies the first reporter's sealed phone under the second tip.
    let reference = first["reference"].as_str().unwrap().to_owned();
    with_db(&app.database_url, move |conn| {
        let moved = diesel::sql_query(format!(
            "UPDATE reporter_contacts SET phone_sealed = (SELECT c.phone_sealed FROM reporter_contacts c \
             JOIN reports r ON r.id = c.report_id WHERE r.reference = '{reference}') \
             WHERE report_id <> (SELECT id FROM reports WHERE reference = '{reference}')"
        ))
        .execute(conn)
        .unwrap();
        assert_eq!(moved, 1);
    });
    let res = reveal(&app, &app, &s.officer, &case).await;
    assert_eq!(res.status().as_u16(), 500, "a tampered value is the server's fault, never shown");
    let body = res.text().await.unwrap();
    assert!(!body.contains("987654321") && !body.contains("911222333"), "{body}");
}

async fn key_files_others_can_read_and_missing_keys_are_refused_at_start_up(backend: Backend) {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app(backend).await;
    ok_json(app.submit(None, &confidential("0987654321")).await, 201).await;
    let key = tinbao::auth::keyring::default_key_path(&app.data_dir);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = tinbao(&app.database_url, &app.data_dir, &["keys", "status"]);
    assert!(!refused.status.success());
    let why = text(&refused.stderr);
    assert!(why.contains(&*key.to_string_lossy()) && why.contains("mode 0644") && why.contains("chmod 600"), "{why}");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();

    // Another key instead of the one that sealed the contacts: no start, and the reason.
    let stranger = tempfile::tempdir().unwrap();
    let (_, generated) = tinbao::auth::keyring::Keyring::load(&[], stranger.path()).unwrap();
    let other_key = generated.unwrap();
    let mut config = tinbao::config::Config::with_data_dir(&app.data_dir);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database = tinbao::db::DatabaseUrl::parse(&app.database_url).unwrap();
    config.encryption_key_files = vec![other_key.clone()];
    let failed = tinbao::startup::Application::build(config).await.err().expect("no start without the key");
    let why = failed.to_string();
    assert!(why.contains("not in the keyring") && why.contains("TINBAO_ENCRYPTION_KEY_FILES"), "{why}");
}

crate::on_both_backends!(
    keys_rotate_while_the_server_runs_and_every_value_still_opens,
    a_sealed_value_moved_to_another_tip_does_not_open,
    key_files_others_can_read_and_missing_keys_are_refused_at_start_up,
);
