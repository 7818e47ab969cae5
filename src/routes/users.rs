//! `/api/v1/users*`: accounts, for admins.
//! Who may is asked here first (so that a refused caller learns nothing of what they
//! asked about) and again by the use case, which every face calls.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::JsonBody;
use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::account::Role;
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::http::request_context::request_id;
use crate::i18n::Msg;
use crate::services::accounts;
use crate::services::dto::accounts::{CreateUserRequest, UpdateUserRequest, UserView};
use crate::state::AppState;

/// `GET /api/v1/users`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageAccounts)?;
    let mut p = Params::query(&req);
    let role = p.optional("role", |t| Role::parse(t).ok_or_else(role_message));
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let after = p.optional("cursor", params::login_cursor);
    p.finish()?;
    let (items, next) = accounts::list(&state, &caller, role, after, limit).await?;
    Ok(HttpResponse::Ok()
        .json(Page { items: items.into_iter().map(UserView::from).collect::<Vec<_>>(), next_cursor: next }))
}

fn role_message() -> Msg {
    Msg::of("accounts-must-be-citizen-commune-official-district")
}

/// `POST /api/v1/users`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageAccounts)?;
    let account = accounts::create(&state, &caller, caller.origin(request_id(&req)), body.value).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/users/{}", account.id)))
        .json(UserView::from(account)))
}

/// `GET /api/v1/users/{id}`.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageAccounts)?;
    let id = params::path_id(&req)?;
    Ok(HttpResponse::Ok().json(UserView::from(accounts::get(&state, &caller, id).await?)))
}

/// `PATCH /api/v1/users/{id}`.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageAccounts)?;
    let id = params::path_id(&req)?;
    let account = accounts::update(&state, &caller, caller.origin(request_id(&req)), id, body.value).await?;
    Ok(HttpResponse::Ok().json(UserView::from(account)))
}

/// `POST /api/v1/users/{id}/mfa/reset`.
pub async fn reset_mfa(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageAccounts)?;
    let id = params::path_id(&req)?;
    accounts::reset_mfa(&state, &caller, caller.origin(request_id(&req)), id).await?;
    Ok(HttpResponse::NoContent().finish())
}
