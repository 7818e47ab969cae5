//! `/api/v1/reports*`, `/api/v1/tracking*` and `/api/v1/me/reports*`: tips in, and
//! reporters following them.

use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::{IDEMPOTENCY_KEY, JsonBody};
use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::submission::ReportRequest;
use crate::error::{FieldError, ServiceError};
use crate::http::address::client_address;
use crate::http::params::{self, Params};
use crate::http::request_context::request_id;
use crate::i18n::Msg;
use crate::routes::caller::MaybeCaller;
use crate::services::abuse::{self, Counted, Counter};
use crate::services::dto::reports::{MessageRequest, TrackingMessageRequest, TrackingRequest};
use crate::services::{intake, reports, tracking};
use crate::state::AppState;

/// The shortest and longest `Idempotency-Key` accepted.
const MIN_KEY_CHARS: usize = 22;
const MAX_KEY_CHARS: usize = 255;

/// A key carries at least 128 bits (22 characters of 64 kinds, or a UUID): all anonymous
/// tips share one space of keys, so a short key could be guessed and its answer, a
/// stranger's receipt code, replayed.
fn is_acceptable_key(key: &str) -> bool {
    (MIN_KEY_CHARS..=MAX_KEY_CHARS).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ServiceError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else { return Ok(None) };
    match value.to_str() {
        Ok(key) if is_acceptable_key(key) => Ok(Some(key.to_owned())),
        _ => Err(ServiceError::invalid_parameters(vec![FieldError::new(
            "Idempotency-Key",
            "invalid",
            Msg::of("reports-must-be-a-uuid-or-22"),
        )])),
    }
}

/// `POST /api/v1/reports`.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ServiceError> {
    let key = idempotency_key(&req)?;
    let address = client_address(&req, &state.trusted_proxies);
    let tip = ReportRequest::read(body.value).map_err(ServiceError::validation)?;
    let created = intake::submit(&state, caller.0.as_ref(), tip, body.digest, key, address, request_id(&req)).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/reports/{}", created.id)))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(created))
}

/// `GET /api/v1/reports/{id}`.
pub async fn read(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadReport)?;
    let id = params::path_id(&req)?;
    Ok(HttpResponse::Ok().json(reports::read(&state, &caller, id).await?))
}

/// `POST /api/v1/tracking`.
pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<TrackingRequest>,
) -> Result<HttpResponse, ServiceError> {
    let address = client_address(&req, &state.trusted_proxies);
    let view = tracking::track(&state, address, &body.value.reference, &body.value.receipt_code).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(view))
}

/// `POST /api/v1/tracking/messages`.
pub async fn track_message(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<TrackingMessageRequest>,
) -> Result<HttpResponse, ServiceError> {
    let address = client_address(&req, &state.trusted_proxies);
    let b = body.value;
    let message = tracking::add_message(&state, address, &b.reference, &b.receipt_code, &b.body).await?;
    Ok(HttpResponse::Created().json(message))
}

pub(crate) fn own_id(caller: &Caller) -> Result<uuid::Uuid, ServiceError> {
    caller.account().map(|a| a.id).ok_or_else(|| ServiceError::internal("the policy let a client follow own reports"))
}

/// `GET /api/v1/me/reports`.
pub async fn mine(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::FollowOwnReports)?;
    let mut p = Params::query(&req);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let before = p.optional("cursor", params::uuid);
    p.finish()?;
    let (items, next) = tracking::mine(&state, own_id(&caller)?, before, limit).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor: next.map(|id| id.to_string()) }))
}

/// `GET /api/v1/me/reports/{id}`.
pub async fn one_of_mine(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::FollowOwnReports)?;
    let id = params::path_id(&req)?;
    Ok(HttpResponse::Ok().json(tracking::one_of_mine(&state, own_id(&caller)?, id).await?))
}

/// `POST /api/v1/me/reports/{id}/messages`.
pub async fn my_message(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<MessageRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::FollowOwnReports)?;
    let id = params::path_id(&req)?;
    let user = own_id(&caller)?;
    abuse::admit(&state, vec![Counter::id(Counted::Messages, user)]).await?;
    let message = tracking::add_my_message(&state, user, id, &body.value.body).await?;
    Ok(HttpResponse::Created().json(message))
}
