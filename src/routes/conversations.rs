//! The pages of a conversation beyond what answers embed (the newest 50): a case's
//! messages and notes for staff, a citizen's messages on one of their own tips.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::services::conversations;
use crate::state::AppState;

/// The cursor (the last item's id) and the page size of a conversation's page.
fn page_params(req: &HttpRequest) -> Result<(Option<uuid::Uuid>, u32), ServiceError> {
    let mut p = Params::query(req);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let before = p.optional("cursor", params::uuid);
    p.finish()?;
    Ok((before, limit))
}

/// A page of a conversation: never cached, since it quotes what reporters wrote.
fn private_page<T: serde::Serialize>(items: Vec<T>, next_cursor: Option<String>) -> HttpResponse {
    HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(Page { items, next_cursor })
}

/// `GET /api/v1/cases/{id}/messages`.
pub async fn case_messages(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let id = params::path_id(&req)?;
    let (before, limit) = page_params(&req)?;
    let (items, next_cursor) = conversations::of_case(&state, &caller, id, before, limit).await?;
    Ok(private_page(items, next_cursor))
}

/// `GET /api/v1/cases/{id}/notes`.
pub async fn case_notes(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let id = params::path_id(&req)?;
    let (before, limit) = page_params(&req)?;
    let (items, next_cursor) = conversations::notes_of_case(&state, &caller, id, before, limit).await?;
    Ok(private_page(items, next_cursor))
}

/// `GET /api/v1/me/reports/{id}/messages`.
pub async fn my_report_messages(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::FollowOwnReports)?;
    let id = params::path_id(&req)?;
    let (before, limit) = page_params(&req)?;
    let (items, next_cursor) =
        conversations::of_my_report(&state, super::reports::own_id(&caller)?, id, before, limit).await?;
    Ok(private_page(items, next_cursor))
}
