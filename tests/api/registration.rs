//! Registration without an account oracle (issue 14, point 1): the same answer for a free
//! and a taken number, pending accounts proven by an SMS code, a quota per number, a
//! durable outbox that outlives a gateway outage, password resets, and an admin's reset
//! of a second factor.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, ok_json, spawn_app, spawn_app_with};

const NUMBER: &str = "+84916000111";

async fn register(app: &TestApp, login: &str, password: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let res = app.post_json("/api/v1/auth/register", None, &json!({"login": login, "password": password})).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap(), started.elapsed())
}

async fn verify(app: &TestApp, login: &str, code: &str) -> u16 {
    app.post_json("/api/v1/auth/register/verify", None, &json!({"login": login, "code": code})).await.status().as_u16()
}

async fn a_free_and_a_taken_number_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    app.citizen("0916000111").await;
    // Three tries each, alternating: a timing is compared by its fastest try, so that a
    // moment of load on the machine (the whole suite runs at once) is not read as an oracle.
    let (mut free_time, mut taken_time) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let (free_status, free_body, free) = register(&app, "0916000222", "another lantern quietly river").await;
        let (taken_status, taken_body, taken) = register(&app, "0916000111", "another lantern quietly river").await;
        assert_eq!((free_status, &free_body), (202, &json!({"verification": "sent"})));
        assert_eq!((taken_status, &taken_body), (free_status, &free_body), "no oracle in the answer");
        (free_time, taken_time) = (free_time.min(free), taken_time.min(taken));
    }
    // Both hash the password: neither answers in a fraction of the other's time.
    let (fast, slow) = (free_time.min(taken_time), free_time.max(taken_time));
    assert!(slow < fast * 3 + Duration::from_millis(50), "free {free_time:?}, taken {taken_time:?}");
    // The owner of the taken number is told; the account is unchanged.
    let told = app.gateway.wait_for(NUMBER, 2).await;
    assert!(told[1].text.contains("dang ky") && crate::sms_gateway::code_in(&told[1].text).is_none(), "{told:?}");
    ok_json(app.login("0916000111", PASSWORD, None).await, 200).await;
    assert_problem(app.login("0916000111", "another lantern quietly river", None).await, 401, "invalid_credentials")
        .await;
}

async fn a_pending_number_counts_as_free_and_codes_allow_five_tries(backend: Backend) {
    let app = spawn_app(backend).await;
    // A stranger registers the number first; the owner registers it again.
    let (status, _, _) = register(&app, "0916000111", "stranger lantern quietly river").await;
    assert_eq!(status, 202);
    let strangers_code = app.gateway.code(NUMBER, 1).await;
    let (status, _, _) = register(&app, "0916000111", PASSWORD).await;
    assert_eq!(status, 202);
    let code = app.gateway.code(NUMBER, 2).await;
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM users WHERE role = 'citizen'").await, 1, "replaced");
    if strangers_code != code {
        assert_eq!(verify(&app, "0916000111", &strangers_code).await, 400, "the replaced code is void");
    }
    // Four more wrong tries (five in all), then even the right code is refused.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let spent = if strangers_code != code { 4 } else { 5 };
    for _ in 0..spent {
        assert_eq!(verify(&app, "0916000111", wrong).await, 400);
    }
    assert_eq!(verify(&app, "0916000111", &code).await, 400, "five tries per code");
    assert_eq!(verify(&app, "0916000999", &code).await, 400, "an unknown number answers alike");
    // The owner registers once more and gets in.
    register(&app, "0916000111", PASSWORD).await;
    let code = app.gateway.code(NUMBER, 3).await;
    assert_eq!(verify(&app, "0916000111", &code).await, 204);
    ok_json(app.login("0916000111", PASSWORD, None).await, 200).await;
}

async fn no_number_gets_more_than_three_sms_an_hour(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..5 {
        let (status, body, _) = register(&app, "0916000111", PASSWORD).await;
        assert_eq!((status, body), (202, json!({"verification": "sent"})), "the same answer beyond the quota");
    }
    app.gateway.wait_for(NUMBER, 3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.gateway.messages_to(NUMBER).len(), 3);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM outbox").await, 0, "nothing waits either");
}

async fn a_gateway_outage_loses_no_message(backend: Backend) {
    let app = spawn_app(backend).await;
    app.gateway.set_failing(true);
    let (status, _, _) = register(&app, "0916000111", PASSWORD).await;
    assert_eq!(status, 202);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.gateway.messages_to(NUMBER).is_empty());
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM outbox WHERE attempts >= 1").await, 1, "kept, tried");
    let sealed = "SELECT COUNT(*) AS n FROM outbox WHERE payload_sealed LIKE '%916000111%'";
    assert_eq!(app.sql_count(sealed).await, 0, "the number is sealed in the queue");
    app.gateway.set_failing(false);
    // The next try comes 5 s after the failure.
    let code = app.gateway.code(NUMBER, 1).await;
    assert_eq!(verify(&app, "0916000111", &code).await, 204);
    for _ in 0..40 {
        if app.sql_count("SELECT COUNT(*) AS n FROM outbox").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a sent message stays in the outbox");
}

async fn without_a_gateway_registration_is_unavailable(backend: Backend) {
    let app = spawn_app_with(backend, |config| config.sms_gateway = None).await;
    let res = app.post_json("/api/v1/auth/register", None, &json!({"login": "0916000111", "password": PASSWORD})).await;
    assert_problem(res, 503, "registration_unavailable").await;
    let res = app.post_json("/api/v1/auth/password-reset", None, &json!({"login": "0916000111"})).await;
    assert_problem(res, 503, "registration_unavailable").await;
}

async fn a_citizen_resets_a_forgotten_password_with_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let citizen = app.citizen("0916000111").await;
    let reset = |login: &'static str| {
        let app = &app;
        async move { app.post_json("/api/v1/auth/password-reset", None, &json!({"login": login})).await }
    };
    let unknown = reset("0916000999").await;
    assert_eq!(ok_json(unknown, 202).await, json!({"verification": "sent"}));
    let known = reset("0916000111").await;
    assert_eq!(ok_json(known, 202).await, json!({"verification": "sent"}), "alike whether or not it exists");
    let code = app.gateway.code(NUMBER, 2).await;
    assert!(app.gateway.messages_to("+84916000999").is_empty());
    let new_password = "orchid tractor seventy lakes";
    let confirm = |code: String| {
        let app = &app;
        async move {
            let body = json!({"login": "0916000111", "code": code, "password": new_password});
            app.post_json("/api/v1/auth/password-reset/confirm", None, &body).await
        }
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_problem(confirm(wrong.to_owned()).await, 400, "invalid_code").await;
    assert_eq!(confirm(code.clone()).await.status().as_u16(), 204);
    assert_problem(app.login("0916000111", PASSWORD, None).await, 401, "invalid_credentials").await;
    ok_json(app.login("0916000111", new_password, None).await, 200).await;
    let old_session = app.call("GET", "/api/v1/me", Some(&citizen.access_token), None).await;
    assert_eq!(old_session.status().as_u16(), 401, "every session ended");
    assert_problem(confirm(code).await, 400, "invalid_code").await;
    let count =
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.password_reset' AND actor = 'anonymous'";
    assert_eq!(app.sql_count(count).await, 1);
}

async fn an_admin_resets_a_lost_second_factor(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let id = app.create_staff(&admin, "kg.lost", "auditor", json!({})).await;
    let staff = app.full_session("kg.lost").await;
    let path = format!("/api/v1/users/{id}/mfa/reset");
    assert_problem(app.post_json(&path, Some(&staff.access_token), &Value::Null).await, 403, "forbidden").await;
    let res = app.post_json(&path, Some(&admin.access_token), &Value::Null).await;
    assert_eq!(res.status().as_u16(), 204);
    let gone = app.call("GET", "/api/v1/me", Some(&staff.access_token), None).await;
    assert_eq!(gone.status().as_u16(), 401, "its sessions ended");
    let again = ok_json(app.login("kg.lost", PASSWORD, None).await, 200).await;
    assert_eq!(again["mfa_enrollment_required"], true, "enrols again");
    // Audited under the account, by the admin, without the secret (auditors read it).
    let audited = format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.mfa_reset' AND object_type = 'account' \
         AND object_id = '{id}' AND actor = 'user:{}' AND summary = '{{\"had_second_factor\":true}}'",
        admin.user_id
    );
    assert_eq!(app.sql_count(&audited).await, 1);
    let own = format!("/api/v1/users/{}/mfa/reset", admin.user_id);
    assert_problem(app.post_json(&own, Some(&admin.access_token), &Value::Null).await, 409, "cannot_reset_own_mfa")
        .await;
    let missing = format!("/api/v1/users/{}/mfa/reset", uuid::Uuid::now_v7());
    assert_problem(app.post_json(&missing, Some(&admin.access_token), &Value::Null).await, 404, "not_found").await;
}

crate::on_both_backends!(
    a_free_and_a_taken_number_get_the_same_answer,
    a_pending_number_counts_as_free_and_codes_allow_five_tries,
    no_number_gets_more_than_three_sms_an_hour,
    a_gateway_outage_loses_no_message,
    without_a_gateway_registration_is_unavailable,
    a_citizen_resets_a_forgotten_password_with_a_code,
    an_admin_resets_a_lost_second_factor,
);
