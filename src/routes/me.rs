//! `/api/v1/me*`: the caller's own account.

use actix_web::{HttpRequest, HttpResponse, web};

use super::body::JsonBody;
use crate::api::validate::check;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::request_context::request_id;
use crate::services::dto::accounts::{ChangePasswordRequest, TotpConfirmRequest, UserView};
use crate::services::me;
use crate::state::AppState;

/// `GET /api/v1/me`.
pub async fn profile(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadSelf)?;
    Ok(HttpResponse::Ok().json(UserView::from(me::profile(&state, &caller).await?)))
}

/// `POST /api/v1/me/password`.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ChangeOwnPassword)?;
    check(&body.value)?;
    me::change_password(&state, &caller, caller.origin(request_id(&req)), body.value).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/me/mfa/totp`.
pub async fn enrol_totp(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::EnrolMfa)?;
    let enrolment = me::enrol_totp(&state, &caller).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(enrolment))
}

/// `POST /api/v1/me/mfa/totp/confirm`.
pub async fn confirm_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<TotpConfirmRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::EnrolMfa)?;
    check(&body.value)?;
    me::confirm_totp(&state, &caller, caller.origin(request_id(&req)), body.value.code).await?;
    Ok(HttpResponse::NoContent().finish())
}
