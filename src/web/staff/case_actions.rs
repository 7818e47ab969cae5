//! `POST /staff/cases/{id}`: one form, one use case, named by the field `action`. A change
//! carries the `version` of the case the officer saw; when someone changed it meanwhile
//! the page comes back (409) with their changes marked and what the officer typed kept,
//! and nothing is overwritten. Refusals (403, 409) come back in the API's words.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::case_page::{Outcome, case_to_work, draw};
use super::session::{Staff, see_other};
use crate::domain::case::etag;
use crate::error::{ErrorKind, ServiceError};
use crate::services::cases::{AssignmentInput, TransitionInput};
use crate::services::{case_moves, cases};
use crate::state::AppState;
use crate::web::context::PageSettings;
use crate::web::fields::Errors;
use crate::web::form::Form;
use crate::web::pages::error_page;

const WORKFLOW: [&str; 6] = ["accept", "start_investigation", "resolve", "reject", "close", "reopen"];

/// The fields each form shows, for placing the core's errors.
const SHOWN: [&str; 8] =
    ["reason", "outcome", "body", "priority", "assignee_id", "to_authority_id", "transfer_reason", "into"];

fn optional(form: &Form, name: &str) -> Option<String> {
    form.get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn uuid_field(form: &Form, name: &str) -> Result<Uuid, ServiceError> {
    Uuid::try_parse(form.value(name).trim()).map_err(|_| crate::services::case_loading::not_found())
}

/// `POST /staff/cases/{id}`.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) = match super::signed_in_post(&req, &state, &settings, "/staff/cases", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    let id = match case_to_work(&req, &staff, crate::auth::policy::Action::ChangeCases) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let action = form.value("action").to_owned();
    let version = form.value("version").trim().parse::<i64>().ok().map(etag);
    let result = act(&state, &staff, id, &action, version, &form).await;
    match result {
        Ok(()) => see_other(&format!("/staff/cases/{id}?done={action}"), &[]),
        Err(mut e) => {
            e.errors = in_form_terms(&action, e.errors);
            answer_refusal(&state, &staff, id, e, form).await
        }
    }
}

async fn act(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    action: &str,
    version: Option<String>,
    form: &Form,
) -> Result<(), ServiceError> {
    let (caller, origin) = (&staff.caller, staff.origin.clone());
    match action {
        a if WORKFLOW.contains(&a) => {
            let input = TransitionInput {
                action: a.to_owned(),
                outcome: optional(form, "outcome"),
                note: optional(form, "reason"),
            };
            cases::transition(state, caller, origin, id, version, input).await.map(drop)
        }
        "assign" => {
            let officer = Uuid::try_parse(form.value("assignee_id").trim()).map_err(|_| {
                ServiceError::validation(vec![crate::error::FieldError::new(
                    "assignee_id",
                    "required",
                    crate::i18n::Msg::of("console-choose-an-officer"),
                )])
            })?;
            let input = AssignmentInput { assignee_id: Some(Some(officer)), priority: None };
            cases::assign(state, caller, origin, id, version, input, state.deadlines).await.map(drop)
        }
        "assign_me" | "unassign" | "set_priority" => {
            let me = caller.account().map(|a| a.id);
            let input = match action {
                "assign_me" => AssignmentInput { assignee_id: Some(me), priority: None },
                "unassign" => AssignmentInput { assignee_id: Some(None), priority: None },
                _ => AssignmentInput { assignee_id: None, priority: Some(form.value("priority").to_owned()) },
            };
            cases::assign(state, caller, origin, id, version, input, state.deadlines).await.map(drop)
        }
        "note" => cases::add_note(state, caller, origin, id, required(form, "body")?).await.map(drop),
        "message" => {
            let report = optional(form, "report_id").and_then(|r| Uuid::try_parse(&r).ok());
            cases::message_reporters(state, caller, origin, id, required(form, "body")?, report).await.map(drop)
        }
        "transfer" => {
            let to = uuid_field(form, "to_authority_id")?;
            let reason = required(form, "transfer_reason")?;
            case_moves::propose(state, caller, origin, id, version, to, reason).await.map(drop)
        }
        "decide_transfer" => {
            let transfer = uuid_field(form, "transfer_id")?;
            let accept = form.value("decision") == "accept";
            case_moves::decide(state, caller, origin, id, transfer, version, accept, optional(form, "reason"))
                .await
                .map(drop)
        }
        "merge" => case_moves::merge(state, caller, origin, id, version, uuid_field(form, "into")?).await.map(drop),
        _ => Err(ServiceError::validation(vec![crate::error::FieldError::new(
            "action",
            "invalid",
            crate::i18n::Msg::of("console-choose-an-action"),
        )])),
    }
}

/// A text the use case needs: blank is refused here with the API's words.
fn required(form: &Form, name: &'static str) -> Result<String, ServiceError> {
    optional(form, name).ok_or_else(|| {
        ServiceError::validation(vec![crate::error::FieldError::new(
            name,
            "required",
            crate::i18n::Msg::of("console-write-something-here"),
        )])
    })
}

/// The use cases name a transition's reason `note` (as the API's body does), and a
/// transfer's `reason`; the case page's fields for them are `reason` and
/// `transfer_reason`, so those are the fields the summary must name and link.
fn in_form_terms(action: &str, mut errors: Vec<crate::error::FieldError>) -> Vec<crate::error::FieldError> {
    for e in &mut errors {
        match (action, e.field.as_str()) {
            (_, "note") => e.field = "reason".to_owned(),
            ("transfer", "reason") => e.field = "transfer_reason".to_owned(),
            _ => {}
        }
    }
    errors
}

/// The case page again, saying why the form was refused.
async fn answer_refusal(state: &AppState, staff: &Staff, id: Uuid, e: ServiceError, form: Form) -> HttpResponse {
    let lang = staff.ctx.lang();
    let outcome = match e.kind {
        ErrorKind::Invalid => Outcome {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            errors: Some(Errors::from_core(&e.errors, &staff.ctx.t, &SHOWN, "reason")),
            form,
            ..Outcome::default()
        },
        // Someone else changed the case: show it as it is now, their changes marked.
        ErrorKind::StaleVersion | ErrorKind::VersionRequired => Outcome {
            status: Some(StatusCode::CONFLICT),
            notice: staff.ctx.t.get("console-changed-meanwhile"),
            notice_is_error: true,
            seen_at: chrono::DateTime::parse_from_rfc3339(form.value("opened_at")).ok().map(|t| t.to_utc()),
            form,
            ..Outcome::default()
        },
        ErrorKind::Conflict | ErrorKind::Forbidden => Outcome {
            status: Some(if e.kind == ErrorKind::Forbidden { StatusCode::FORBIDDEN } else { StatusCode::CONFLICT }),
            notice: e.detail.get(lang),
            notice_is_error: true,
            form,
            ..Outcome::default()
        },
        _ => return error_page(&staff.ctx, &e, "/staff/cases"),
    };
    draw(state, staff, id, outcome).await
}
