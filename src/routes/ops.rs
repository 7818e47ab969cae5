//! Operations: liveness, readiness, metrics and the contract itself.

use actix_web::http::header::{CACHE_CONTROL, ContentType};
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::ServiceError;
use crate::services::readiness;
use crate::state::AppState;

/// The OpenAPI document, served as written.
const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// The process is up. Touches nothing else, so that a slow database never gets a healthy
/// process restarted.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(json!({"status": "ok"}))
}

/// The database answers and has every migration this binary expects.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    readiness::check(&state).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(json!({"status": "ready"})))
}

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(state.metrics.render())
}

/// The contract, `openapi.yaml`.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().insert_header(ContentType(mime_yaml())).body(OPENAPI_YAML)
}

fn mime_yaml() -> actix_web::mime::Mime {
    "application/yaml".parse().unwrap_or(actix_web::mime::TEXT_PLAIN_UTF_8)
}
