//! Device tokens (issue 14, point 4): failures from elsewhere back off an account's
//! untrusted sign-ins, not its owner on a device that signed in before.

use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, ok_json, spawn_app};

async fn login(app: &TestApp, password: &str, device_token: Option<&str>) -> reqwest::Response {
    let mut body = json!({"login": "0917000111", "password": password});
    if let Some(token) = device_token {
        body["device_token"] = Value::from(token);
    }
    app.post_json("/api/v1/auth/login", None, &body).await
}

async fn failures_from_elsewhere_do_not_keep_the_owner_out_of_a_trusted_device(backend: Backend) {
    let app = spawn_app(backend).await;
    app.citizen("0917000111").await;
    app.citizen("0917000222").await;
    let first = ok_json(login(&app, PASSWORD, None).await, 200).await;
    let device = first["device_token"].as_str().expect("a full sign-in gives a device token").to_owned();
    let others = ok_json(
        app.post_json("/api/v1/auth/login", None, &json!({"login": "0917000222", "password": PASSWORD})).await,
        200,
    )
    .await;
    let others_device = others["device_token"].as_str().unwrap().to_owned();
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM trusted_devices").await, 4, "one per full sign-in so far");
    let stored = format!("SELECT COUNT(*) AS n FROM trusted_devices WHERE token_digest LIKE '%{}%'", &device[3..]);
    assert_eq!(app.sql_count(&stored).await, 0, "stored as a digest");

    // Someone who knows the number fails from elsewhere until sign-ins back off.
    for _ in 0..5 {
        assert_problem(login(&app, "wrong guess one two three", None).await, 401, "invalid_credentials").await;
    }
    assert_problem(login(&app, PASSWORD, None).await, 429, "too_many_requests").await;
    assert_problem(login(&app, PASSWORD, Some(&others_device)).await, 429, "too_many_requests").await;
    // The owner, on the device that signed in before, is not kept out.
    let again = ok_json(login(&app, PASSWORD, Some(&device)).await, 200).await;
    let replaced = again["device_token"].as_str().unwrap().to_owned();
    assert_ne!(replaced, device, "a token is replaced at each use");
    assert_problem(login(&app, PASSWORD, Some(&device)).await, 429, "too_many_requests").await;

    // A stolen device token buys no more guesses than the free ones.
    for _ in 0..5 {
        assert_problem(login(&app, "wrong guess one two three", Some(&replaced)).await, 401, "invalid_credentials")
            .await;
    }
    assert_problem(login(&app, PASSWORD, Some(&replaced)).await, 429, "too_many_requests").await;
}

crate::on_both_backends!(failures_from_elsewhere_do_not_keep_the_owner_out_of_a_trusted_device);
