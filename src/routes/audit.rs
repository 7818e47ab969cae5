//! `/api/v1/audit*`: the whole audit trail, for auditors.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web};

use super::params::{self, Params};
use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::audit::Filter;
use crate::domain::audit::{Checkpoint, ObjectType};
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::services::audit::{self, AuditQuery};
use crate::state::AppState;

fn object_type(text: &str) -> Result<ObjectType, Msg> {
    ObjectType::parse(text).ok_or_else(|| Msg::of("audit-must-be-case-account-routing-rule"))
}

/// Short plain text: an actor (`user:<id>`), an action (`case.accept`), an object id.
fn token(text: &str) -> Result<String, Msg> {
    if text.len() <= 100 && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err(Msg::of("audit-must-be-at-most-100-visible"))
    }
}

fn instant(text: &str) -> Result<chrono::NaiveDateTime, Msg> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .map_err(|_| Msg::of("audit-must-be-a-time-like-2026"))
}

/// `newest` (true) or `oldest`.
fn order(text: &str) -> Result<bool, Msg> {
    match text {
        "newest" => Ok(true),
        "oldest" => Ok(false),
        _ => Err(Msg::of("audit-must-be-oldest-or-newest")),
    }
}

fn sequence(text: &str) -> Result<i64, Msg> {
    text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| Msg::of("audit-is-not-a-cursor-of-this"))
}

/// The trail's filters from a query string; the console's audit page reads the same
/// names, so that one parser (and one set of messages) serves both faces.
pub fn audit_query(query: &str) -> Result<AuditQuery, ServiceError> {
    let mut p = Params::of_query(query);
    let filter = Filter {
        object_type: p.optional("object_type", object_type),
        object_id: p.optional("object_id", token),
        actor: p.optional("actor", token),
        action: p.optional("action", token),
        from: p.optional("from", instant),
        to: p.optional("to", instant),
        newest_first: p.optional("order", order).unwrap_or(false),
    };
    let after = p.optional("cursor", sequence);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    p.finish()?;
    Ok(AuditQuery { filter, after, limit })
}

/// A checkpoint as `tinbao audit checkpoint` prints it.
pub fn checkpoint(text: &str) -> Result<Checkpoint, Msg> {
    Checkpoint::parse(text).ok_or_else(|| Msg::of("audit-must-be-a-checkpoint-as-tinbao"))
}

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
