//! What every request to change a case starts with, read once and in this order: the
//! caller, allowed to ask for case changes at all; the case's id from the path; who acts
//! in the audit trail; the version the caller last read (`If-Match`); and only then the
//! body. actix runs a handler's extractors concurrently and answers the first error to
//! arrive, so a separate body extractor would make "403" or "422" a matter of timing;
//! reading the body last makes a refused caller always a 403, whatever they sent.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::IF_MATCH;
use actix_web::{FromRequest, HttpRequest};
use uuid::Uuid;

use serde::de::DeserializeOwned;

use super::body::JsonBody;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::audit::Origin;
use crate::error::ServiceError;
use crate::http::params;
use crate::http::request_context::request_id;

/// A request to change the case of `/api/v1/cases/{id}/…`, with its JSON body `T`.
pub struct CaseCommand<T> {
    pub caller: Caller,
    pub id: Uuid,
    pub origin: Origin,
    /// `None` when absent or empty: an empty `If-Match` names no version (428, not 412).
    pub if_match: Option<String>,
    pub body: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for CaseCommand<T> {
    type Error = ServiceError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        // Nothing is read until it is awaited, below.
        let body = JsonBody::<T>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let caller = caller.await?;
            authorize(&caller, Action::ChangeCases)?;
            let id = params::path_id(&req)?;
            let origin = caller.origin(request_id(&req));
            let body = body.await?.value;
            Ok(CaseCommand { caller, id, origin, if_match: if_match(&req), body })
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
