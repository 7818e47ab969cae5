//! Security-relevant changes are in the audit trail, under the object they concern, with
//! nothing personal in them: integrator clients created and revoked, a refresh token
//! used twice, an account whose sign-ins start backing off, a reporter's message.

use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, ok_json, spawn_app, tip};

/// The events of one object, as an auditor reads them: (action, actor, summary).
async fn trail(app: &TestApp, auditor: &str, object_id: &str) -> Vec<(String, String, Value)> {
    let page =
        ok_json(app.call("GET", &format!("/api/v1/audit?object_id={object_id}"), Some(auditor), None).await, 200).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["action"].as_str().unwrap().to_owned(), e["actor"].as_str().unwrap().to_owned(), e["summary"].clone())
        })
        .collect()
}

fn actions(events: &[(String, String, Value)]) -> Vec<&str> {
    events.iter().map(|(action, ..)| action.as_str()).collect()
}

/// An auditor's token (made before any failed sign-in: failures from this test's one
/// address would throttle the auditor's sign-in too).
async fn auditor(app: &TestApp, admin: &crate::helpers::Session) -> String {
    app.create_staff(admin, "the.auditor", "auditor", json!({})).await;
    app.full_session("the.auditor").await.access_token
}

async fn creating_and_revoking_a_client_is_in_its_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let created = ok_json(
        app.post_json(
            "/api/v1/clients",
            Some(&admin.access_token),
            &json!({"name": "Cổng dịch vụ công tỉnh", "scopes": ["reports:submit"]}),
        )
        .await,
        201,
    )
    .await;
    let (id, secret) = (created["id"].as_str().unwrap(), created["client_secret"].as_str().unwrap());
    let revoked = app.call("POST", &format!("/api/v1/clients/{id}/revoke"), Some(&admin.access_token), None).await;
    assert_eq!(revoked.status().as_u16(), 204);

    let events = trail(&app, &auditor(&app, &admin).await, id).await;
    assert_eq!(actions(&events), ["client.created", "client.revoked"]);
    assert!(events.iter().all(|(_, actor, _)| *actor == format!("user:{}", admin.user_id)), "{events:?}");
    assert_eq!(events[0].2["scopes"], "reports:submit");
    assert!(!format!("{events:?}").contains(&secret[3..]), "the secret is not in the trail");
}

async fn a_reused_refresh_token_and_a_throttled_account_are_in_the_accounts_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    let auditor = auditor(&app, &app.admin().await).await;
    let citizen = app.citizen("0933111222").await;
    ok_json(app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": citizen.refresh_token})).await, 200)
        .await;
    let reuse = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": citizen.refresh_token})).await;
    assert_eq!(reuse.status().as_u16(), 401);
    for _ in 0..7 {
        app.login("0933111222", "not the password at all", None).await;
    }
    assert_eq!(app.login("0933111222", PASSWORD, None).await.status().as_u16(), 429);

    let events = trail(&app, &auditor, &citizen.user_id).await;
    let actions = actions(&events);
    assert_eq!(actions.iter().filter(|a| **a == "account.refresh_token_reused").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "account.sign_in_throttled").count(), 1, "once per lock: {actions:?}");
    let text = format!("{events:?}");
    for personal in ["0933111222", "+84933111222", "933111222"] {
        assert!(!text.contains(personal), "the login is not in the trail: {text}");
    }
}

async fn a_reporters_message_is_in_the_cases_trail_without_its_text_or_sender(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let (reference, code) = (created["reference"].as_str().unwrap(), created["receipt_code"].as_str().unwrap());
    let text = "Họ vẫn còn ở căn nhà cuối hẻm, có thêm hai người mới đến";
    let sent = app
        .post_json(
            "/api/v1/tracking/messages",
            None,
            &json!({"reference": reference, "receipt_code": code, "body": text}),
        )
        .await;
    ok_json(sent, 201).await;

    let auditor = auditor(&app, &app.admin().await).await;
    let case = crate::helpers::case_of(&app, &auditor, &created).await;
    let events = trail(&app, &auditor, &case).await;
    let message = events.iter().find(|(action, ..)| action == "case.reporter_message").expect("the message's event");
    assert_eq!(message.1, "anonymous");
    assert_eq!(message.2["report"], reference);
    assert_eq!(message.2["sha256"].as_str().unwrap().len(), 64);
    assert!(!format!("{events:?}").contains("căn nhà"), "the text is not in the trail");
}

crate::on_both_backends!(
    creating_and_revoking_a_client_is_in_its_trail,
    a_reused_refresh_token_and_a_throttled_account_are_in_the_accounts_trail,
    a_reporters_message_is_in_the_cases_trail_without_its_text_or_sender,
);
