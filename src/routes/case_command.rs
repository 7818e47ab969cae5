//! What every request to change a case starts with, read once: the caller, allowed to
//! ask for case changes at all, the case's id from the path, who acts in the audit trail,
//! and the version the caller last read (`If-Match`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::IF_MATCH;
use actix_web::{FromRequest, HttpRequest};
use uuid::Uuid;

use super::params;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::audit::Origin;
use crate::error::ServiceError;
use crate::routes::middleware::request_id;

/// A request to change the case of `/api/v1/cases/{id}/…`.
pub struct CaseCommand {
    pub caller: Caller,
    pub id: Uuid,
    pub origin: Origin,
    /// `None` when absent or empty: an empty `If-Match` names no version (428, not 412).
    pub if_match: Option<String>,
}

impl FromRequest for CaseCommand {
    type Error = ServiceError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let caller = caller.await?;
            authorize(&caller, Action::ChangeCases)?;
            let id = params::path_id(&req)?;
            let origin = caller.origin(request_id(&req));
            Ok(CaseCommand { caller, id, origin, if_match: if_match(&req) })
        })
    }
}

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}
