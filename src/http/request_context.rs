//! What the request-context middleware (`routes::middleware`) leaves on every request for
//! the faces: its id (logged, answered in `X-Request-Id`, written to the audit trail) and
//! the caller's language.

use actix_web::HttpMessage;
use actix_web::http::header::HeaderName;

use crate::i18n::Lang;

/// The header that carries the request id both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Per-request facts, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub lang: Lang,
}

/// The request's id (as logged and answered in `X-Request-Id`), for the audit trail.
pub fn request_id(req: &actix_web::HttpRequest) -> Option<String> {
    req.extensions().get::<RequestContext>().map(|c| c.request_id.clone())
}
