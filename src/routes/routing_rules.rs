//! `/api/v1/routing-rules*`: where tips go, for admins.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::JsonBody;
use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::http::request_context::request_id;
use crate::services::dto::reports::{CreateRuleRequest, RuleView};
use crate::services::routing_rules;
use crate::state::AppState;

/// `GET /api/v1/routing-rules`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageRoutingRules)?;
    let mut p = Params::query(&req);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let after = p.optional("cursor", params::uuid);
    p.finish()?;
    let (items, next) = routing_rules::list(&state, &caller, after, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items.into_iter().map(RuleView::from).collect::<Vec<_>>(),
        next_cursor: next.map(|id| id.to_string()),
    }))
}

/// `POST /api/v1/routing-rules`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateRuleRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageRoutingRules)?;
    let rule = routing_rules::create(&state, &caller, caller.origin(request_id(&req)), body.value).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/routing-rules/{}", rule.id)))
        .json(RuleView::from(rule)))
}

/// `GET /api/v1/routing-rules/{id}`.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageRoutingRules)?;
    let id = params::path_id(&req)?;
    Ok(HttpResponse::Ok().json(RuleView::from(routing_rules::get(&state, &caller, id).await?)))
}

/// `DELETE /api/v1/routing-rules/{id}`: cases already routed keep their routing.
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageRoutingRules)?;
    let id = params::path_id(&req)?;
    routing_rules::delete(&state, &caller, caller.origin(request_id(&req)), id).await?;
    Ok(HttpResponse::NoContent().finish())
}
