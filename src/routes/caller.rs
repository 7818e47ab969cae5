//! The JSON API's caller extractors: the bearer token of `Authorization`, checked by
//! the sessions service.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};

use crate::auth::caller::{Caller, invalid_token};
use crate::error::ServiceError;
use crate::services::sessions::caller_of_token;
use crate::state::AppState;

/// A caller who may be anonymous: no `Authorization` header means `None`; a header with a
/// bad token is still a 401.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

fn bearer(req: &HttpRequest) -> Result<Option<String>, ServiceError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_token())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(invalid_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(invalid_token());
    }
    Ok(Some(token.trim().to_owned()))
}

async fn authenticate(req: HttpRequest) -> Result<Option<Caller>, ServiceError> {
    let Some(token) = bearer(&req)? else {
        return Ok(None);
    };
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| ServiceError::internal("no state"))?.clone();
    caller_of_token(&state, &token).await.map(Some)
}

impl FromRequest for Caller {
    type Error = ServiceError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(invalid_token) })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ServiceError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeCaller) })
    }
}
