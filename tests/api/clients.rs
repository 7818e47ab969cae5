//! Integrator clients: registered by admins, tokens by client credentials, revocation.

use serde_json::json;

use crate::helpers::{Backend, assert_problem, ok_json, spawn_app};

/// `POST /api/v1/auth/token` with HTTP Basic credentials and a grant type.
async fn basic_grant(app: &crate::helpers::TestApp, id: &str, secret: &str, grant: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/auth/token", app.address))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", grant)])
        .send()
        .await
        .unwrap()
}

async fn a_client_gets_tokens_with_its_secret_until_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let authority = app.authority_id("2024-D902").await;
    let res = app
        .post_json(
            "/api/v1/clients",
            Some(&admin.access_token),
            &json!({"name": "Cổng thông tin Kiên Giang", "scopes": ["reports:submit", "cases:read"], "authority_id": authority}),
        )
        .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let created = ok_json(res, 201).await;
    let (id, secret) =
        (created["id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned());
    assert!(secret.len() >= 43, "at least 256 random bits");
    let read =
        ok_json(app.call("GET", &format!("/api/v1/clients/{id}"), Some(&admin.access_token), None).await, 200).await;
    assert!(read.get("client_secret").is_none(), "the secret is shown once");
    assert_eq!(read["scopes"], json!(["reports:submit", "cases:read"]));

    let token_url = format!("{}/api/v1/auth/token", app.address);
    let basic = basic_grant(&app, &id, &secret, "client_credentials").await;
    let token = ok_json(basic, 200).await;
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "reports:submit cases:read");
    let access = token["access_token"].as_str().unwrap().to_owned();
    // A client is no person: account routes are closed to it.
    assert_problem(app.call("GET", "/api/v1/me", Some(&access), None).await, 403, "forbidden").await;

    let in_form = app
        .client
        .post(&token_url)
        .form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(in_form.status().as_u16(), 200);

    let wrong = basic_grant(&app, &id, "cs_wrong", "client_credentials").await;
    assert_problem(wrong, 401, "invalid_client").await;
    let grant = basic_grant(&app, &id, &secret, "password").await;
    assert_problem(grant, 400, "unsupported_grant_type").await;
    let json_body =
        app.client.post(&token_url).json(&json!({"grant_type": "client_credentials"})).send().await.unwrap();
    assert_problem(json_body, 415, "unsupported_media_type").await;

    let revoked = app.call("POST", &format!("/api/v1/clients/{id}/revoke"), Some(&admin.access_token), None).await;
    assert_eq!(revoked.status().as_u16(), 204);
    assert_problem(app.call("GET", "/api/v1/me", Some(&access), None).await, 401, "invalid_token").await;
    let after = basic_grant(&app, &id, &secret, "client_credentials").await;
    assert_problem(after, 401, "invalid_client").await;
    let read =
        ok_json(app.call("GET", &format!("/api/v1/clients/{id}"), Some(&admin.access_token), None).await, 200).await;
    assert_eq!(read["revoked"], true);

    let bad = app
        .post_json("/api/v1/clients", Some(&admin.access_token), &json!({"name": "x", "scopes": ["cases:delete"]}))
        .await;
    assert_eq!(assert_problem(bad, 422, "validation_failed").await["errors"][0]["field"], "scopes[0]");
}

crate::on_both_backends!(a_client_gets_tokens_with_its_secret_until_revoked);
