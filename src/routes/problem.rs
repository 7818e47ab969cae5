//! How the JSON API answers a [`ServiceError`]: an RFC 9457 `application/problem+json`
//! document. The one place where a kind of failure becomes an HTTP status.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::{ErrorKind, ServiceError};
use crate::i18n::{Lang, Msg};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The status that answers each kind of failure.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::StaleVersion => StatusCode::PRECONDITION_FAILED,
        ErrorKind::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The problem document for `err` in `lang`, tagged with the request id.
pub fn problem_response(err: &ServiceError, lang: Lang, request_id: Option<&str>) -> HttpResponse {
    problem_response_with_status(err, status_of(err.kind), lang, request_id)
}

/// As [`problem_response`], with a status that actix chose for a request that never
/// reached a handler (a 408 or a 411 keeps its own status).
pub fn problem_response_with_status(
    err: &ServiceError,
    status: StatusCode,
    lang: Lang,
    request_id: Option<&str>,
) -> HttpResponse {
    let body = Problem {
        type_: format!("urn:tinbao:problem:{}", err.code),
        title: title(status, lang),
        status: status.as_u16(),
        detail: err.detail.get(lang),
        code: err.code,
        errors: err
            .errors
            .iter()
            .map(|e| ProblemField { field: &e.field, code: e.code, message: e.message.get(lang) })
            .collect(),
        request_id,
        allowed_actions: err.allowed_actions.as_deref(),
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type(PROBLEM_JSON)
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if err.kind == ErrorKind::Unauthenticated {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    if let Some(seconds) = err.retry_after {
        response.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if let Some(allow) = err.allowed_methods.as_deref().and_then(|a| HeaderValue::from_str(a).ok()) {
        response.insert_header((header::ALLOW, allow));
    }
    response.json(body)
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    type_: String,
    title: String,
    status: u16,
    detail: String,
    code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_actions: Option<&'a [&'static str]>,
}

#[derive(Serialize)]
struct ProblemField<'a> {
    field: &'a str,
    code: &'static str,
    message: String,
}

/// A short title for the status, in `lang` (`title-<status>` in the catalogues).
fn title(status: StatusCode, lang: Lang) -> String {
    let id = match status.as_u16() {
        400 => "title-400",
        401 => "title-401",
        403 => "title-403",
        404 => "title-404",
        405 => "title-405",
        406 => "title-406",
        409 => "title-409",
        412 => "title-412",
        413 => "title-413",
        415 => "title-415",
        422 => "title-422",
        428 => "title-428",
        429 => "title-429",
        503 => "title-503",
        s if s >= 500 => "title-500",
        _ => "title-other",
    };
    Msg::of(id).get(lang)
}

impl ResponseError for ServiceError {
    fn status_code(&self) -> StatusCode {
        status_of(self.kind)
    }

    fn error_response(&self) -> HttpResponse {
        problem_response(self, Lang::default(), None)
    }
}
