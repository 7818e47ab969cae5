//! Every error is a problem document with a stable code, in the caller's language.

use crate::helpers::{Backend, assert_problem, spawn_app};

async fn an_unknown_route_is_a_404_problem(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = assert_problem(app.get("/api/v1/nothing-here").await, 404, "route_not_found").await;
    assert!(body["detail"].as_str().unwrap().contains("/openapi.yaml"));
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
}

async fn a_wrong_method_is_a_405_with_allow(backend: Backend) {
    let app = spawn_app(backend).await;
    for method in [reqwest::Method::POST, reqwest::Method::DELETE, reqwest::Method::PUT] {
        let res = app
            .client
            .request(method.clone(), format!("{}/api/v1/admin-units", app.address))
            .header("Accept-Language", "en")
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers().get("allow").map(|v| v.to_str().unwrap()), Some("GET"), "{method}");
        assert_problem(res, 405, "method_not_allowed").await;
    }
}

async fn vietnamese_is_the_default_and_english_is_on_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.client.get(format!("{}/nowhere", app.address)).send().await.unwrap();
    assert_eq!(res.headers()["content-language"], "vi");
    let body = assert_problem(res, 404, "route_not_found").await;
    assert_eq!(body["title"], "Không tìm thấy");

    let res = app.get("/nowhere").await;
    assert_eq!(res.headers()["content-language"], "en");
    let body = assert_problem(res, 404, "route_not_found").await;
    assert_eq!(body["title"], "Not found");
}

async fn the_request_id_is_echoed_when_plain_and_replaced_when_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let res =
        app.client.get(format!("{}/healthz", app.address)).header("X-Request-Id", "lb-1234.abc").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "lb-1234.abc");

    let res = app
        .client
        .get(format!("{}/nowhere", app.address))
        .header("X-Request-Id", "bad id <script>")
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id, "bad id <script>");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "a fresh id replaces an unusable one");
    let body = assert_problem(res, 404, "route_not_found").await;
    assert_eq!(body["request_id"], id.as_str(), "the body names the same id as the header");
}

crate::on_both_backends!(
    an_unknown_route_is_a_404_problem,
    a_wrong_method_is_a_405_with_allow,
    vietnamese_is_the_default_and_english_is_on_request,
    the_request_id_is_echoed_when_plain_and_replaced_when_not,
);
