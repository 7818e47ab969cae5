//! `/api/v1/clients*`: integrator clients, for admins.

use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::JsonBody;
use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::http::request_context::request_id;
use crate::services::clients;
use crate::services::dto::clients::{ClientView, CreateClientRequest};
use crate::state::AppState;

/// `GET /api/v1/clients`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageClients)?;
    let mut p = Params::query(&req);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let after = p.optional("cursor", params::uuid);
    p.finish()?;
    let (items, next) = clients::list(&state, &caller, after, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items.into_iter().map(ClientView::from).collect::<Vec<_>>(),
        next_cursor: next.map(|id| id.to_string()),
    }))
}

/// `POST /api/v1/clients`: the answer holds the secret, once.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateClientRequest>,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageClients)?;
    let (client, secret) = clients::create(&state, &caller, caller.origin(request_id(&req)), body.value).await?;
    let location = format!("/api/v1/clients/{}", client.id);
    let mut view = ClientView::from(client);
    view.client_secret = Some(secret);
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(view))
}

/// `GET /api/v1/clients/{id}`.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageClients)?;
    let id = params::path_id(&req)?;
    Ok(HttpResponse::Ok().json(ClientView::from(clients::get(&state, &caller, id).await?)))
}

/// `DELETE /api/v1/clients/{id}`: revokes the client and its tokens.
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ManageClients)?;
    let id = params::path_id(&req)?;
    clients::revoke(&state, &caller, caller.origin(request_id(&req)), id).await?;
    Ok(HttpResponse::NoContent().finish())
}
