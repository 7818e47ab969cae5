//! The request context: request id, language, tracing span, metrics, and the final form
//! of every error.
//!
//! Errors are rendered here, after the handler, because only here are the caller's
//! language and the request id known. Any error response that is not already a problem
//! document (one raised inside actix itself, say) is replaced by one, and a 5xx body never
//! carries more than a generic sentence.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing::Instrument;

use crate::error::{ErrorKind, ServiceError};
use crate::http::request_context::{REQUEST_ID, RequestContext};
use crate::i18n::{Lang, Msg};
use crate::routes::problem::{PROBLEM_JSON, problem_response, problem_response_with_status, status_of};
use crate::state::AppState;

/// The longest request id taken from a client.
const MAX_REQUEST_ID_CHARS: usize = 128;

/// The middleware itself, for `actix_web::middleware::from_fn`.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_acceptable_request_id(id))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let lang = Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    req.extensions_mut().insert(RequestContext { request_id: request_id.clone(), lang });
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let method = crate::metrics::method_label(req.method().as_str());
    // Only the route pattern is logged: paths and queries may carry what callers typed.
    let span = tracing::info_span!("request", request_id = %request_id, method = %method);

    // Handlers' errors arrive as responses carrying the error; an `Err` here could only
    // come from the router itself, and actix renders it. (Holding a clone of the request
    // to build a response from it would stop the router from writing its path parameters.)
    let res = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let mut res = as_problem(res, lang, &request_id);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }

    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    if let Some(metrics) = metrics {
        metrics.observe(method, &route, status, seconds);
    }
    span.in_scope(|| tracing::info!(route = %route, status, latency_ms = seconds * 1000.0, "request finished"));
    Ok(res)
}

/// Ids are echoed into headers and logs: accept only short, plain ones.
fn is_acceptable_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Renders the response's error in the caller's language, or turns a bare error response
/// into a problem document.
fn as_problem(res: ServiceResponse<BoxBody>, lang: Lang, request_id: &str) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let api_error = res.response().error().and_then(|e| e.as_error::<ServiceError>()).cloned();
    if let Some(err) = api_error {
        return res.into_response(problem_response(&err, lang, Some(request_id)));
    }
    let content_type = res.headers().get(header::CONTENT_TYPE).map(HeaderValue::as_bytes).unwrap_or_default();
    // The pages answer their own errors as pages, in their own language.
    let is_answered = content_type.starts_with(PROBLEM_JSON.as_bytes()) || content_type.starts_with(b"text/html");
    if !(status.is_client_error() || status.is_server_error()) || is_answered {
        return res;
    }
    let mut err = generic_error(status);
    if let Some(allow) = res.headers().get(header::ALLOW).and_then(|v| v.to_str().ok()) {
        err.allowed_methods = Some(allow.to_owned());
    }
    // A client error keeps the status actix chose (a 408, a 411); a server error is the
    // generic 500, whatever raised it.
    let answered = if status.is_client_error() { status } else { status_of(err.kind) };
    res.into_response(problem_response_with_status(&err, answered, lang, Some(request_id)))
}

/// A problem for a status raised outside tinbao's handlers.
fn generic_error(status: StatusCode) -> ServiceError {
    match status.as_u16() {
        404 => ServiceError::route_not_found(),
        413 => {
            ServiceError::new(ErrorKind::TooLarge, "payload_too_large", Msg::of("body-the-request-body-is-too-large"))
        }
        415 => ServiceError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            Msg::of("middleware-this-content-type-is-not-accepted"),
        ),
        s if s >= 500 => ServiceError::internal(format!("status {status} raised outside a handler")),
        _ => ServiceError::new(
            ErrorKind::BadRequest,
            "bad_request",
            Msg::of("middleware-the-request-could-not-be-understood"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_request_ids_are_taken_from_clients() {
        assert!(is_acceptable_request_id("abc-123_x.y:z"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("a b"));
        assert!(!is_acceptable_request_id("x\r\nSet-Cookie: a=b"));
        assert!(!is_acceptable_request_id(&"a".repeat(129)));
    }
}
