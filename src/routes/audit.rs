//! `/api/v1/audit*`: the whole audit trail, for auditors.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::page::Page;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::list_queries::{audit_query, checkpoint};
use crate::http::params::Params;
use crate::services::audit;
use crate::state::AppState;

/// `GET /api/v1/audit`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    // Who may read comes before what was asked: a refused caller learns nothing of the
    // parameters (the service checks again, for every face).
    authorize(&caller, Action::ReadAuditTrail)?;
    let query = audit_query(req.query_string())?;
    let (items, next_cursor) = audit::list(&state, &caller, query).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(Page { items, next_cursor }))
}

/// `GET /api/v1/audit/verify`.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadAuditTrail)?;
    let mut p = Params::query(&req);
    let checkpoint = p.optional("checkpoint", checkpoint);
    p.finish()?;
    let view = audit::verify_view(&state, &caller, checkpoint).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(view))
}
