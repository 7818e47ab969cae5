//! Moving cases: transfers between authorities (proposed by the holder, accepted or
//! declined by the receiver, or decided at once by a supervisor) and merging a case
//! into another. Each change locks the case(s), checks `If-Match`, and writes audit
//! events in the same transaction.

use serde_json::json;
use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::auth::policy::{CaseOp, case_permission, transfer_takes_effect_at_once};
use crate::clock::now;
use crate::db::cases::{self, Change};
use crate::db::transfers::{self, NewTransfer};
use crate::db::{audit, authorities};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::case::{Status, TransferState};
use crate::domain::staff_text;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::case_loading::{load, load_for_change, not_found, reload, require_open};
use crate::services::case_views::{AuthorityNames, detail, transfer_view};
use crate::services::cases::change_case;
use crate::services::dto::cases::{CaseDetail, TransferView};
use crate::state::AppState;

fn conflict(code: &'static str, message: Msg) -> ServiceError {
    ServiceError::conflict(code, message)
}

fn acting_user(caller: &Caller) -> Result<Uuid, ServiceError> {
    caller.account().map(|a| a.id).ok_or_else(not_found)
}

/// `POST /api/v1/cases/{id}/transfers`: the holding authority proposes; a supervisor's
/// proposal is decided at once. Until accepted, the case stays where it is.
pub async fn propose(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    if_match: Option<String>,
    to: Uuid,
    reason: String,
) -> Result<CaseDetail, ServiceError> {
    staff_text::require("reason", &reason, staff_text::TRANSFER_REASON)?;
    let user = acting_user(caller)?;
    let by_supervisor = transfer_takes_effect_at_once(caller);
    change_case(state, caller, origin, id, if_match, move |conn, case, at| {
        require_open(case)?;
        if case.transfers.iter().any(|t| t.state == TransferState::Proposed) {
            return Err(conflict("transfer_pending", Msg::of("case-moves-a-transfer-of-this-case-awaits")));
        }
        let target = authorities::find(conn, to)?.filter(|a| a.id != case.authority_id).ok_or_else(|| {
            ServiceError::validation(vec![FieldError::new(
                "to_authority_id",
                "invalid",
                Msg::of("case-moves-must-be-another-existing-authority-than"),
            )])
        })?;
        let (from, to) = (case.authority_id, target.id);
        let new = NewTransfer {
            case_id: case.row.id,
            from,
            to,
            reason: reason.trim(),
            proposed_by: user,
            decided: by_supervisor.then_some((TransferState::Accepted, user)),
        };
        let transfer = transfers::insert_transfer(conn, &new, at)?;
        let mut change = Change::default();
        if by_supervisor {
            change.authority_id = Some(to);
            change.assignee_id = Some(None);
        }
        let action = if by_supervisor { "case.transferred" } else { "case.transfer_proposed" };
        let summary = json!({"transfer_id": transfer, "from": from, "to": to, "reason": reason.trim()});
        Ok((change, action.to_owned(), summary))
    })
    .await
}

/// `POST /api/v1/cases/{id}/transfers/{transfer_id}/decision`: an officer of the receiving
/// authority, or a supervisor of the case's province, accepts or declines.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    transfer_id: Uuid,
    if_match: Option<String>,
    accept: bool,
    note: Option<String>,
) -> Result<CaseDetail, ServiceError> {
    if let Some(note) = &note {
        staff_text::require("note", note, staff_text::DECISION_NOTE)?;
    }
    let caller = caller.clone();
    let rule = state.duplicates;
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            let transfer = case
                .transfers
                .iter()
                .find(|t| t.id == transfer_id)
                .cloned()
                .ok_or_else(|| ServiceError::not_found(Msg::of("case-moves-this-case-has-no-such-transfer")))?;
            if transfer.state != TransferState::Proposed {
                return Err(conflict("transfer_decided", Msg::of("case-moves-this-transfer-was-answered-already")));
            }
            if case_permission(&caller, case.access, case.authority_id, CaseOp::DecideTransfer).is_err() {
                return Err(ServiceError::forbidden(Msg::of("case-moves-only-the-receiving-authority-s-officers")));
            }
            crate::services::case_loading::check_version(&case.row, if_match.as_deref())?;
            let user = acting_user(&caller)?;
            let at = now();
            let decided = if accept { TransferState::Accepted } else { TransferState::Declined };
            let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            transfers::decide_transfer(conn, transfer.id, decided, user, note, at)?;
            let mut change = Change::default();
            if accept {
                change.authority_id = Some(transfer.to_authority_id);
                change.assignee_id = Some(None);
            }
            cases::apply(conn, case.row.id, case.row.version, change, at)?;
            let summary = json!({
                "transfer_id": transfer.id,
                "from": transfer.from_authority_id,
                "to": transfer.to_authority_id,
                "note": note,
            });
            let action = if accept { "case.transfer_accepted" } else { "case.transfer_declined" };
            audit::append(conn, ObjectType::Case, case.row.id, &origin, action, summary, at)?;
            // Whoever declined may no longer see the case; they get it as they saw it.
            let case = if accept { load(conn, &caller, id, false)? } else { reload(conn, case)? };
            detail(conn, &caller, &case, rule)
        })
        .await
}

/// `GET /api/v1/transfers`: transfers to or from the caller's authority (officers), of
/// the cases in the province (supervisors), or all (auditors).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    incoming: Option<bool>,
    pending_only: bool,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<TransferView>, Option<String>), ServiceError> {
    let scope = crate::services::work_list::jurisdiction(caller)?;
    state
        .db
        .run(move |conn| {
            let state_filter = pending_only.then_some(TransferState::Proposed);
            let rows = transfers::list_transfers(conn, &scope, incoming, state_filter, before, i64::from(limit) + 1)?;
            let (rows, next) = crate::services::take_page(rows, limit, |t| t.id.to_string());
            let mut names = AuthorityNames::default();
            let items = rows.iter().map(|t| transfer_view(conn, &mut names, t)).collect::<Result<Vec<_>, _>>()?;
            Ok((items, next))
        })
        .await
}

/// `POST /api/v1/cases/{id}/merge`: the case's tips join `into`, which keeps them all;
/// the case becomes `merged`. The caller must work both cases.
pub async fn merge(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    if_match: Option<String>,
    into: Uuid,
) -> Result<CaseDetail, ServiceError> {
    let caller = caller.clone();
    let (rule, deadlines) = (state.duplicates, state.deadlines);
    state
        .db
        .transaction(move |conn| {
            if into == id {
                return Err(ServiceError::validation(vec![FieldError::new(
                    "into",
                    "same_case",
                    Msg::of("case-moves-must-be-another-case"),
                )]));
            }
            // Both rows locked in one order (by id), whichever way the merge goes: two
            // opposite merges at once would otherwise each hold one lock and wait for the
            // other's (a deadlock on PostgreSQL). Loading below locks them again, which a
            // transaction that holds the lock does at no cost.
            let (first, second) = if id < into { (id, into) } else { (into, id) };
            cases::lock(conn, first)?;
            cases::lock(conn, second)?;
            let source = load_for_change(conn, &caller, id, if_match.as_deref())?;
            let target = load(conn, &caller, into, true).map_err(|_| {
                ServiceError::validation(vec![FieldError::new(
                    "into",
                    "unknown",
                    Msg::of("case-moves-is-not-a-case-you-work"),
                )])
            })?;
            if case_permission(&caller, target.access, target.authority_id, CaseOp::Change).is_err() {
                return Err(ServiceError::validation(vec![FieldError::new(
                    "into",
                    "not_yours",
                    Msg::of("case-moves-is-not-a-case-you-work"),
                )]));
            }
            if source.status == Status::Merged || target.status == Status::Merged {
                return Err(conflict("case_merged", Msg::of("case-moves-a-merged-case-cannot-be-merged")));
            }
            let at = now();
            let moved = cases::move_reports(conn, source.row.id, target.row.id)?;
            let merged = Change { status: Some(Status::Merged), merged_into: Some(target.row.id), ..Change::default() };
            cases::apply(conn, source.row.id, source.row.version, merged, at)?;
            // The surviving case takes the higher of the two priorities.
            let mut gained = Change::default();
            let (mine, theirs) = (source.row.priority, target.row.priority);
            if mine < theirs {
                gained.priority = Some(mine);
                gained.due = Some(deadlines.due(mine, target.row.created_at));
            }
            cases::apply(conn, target.row.id, target.row.version, gained, at)?;
            let summary =
                json!({"into": target.row.id, "reports_moved": moved, "before": {"status": source.status.as_str()}});
            audit::append(conn, ObjectType::Case, source.row.id, &origin, "case.merged_into", summary, at)?;
            let summary = json!({"from": source.row.id, "reports_moved": moved});
            audit::append(conn, ObjectType::Case, target.row.id, &origin, "case.merged_in", summary, at)?;
            let target = load(conn, &caller, into, false)?;
            detail(conn, &caller, &target, rule)
        })
        .await
}
