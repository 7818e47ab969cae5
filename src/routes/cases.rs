//! `/api/v1/cases*`: the staff's work list, one case, and every change to it. Changes
//! need `If-Match` with the case's `ETag`.

use actix_web::http::header::{CACHE_CONTROL, ETAG, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::api::validate::check;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::case::etag;
use crate::error::ServiceError;
use crate::http::list_queries::work_list_query;
use crate::http::params::{self, Params, instant};
use crate::i18n::Msg;
use crate::routes::case_command::CaseCommand;
use crate::services::case_moves;
use crate::services::case_views;
use crate::services::cases::{self, AssignmentInput, TransitionInput};
use crate::services::dto::cases::{
    AssignmentRequest, CaseDetail, MergeRequest, RevealRequest, TextRequest, TransferDecisionRequest, TransferRequest,
    TransitionRequest,
};
use crate::services::work_list;
use crate::state::AppState;

/// A case with its `ETag`; never cached (it names people).
fn with_etag(case: CaseDetail) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((ETAG, etag(case.summary.version)))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(case)
}

/// `GET /api/v1/cases`.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let query = work_list_query(req.query_string())?;
    let (items, next_cursor) = work_list::list(&state, &caller, query).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(Page { items, next_cursor }))
}

/// `GET /api/v1/cases/{id}`.
pub async fn get(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let id = params::path_id(&req)?;
    Ok(with_etag(case_views::read(&state, &caller, id).await?))
}

/// `POST /api/v1/cases/{id}/transitions`.
pub async fn transition(
    state: web::Data<AppState>,
    command: CaseCommand<TransitionRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, if_match, body } = command;
    check(&body)?;
    let b = body;
    let input = TransitionInput { action: b.action, outcome: b.outcome, note: b.note };
    Ok(with_etag(cases::transition(&state, &caller, origin, id, if_match, input).await?))
}

/// `POST /api/v1/cases/{id}/assignment`.
pub async fn assign(
    state: web::Data<AppState>,
    command: CaseCommand<AssignmentRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, if_match, body } = command;
    let b = body;
    let input = AssignmentInput { assignee_id: b.assignee_id, priority: b.priority };
    Ok(with_etag(cases::assign(&state, &caller, origin, id, if_match, input, state.deadlines).await?))
}

/// `POST /api/v1/cases/{id}/notes`.
pub async fn add_note(
    state: web::Data<AppState>,
    command: CaseCommand<TextRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, body, .. } = command;
    check(&body)?;
    if body.report_id.is_some() {
        return Err(ServiceError::validation(vec![crate::error::FieldError::new(
            "report_id",
            "not_allowed",
            Msg::of("cases-notes-belong-to-the-case-not"),
        )]));
    }
    let added = cases::add_note(&state, &caller, origin, id, body.body).await?;
    Ok(HttpResponse::Created().insert_header((LOCATION, format!("/api/v1/cases/{id}"))).json(added))
}

/// `POST /api/v1/cases/{id}/messages`.
pub async fn message(
    state: web::Data<AppState>,
    command: CaseCommand<TextRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, body, .. } = command;
    check(&body)?;
    let b = body;
    let added = cases::message_reporters(&state, &caller, origin, id, b.body, b.report_id).await?;
    Ok(HttpResponse::Created().insert_header((LOCATION, format!("/api/v1/cases/{id}"))).json(added))
}

/// `POST /api/v1/cases/{id}/reporter-contact`.
pub async fn reveal(
    state: web::Data<AppState>,
    command: CaseCommand<RevealRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, body, .. } = command;
    check(&body)?;
    let view = cases::reveal_reporters(&state, &caller, origin, id, body.reason, body.totp_code).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(view))
}

/// `GET /api/v1/cases/{id}/audit`.
pub async fn audit(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let id = params::path_id(&req)?;
    let items = case_views::audit_of(&state, &caller, id).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(Page { items, next_cursor: None }))
}

/// `POST /api/v1/cases/{id}/transfers`.
pub async fn propose_transfer(
    state: web::Data<AppState>,
    command: CaseCommand<TransferRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, if_match, body } = command;
    check(&body)?;
    let b = body;
    Ok(with_etag(case_moves::propose(&state, &caller, origin, id, if_match, b.to_authority_id, b.reason).await?))
}

/// `POST /api/v1/cases/{id}/transfers/{transfer_id}/decision`.
pub async fn decide_transfer(
    req: HttpRequest,
    state: web::Data<AppState>,
    command: CaseCommand<TransferDecisionRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, if_match, body } = command;
    let transfer_id = params::uuid(req.match_info().get("transfer_id").unwrap_or_default())
        .map_err(|_| ServiceError::not_found(Msg::of("case-moves-this-case-has-no-such-transfer")))?;
    check(&body)?;
    let accept = match body.decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            return Err(ServiceError::validation(vec![crate::error::FieldError::new(
                "decision",
                "invalid",
                Msg::of("cases-must-be-accept-or-decline"),
            )]));
        }
    };
    let note = body.note;
    let decided = case_moves::decide(&state, &caller, origin, id, transfer_id, if_match, accept, note).await?;
    Ok(with_etag(decided))
}

/// `POST /api/v1/cases/{id}/merge`.
pub async fn merge(
    state: web::Data<AppState>,
    command: CaseCommand<MergeRequest>,
) -> Result<HttpResponse, ServiceError> {
    let CaseCommand { caller, id, origin, if_match, body } = command;
    Ok(with_etag(case_moves::merge(&state, &caller, origin, id, if_match, body.into).await?))
}

/// `GET /api/v1/transfers`.
pub async fn transfers(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let mut p = Params::query(&req);
    let incoming = p.optional("direction", |d| match d {
        "incoming" => Ok(true),
        "outgoing" => Ok(false),
        _ => Err(Msg::of("cases-must-be-incoming-or-outgoing")),
    });
    let pending = p.optional("state", |s| match s {
        "proposed" => Ok(true),
        "any" => Ok(false),
        _ => Err(Msg::of("cases-must-be-proposed-or-any")),
    });
    let before = p.optional("cursor", params::uuid);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    p.finish()?;
    let (items, next_cursor) =
        case_moves::list(&state, &caller, incoming, pending.unwrap_or(true), before, limit).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(Page { items, next_cursor }))
}

/// `GET /api/v1/stats/cases`: cases opened from `created_from` (default: 30 days ago) to
/// `created_to` (default: now), at most 366 days.
pub async fn stats(req: HttpRequest, state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::ReadCases)?;
    let mut p = Params::query(&req);
    let from = p.optional("created_from", instant);
    let to = p.optional("created_to", instant);
    let to = to.unwrap_or_else(crate::clock::now);
    let from = from.unwrap_or(to - chrono::Duration::days(30));
    if from >= to || to - from > chrono::Duration::days(366) {
        p.reject("created_from", "invalid_window", Msg::of("cases-must-come-before-created-to-at"));
    }
    p.finish()?;
    let stats = crate::services::stats::cases(&state, &caller, from, to).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(stats))
}
