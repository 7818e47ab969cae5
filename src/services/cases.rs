//! Case commands: moving a case through the workflow, assigning it, notes, messages to
//! reporters and revealing a reporter's identity. Every change locks the case, checks
//! `If-Match` against its version, and writes its audit event in the same transaction.

use chrono::NaiveDateTime;
use serde_json::json;
use uuid::Uuid;

use super::case_loading::{Visible, load, load_for_change, not_found, require_open, require_work};
use super::case_views::detail;
use crate::auth::caller::Caller;
use crate::auth::keyring::Place;
use crate::auth::policy::{CaseOp, case_permission, may_be_assigned, workflow_actions};
use crate::clock::now;
use crate::db::case_notes;
use crate::db::cases::{self, Change};
use crate::db::sealed_columns::{self, SealedColumn};
use crate::db::{DbConnection, audit, report_messages, reports, users};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::case::{Action, Deadlines, OUTCOMES, Priority};
use crate::domain::secrets;
use crate::domain::staff_text;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::cases::{Added, CaseDetail, RevealView, RevealedContact};
use crate::state::AppState;

/// A workflow step as asked.
pub struct TransitionInput {
    pub action: String,
    pub outcome: Option<String>,
    pub note: Option<String>,
}

/// Checks the body of a transition; every bad field is named.
fn checked_transition(input: &TransitionInput) -> Result<(Action, Option<String>, Option<String>), ServiceError> {
    let mut errors = Vec::new();
    let action = Action::parse(&input.action);
    if action.is_none() {
        errors.push(FieldError::new("action", "invalid", Msg::of("cases-must-be-accept-start-investigation-resolve")));
    }
    let outcome = input.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if let Some(action) = action {
        match (&outcome, action.needs_outcome()) {
            (None, true) => {
                errors.push(FieldError::new("outcome", "required", Msg::of("cases-is-required-to-resolve-located-and")))
            }
            (Some(_), false) => {
                errors.push(FieldError::new("outcome", "not_allowed", Msg::of("cases-is-only-given-to-resolve-a")))
            }
            (Some(o), true) if !OUTCOMES.contains(&o.as_str()) => {
                errors.push(FieldError::new("outcome", "invalid", Msg::of("cases-must-be-located-and-handled-not")))
            }
            _ => {}
        }
        if note.is_none() && action.needs_note() {
            errors.push(FieldError::new("note", "required", Msg::of("cases-is-required-for-this-action-say")));
        }
        if let Some(Err(long)) = note.as_deref().map(|n| staff_text::within("note", n, staff_text::TEXT)) {
            errors.push(long);
        }
    }
    match action {
        Some(action) if errors.is_empty() => Ok((action, outcome, note)),
        _ => Err(ServiceError::validation(errors)),
    }
}

/// `POST /api/v1/cases/{id}/transitions`: returns the case changed.
pub async fn transition(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    if_match: Option<String>,
    input: TransitionInput,
) -> Result<CaseDetail, ServiceError> {
    let (action, outcome, note) = checked_transition(&input)?;
    let acting = caller.clone();
    change_case(state, caller, origin, id, if_match, move |_, case, at| {
        let allowed: Vec<&'static str> =
            workflow_actions(&acting, case.access, case.status).into_iter().map(Action::as_str).collect();
        if case_permission(&acting, case.access, case.authority_id, CaseOp::Transition(action)).is_err() {
            return Err(ServiceError::forbidden(
                Msg::of("cases-your-role-cannot-a-case").arg("as-str", action.as_str()),
            )
            .with_allowed_actions(allowed));
        }
        let Some(target) = action.target(case.status) else {
            let (status, action) = (case.status.as_str(), action.as_str());
            return Err(ServiceError::conflict(
                "transition_not_allowed",
                Msg::of("cases-a-case-that-is-cannot-be").arg("status", status).arg("action", action),
            )
            .with_allowed_actions(allowed));
        };
        let mut change = Change { status: Some(target), ..Change::default() };
        let mut outcome_after = case.row.outcome.clone();
        match action {
            Action::Accept => change.accepted_at = Some(at),
            Action::Resolve => {
                change.outcome = Some(outcome.clone());
                change.resolved_at = Some(Some(at));
                outcome_after = outcome;
            }
            Action::Reopen => {
                change.outcome = Some(None);
                change.resolved_at = Some(None);
                outcome_after = None;
            }
            _ => {}
        }
        let summary = json!({
            "before": {"status": case.status.as_str(), "outcome": case.row.outcome},
            "after": {"status": target.as_str(), "outcome": outcome_after},
            "note": note,
        });
        Ok((change, format!("case.{}", action.as_str()), summary))
    })
    .await
}

/// One change of a case's state, the way every such change goes: lock the case (404
/// outside the caller's reach, 403 when they only read it), check `If-Match` (428, 412),
/// let `decide` say what changes (or refuse), apply it under the version, write the
/// audit event, all in one transaction; answer with the case as it now stands.
pub(crate) async fn change_case<F>(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    if_match: Option<String>,
    decide: F,
) -> Result<CaseDetail, ServiceError>
where
    F: FnOnce(&mut DbConnection, &Visible, NaiveDateTime) -> Result<(Change, String, serde_json::Value), ServiceError>
        + Send
        + 'static,
{
    let caller = caller.clone();
    let rule = state.duplicates;
    state
        .db
        .transaction(move |conn| {
            let case = load_for_change(conn, &caller, id, if_match.as_deref())?;
            let at = now();
            let (change, action, summary) = decide(conn, &case, at)?;
            cases::apply(conn, case.row.id, case.row.version, change, at)?;
            audit::append(conn, ObjectType::Case, case.row.id, &origin, &action, summary, at)?;
            let case = load(conn, &caller, id, false)?;
            detail(conn, &caller, &case, rule)
        })
        .await
}

/// Who works a case and how urgently.
pub struct AssignmentInput {
    pub assignee_id: Option<Option<Uuid>>,
    pub priority: Option<String>,
}

/// `POST /api/v1/cases/{id}/assignment`: returns the case changed.
pub async fn assign(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    if_match: Option<String>,
    input: AssignmentInput,
    deadlines: Deadlines,
) -> Result<CaseDetail, ServiceError> {
    let priority = match input.priority.as_deref() {
        None => None,
        Some(text) => Some(Priority::parse(text).ok_or_else(|| {
            ServiceError::validation(vec![FieldError::new(
                "priority",
                "invalid",
                Msg::of("cases-must-be-urgent-high-normal-or"),
            )])
        })?),
    };
    if input.assignee_id.is_none() && priority.is_none() {
        return Err(ServiceError::validation(vec![FieldError::new(
            "assignee_id",
            "required",
            Msg::of("cases-give-assignee-id-priority-or-both"),
        )]));
    }
    change_case(state, caller, origin, id, if_match, move |conn, case, _| {
        require_open(case)?;
        if let Some(Some(assignee)) = input.assignee_id {
            let officer = users::find(conn, assignee)?.map(|(account, _)| account);
            let fits = officer.is_some_and(|a| may_be_assigned(&a, case.authority_id));
            if !fits {
                return Err(ServiceError::validation(vec![FieldError::new(
                    "assignee_id",
                    "not_an_officer_of_the_authority",
                    Msg::of("cases-must-be-an-active-officer-of"),
                )]));
            }
        }
        let mut change = Change::default();
        if let Some(assignee) = input.assignee_id {
            change.assignee_id = Some(assignee);
        }
        if let Some(priority) = priority {
            change.priority = Some(priority);
            change.due = Some(deadlines.due(priority, case.row.created_at));
        }
        let assignee_after = input.assignee_id.unwrap_or(case.row.assignee_id);
        let summary = json!({
            "before": {"assignee_id": case.row.assignee_id, "priority": case.row.priority},
            "after": {
                "assignee_id": assignee_after,
                "priority": priority.unwrap_or(case.row.priority),
            },
        });
        Ok((change, "case.assignment".to_owned(), summary))
    })
    .await
}

/// A digest of a text, for the audit trail: it proves what was written without copying
/// it into a record that can never be erased.
fn text_digest(body: &str) -> String {
    secrets::digest(body)
}

/// `POST /api/v1/cases/{id}/notes`: an internal note (staff who work the case).
pub async fn add_note(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    body: String,
) -> Result<Added, ServiceError> {
    staff_text::require("body", &body, staff_text::TEXT)?;
    let caller = caller.clone();
    let author = caller.account().map(|a| a.id).ok_or_else(not_found)?;
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            require_work(&caller, &case)?;
            let at = now();
            let note_id = case_notes::add_note(conn, case.row.id, author, body.trim(), at)?;
            let summary = json!({"note_id": note_id, "sha256": text_digest(body.trim())});
            audit::append(conn, ObjectType::Case, case.row.id, &origin, "case.note_added", summary, at)?;
            Ok(Added { id: note_id, created_at: at.and_utc() })
        })
        .await
}

/// `POST /api/v1/cases/{id}/messages`: a message to the reporter of one tip of the case,
/// or of every tip; they read it through tracking.
pub async fn message_reporters(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    body: String,
    report_id: Option<Uuid>,
) -> Result<Added, ServiceError> {
    staff_text::require("body", &body, staff_text::TEXT)?;
    let caller = caller.clone();
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            require_work(&caller, &case)?;
            let tips = cases::reports_of(conn, case.row.id)?;
            let targets: Vec<_> = match report_id {
                Some(wanted) => tips.into_iter().filter(|t| t.id == wanted).collect(),
                None => tips,
            };
            if targets.is_empty() {
                return Err(ServiceError::validation(vec![FieldError::new(
                    "report_id",
                    "not_in_case",
                    Msg::of("cases-is-not-a-tip-of-this"),
                )]));
            }
            let at = now();
            for tip in &targets {
                crate::services::conversations::admit(conn, tip.id, false, at)?;
            }
            let mut first = None;
            for tip in &targets {
                let message = report_messages::add_message(conn, tip.id, "staff", body.trim(), at)?;
                first.get_or_insert(message.id);
            }
            let references: Vec<&str> = targets.iter().map(|t| t.reference.as_str()).collect();
            let summary = json!({"reports": references, "sha256": text_digest(body.trim())});
            audit::append(conn, ObjectType::Case, case.row.id, &origin, "case.message_sent", summary, at)?;
            Ok(Added {
                id: first.ok_or_else(|| ServiceError::internal("no message written"))?,
                created_at: at.and_utc(),
            })
        })
        .await
}

/// `POST /api/v1/cases/{id}/reporter-contact`: the reporters' sealed details, opened for
/// an officer of the holding authority, with the reason in the audit trail.
pub async fn reveal_reporters(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    reason: String,
    totp_code: Option<String>,
) -> Result<RevealView, ServiceError> {
    staff_text::require("reason", &reason, staff_text::REVEAL_REASON)?;
    // Who may is told first (404, 403), and only then is the fresh code checked.
    let asking = caller.clone();
    state.db.transaction(move |conn| may_reveal(conn, &asking, id).map(|_| ())).await?;
    crate::services::step_up::confirm(state, caller, totp_code.as_deref()).await?;
    let caller = caller.clone();
    let keyring = state.keyring.clone();
    state
        .db
        .transaction(move |conn| {
            let case = may_reveal(conn, &caller, id)?;
            let tips = cases::reports_of(conn, case.row.id)?;
            let ids: Vec<Uuid> = tips.iter().map(|t| t.id).collect();
            let sealed = reports::contacts_of(conn, &ids)?;
            let mut contacts = Vec::new();
            for (report_id, name, phone, acting_as) in sealed {
                let row = report_id.to_string();
                let open = |v: Option<String>, column: SealedColumn| {
                    v.map(|v| keyring.open(&v, Place { column: column.name, row: &row }))
                        .transpose()
                        .map_err(ServiceError::internal)
                };
                let reference =
                    tips.iter().find(|t| t.id == report_id).map(|t| t.reference.clone()).unwrap_or_default();
                contacts.push(RevealedContact {
                    report_id,
                    reference,
                    name: open(name, sealed_columns::REPORTER_NAME)?,
                    phone: open(phone, sealed_columns::REPORTER_PHONE)?,
                    acting_as: open(acting_as, sealed_columns::REPORTER_ACTING_AS)?,
                });
            }
            let references: Vec<&str> = contacts.iter().map(|c| c.reference.as_str()).collect();
            let summary = json!({"reason": reason.trim(), "reports": references});
            audit::append(
                conn,
                ObjectType::Case,
                case.row.id,
                &origin,
                "case.reporter_contact_revealed",
                summary,
                now(),
            )?;
            Ok(RevealView { contacts })
        })
        .await
}

/// The case whose reporters `caller` may see: 404 outside the caller's view, 403 for
/// anyone but an officer of the holding authority.
fn may_reveal(conn: &mut DbConnection, caller: &Caller, id: Uuid) -> Result<Visible, ServiceError> {
    let case = load(conn, caller, id, true)?;
    if case_permission(caller, case.access, case.authority_id, CaseOp::RevealReporter).is_err() {
        return Err(ServiceError::forbidden(Msg::of("cases-only-an-officer-of-the-authority")));
    }
    Ok(case)
}
