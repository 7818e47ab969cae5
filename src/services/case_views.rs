//! What a caller sees of cases: a case whole (tips, notes, history, transfers, possible
//! duplicates, and the actions the caller may take), its summary in lists, and its audit
//! events.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::actors;
use super::case_loading::{Visible, load, province_of};
use crate::auth::caller::Caller;
use crate::auth::policy::{CaseAccess, CaseOp, case_access, case_permission, workflow_actions};
use crate::clock::now;
use crate::db::cases::SummaryRow;
use crate::db::cases::{self, CaseRow};
use crate::db::{DbConnection, audit, authorities, report_messages};
use crate::db::{case_notes, duplicates, transfers};
use crate::domain::audit::ObjectType;
use crate::domain::case::{Action, DuplicateRule, Status, TransferState};
use crate::domain::conversation::EMBEDDED;
use crate::error::ServiceError;
use crate::services::dto::cases::{
    CaseDetail, CaseReportView, CaseSummary, CaseUnit, EventView, NoteView, RoutingView, TransferView,
};
use crate::services::dto::reports::{AuthorityRef, MessageView};
use crate::state::AppState;

/// Names of authorities, each looked up once per answer.
#[derive(Default)]
pub struct AuthorityNames(HashMap<Uuid, String>);

impl AuthorityNames {
    pub(crate) fn get(&mut self, conn: &mut DbConnection, id: Uuid) -> Result<AuthorityRef, ServiceError> {
        if let Some(name) = self.0.get(&id) {
            return Ok(AuthorityRef { id, name: name.clone() });
        }
        let name = authorities::names(conn, &[id])?.pop().map(|(_, name)| name).unwrap_or_default();
        self.0.insert(id, name.clone());
        Ok(AuthorityRef { id, name })
    }
}

/// Whether a case is past a due time at `at`.
pub fn is_overdue(row: &SummaryRow, status: Status, at: NaiveDateTime) -> bool {
    let past = |due: Option<NaiveDateTime>| due.is_some_and(|d| d < at);
    (status == Status::New && past(row.accept_due_at)) || (status.is_open() && past(row.resolve_due_at))
}

/// A case as a work list shows it, held by `authority`.
pub fn summary(row: &SummaryRow, authority: AuthorityRef) -> CaseSummary {
    CaseSummary {
        id: row.id,
        reference: row.reference.clone().unwrap_or_default(),
        status: row.status.as_str().to_owned(),
        priority: row.priority.as_str().to_owned(),
        matter: row.matter.map(|m| m.as_str().to_owned()),
        authority,
        assignee_id: row.assignee_id,
        unit: row.unit_scheme.zip(row.commune_code).map(|(scheme, commune_code)| CaseUnit {
            scheme: scheme.as_str().to_owned(),
            province_code: row.province_code,
            district_code: row.district_code,
            commune_code,
        }),
        outcome: row.outcome.clone(),
        overdue: is_overdue(row, row.status, now()),
        escalated_at: row.escalated_at.map(|t| t.and_utc()),
        accept_due_at: row.accept_due_at.map(|t| t.and_utc()),
        resolve_due_at: row.resolve_due_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    }
}

/// The summary of a whole case row, naming its authority through `names`.
fn summary_of(conn: &mut DbConnection, names: &mut AuthorityNames, row: &CaseRow) -> Result<CaseSummary, ServiceError> {
    Ok(summary(&row.summary, names.get(conn, row.authority_id)?))
}

/// A transfer as staff read it.
pub(crate) fn transfer_view(
    conn: &mut DbConnection,
    names: &mut AuthorityNames,
    t: &transfers::TransferRow,
) -> Result<TransferView, ServiceError> {
    Ok(TransferView {
        id: t.id,
        case_id: t.case_id,
        from_authority: names.get(conn, t.from_authority_id)?,
        to_authority: names.get(conn, t.to_authority_id)?,
        reason: t.reason.clone(),
        state: t.state.as_str().to_owned(),
        proposed_by: t.proposed_by,
        decided_by: t.decided_by,
        decision_note: t.decision_note.clone(),
        created_at: t.created_at.and_utc(),
        decided_at: t.decided_at.map(|d| d.and_utc()),
    })
}

/// Open cases the caller may see that may be about the same group as `case`.
fn possible_duplicates(
    conn: &mut DbConnection,
    caller: &Caller,
    names: &mut AuthorityNames,
    case: &Visible,
    rule: DuplicateRule,
) -> Result<Vec<CaseSummary>, ServiceError> {
    if case.access == CaseAccess::ReviewTransfer || !case.status.is_open() {
        return Ok(Vec::new());
    }
    let window = chrono::Duration::hours(rule.window_hours);
    let near = duplicates::near(conn, &case.row, rule.same_district, case.row.created_at, window, 20)?;
    let mut found = Vec::new();
    for row in near {
        if case_access(caller, row.authority_id, province_of(&row), None).is_some() {
            found.push(summary_of(conn, names, &row)?);
        }
    }
    Ok(found)
}

/// A case, whole, as `caller` sees it.
pub(crate) fn detail(
    conn: &mut DbConnection,
    caller: &Caller,
    case: &Visible,
    rule: DuplicateRule,
) -> Result<CaseDetail, ServiceError> {
    let mut names = AuthorityNames::default();
    let reports = cases::reports_of(conn, case.row.id)?
        .into_iter()
        .map(|r| {
            let messages =
                report_messages::latest_messages(conn, r.id, EMBEDDED)?.into_iter().map(MessageView::from).collect();
            Ok(CaseReportView {
                id: r.id,
                reference: r.reference,
                matter: r.matter.as_str().to_owned(),
                submitted_at: r.created_at.and_utc(),
                reporter_left_contact: r.has_contact,
                tip: serde_json::from_str(&r.content).map_err(ServiceError::internal)?,
                messages,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    let notes = case_notes::latest_notes(conn, case.row.id, EMBEDDED)?.into_iter().map(NoteView::from).collect();
    let events = audit::latest_for_object(conn, ObjectType::Case, case.row.id, EMBEDDED)?;
    let history = actors::shown(conn, events)?;
    let transfers =
        case.transfers.iter().map(|t| transfer_view(conn, &mut names, t)).collect::<Result<Vec<_>, ServiceError>>()?;
    let possible_duplicates = possible_duplicates(conn, caller, &mut names, case, rule)?;
    let allowed = workflow_actions(caller, case.access, case.status).into_iter().map(Action::as_str).collect();
    Ok(CaseDetail {
        summary: summary_of(conn, &mut names, &case.row)?,
        merged_into: case.row.merged_into,
        location_flagged: case.row.location_flagged,
        routing: RoutingView { rule_id: case.row.routing_rule_id, explanation: case.row.routing_explanation.clone() },
        reports,
        notes,
        history,
        transfers,
        possible_duplicates,
        allowed_actions: allowed,
    })
}

/// `GET /api/v1/cases/{id}`.
pub async fn read(state: &AppState, caller: &Caller, id: Uuid) -> Result<CaseDetail, ServiceError> {
    let caller = caller.clone();
    let rule = state.duplicates;
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            detail(conn, &caller, &case, rule)
        })
        .await
}

/// What the caller may do to a case besides its workflow actions, as the policy says (the
/// console shows only these forms; every use case checks again).
#[derive(Debug, Clone, Copy, Default)]
pub struct Abilities {
    /// Assign, prioritise, propose a transfer, merge.
    pub change: bool,
    /// Add a note, or a message to its reporters.
    pub add_to: bool,
    /// See who reported.
    pub reveal: bool,
    /// Answer a transfer proposed for it.
    pub decide_transfer: bool,
}

/// A case as the console shows it: the case and what the caller may do to it.
pub async fn read_with_abilities(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<(CaseDetail, Abilities), ServiceError> {
    let caller = caller.clone();
    let rule = state.duplicates;
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            let may = |op| case_permission(&caller, case.access, case.authority_id, op).is_ok();
            let abilities = Abilities {
                change: may(CaseOp::Change),
                add_to: may(CaseOp::AddTo),
                reveal: may(CaseOp::RevealReporter),
                decide_transfer: case.transfers.iter().any(|t| t.state == TransferState::Proposed)
                    && may(CaseOp::DecideTransfer),
            };
            Ok((detail(conn, &caller, &case, rule)?, abilities))
        })
        .await
}

/// `GET /api/v1/cases/{id}/audit`: the case's chain.
pub async fn audit_of(state: &AppState, caller: &Caller, id: Uuid) -> Result<Vec<EventView>, ServiceError> {
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            let events = audit::for_object(conn, ObjectType::Case, case.row.id)?;
            actors::shown(conn, events)
        })
        .await
}
