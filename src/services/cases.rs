//! Case handling: reading a case, moving it through the workflow, assigning it, notes,
//! messages to reporters and revealing a reporter's identity. Every change locks the case,
//! checks `If-Match` against its version, and writes its audit event in the same
//! transaction.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use chrono::NaiveDateTime;
use serde_json::json;
use uuid::Uuid;

use crate::api::cases::{
    Added, CaseDetail, CaseReportView, CaseSummary, CaseUnit, EventView, NoteView, RevealView, RevealedContact,
    RoutingView, TransferView,
};
use crate::api::reports::{AuthorityRef, MessageView};
use crate::auth::caller::Caller;
use crate::auth::policy::{CaseAccess, case_access, may_reveal_reporter};
use crate::auth::secrets;
use crate::clock::now;
use crate::db::cases::{self, CaseRow, Change, SummaryRow};
use crate::db::{DbConnection, audit, authorities, reports, users};
use crate::domain::account::{Role, Scope};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::case::{
    Action, Deadlines, DuplicateRule, OUTCOMES, Priority, Status, allowed_actions, if_match_holds,
};
use crate::error::{ApiError, FieldError};
use crate::i18n::Msg;
use crate::state::AppState;

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(Msg::new("There is no case with this id.", "Không có vụ việc nào có mã này."))
}

pub(crate) fn stored_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::internal("a stored id is not valid"))
}

/// A case the caller may see, with what they may do to it.
pub struct Visible {
    pub row: CaseRow,
    pub id: Uuid,
    pub authority_id: Uuid,
    pub status: Status,
    pub access: CaseAccess,
    /// Its transfers, oldest first.
    pub transfers: Vec<cases::TransferRow>,
}

/// The province a case lies in.
fn province_of(row: &CaseRow) -> Option<UnitRef> {
    let scheme = Scheme::parse(row.unit_scheme.as_deref()?)?;
    Some(UnitRef { scheme, level: Level::Province, code: row.province_code? })
}

/// Loads a case the caller may see (locked for a change when `lock`); anything else is 404.
pub fn load(conn: &mut DbConnection, caller: &Caller, id: Uuid, lock: bool) -> Result<Visible, ApiError> {
    let row = if lock { cases::lock(conn, id)? } else { cases::find(conn, id)? }.ok_or_else(not_found)?;
    let authority_id = stored_id(&row.authority_id)?;
    let transfers = cases::transfers_of(conn, &row.id)?;
    let pending =
        transfers.iter().find(|t| t.state == "proposed").map(|t| stored_id(&t.to_authority_id)).transpose()?;
    let access = case_access(caller, authority_id, province_of(&row), pending).ok_or_else(not_found)?;
    let status = Status::parse(&row.status).ok_or_else(|| ApiError::internal("a stored case status is not valid"))?;
    Ok(Visible { row, id, authority_id, status, access, transfers })
}

/// Reads a case again after a change, keeping the access the caller had before it (a
/// receiver who declined a transfer sees the case one last time in the answer).
pub(crate) fn reload(conn: &mut DbConnection, before: Visible) -> Result<Visible, ApiError> {
    let row = cases::find(conn, before.id)?.ok_or_else(not_found)?;
    let status = Status::parse(&row.status).ok_or_else(|| ApiError::internal("a stored case status is not valid"))?;
    let transfers = cases::transfers_of(conn, &row.id)?;
    Ok(Visible { authority_id: stored_id(&row.authority_id)?, row, status, transfers, ..before })
}

/// Loads a case for a change: the caller must work it, and `If-Match` must name its version.
pub(crate) fn load_for_change(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<&str>,
) -> Result<Visible, ApiError> {
    let case = load(conn, caller, id, true)?;
    if case.access != CaseAccess::Work {
        return Err(ApiError::forbidden(Msg::new(
            "You may read this case but not change it.",
            "Bạn được xem vụ việc này nhưng không được thay đổi.",
        ))
        .with_allowed_actions(Vec::new()));
    }
    check_version(&case.row, if_match)?;
    Ok(case)
}

/// 428 without `If-Match`, 412 when it names another version.
pub fn check_version(row: &CaseRow, if_match: Option<&str>) -> Result<(), ApiError> {
    let Some(if_match) = if_match else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            Msg::new(
                "Send If-Match with the ETag of the case as you last read it, so that no one's change is lost.",
                "Hãy gửi If-Match kèm ETag của vụ việc lần cuối bạn đọc, để không ghi đè thay đổi của người khác.",
            ),
        ));
    };
    if !if_match_holds(if_match, row.version) {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "case_changed",
            Msg::new(
                "Someone changed this case after you read it. Read it again, then repeat your change if it still applies.",
                "Vụ việc đã được người khác thay đổi sau khi bạn đọc. Hãy tải lại rồi thực hiện lại nếu vẫn cần.",
            ),
        ));
    }
    Ok(())
}

/// The caller's role, for the workflow's role rules.
pub(crate) fn role_of(caller: &Caller) -> Option<Role> {
    caller.account().map(|a| a.role)
}

/// Names of authorities, each looked up once per answer.
#[derive(Default)]
pub struct AuthorityNames(HashMap<String, String>);

impl AuthorityNames {
    pub(crate) fn get(&mut self, conn: &mut DbConnection, id: &str) -> Result<AuthorityRef, ApiError> {
        let uuid = stored_id(id)?;
        if let Some(name) = self.0.get(id) {
            return Ok(AuthorityRef { id: uuid, name: name.clone() });
        }
        let name = authorities::names(conn, &[id.to_owned()])?.pop().map(|(_, name)| name).unwrap_or_default();
        self.0.insert(id.to_owned(), name.clone());
        Ok(AuthorityRef { id: uuid, name })
    }
}

/// Whether a case is past a due time at `at`.
pub fn is_overdue(row: &SummaryRow, status: Status, at: NaiveDateTime) -> bool {
    let past = |due: Option<NaiveDateTime>| due.is_some_and(|d| d < at);
    (status == Status::New && past(row.accept_due_at)) || (status.is_open() && past(row.resolve_due_at))
}

/// A case as a work list shows it, held by `authority`.
pub fn summary(row: &SummaryRow, authority: AuthorityRef) -> Result<CaseSummary, ApiError> {
    let status = Status::parse(&row.status).ok_or_else(|| ApiError::internal("a stored case status is not valid"))?;
    Ok(CaseSummary {
        id: stored_id(&row.id)?,
        reference: row.reference.clone().unwrap_or_default(),
        status: row.status.clone(),
        priority: row.priority.clone(),
        matter: row.matter.clone(),
        authority,
        assignee_id: row.assignee_id.as_deref().map(stored_id).transpose()?,
        unit: row.unit_scheme.as_ref().zip(row.commune_code).map(|(scheme, commune_code)| CaseUnit {
            scheme: scheme.clone(),
            province_code: row.province_code,
            district_code: row.district_code,
            commune_code,
        }),
        outcome: row.outcome.clone(),
        overdue: is_overdue(row, status, now()),
        escalated_at: row.escalated_at.map(|t| t.and_utc()),
        accept_due_at: row.accept_due_at.map(|t| t.and_utc()),
        resolve_due_at: row.resolve_due_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    })
}

/// The summary of a whole case row, naming its authority through `names`.
fn summary_of(conn: &mut DbConnection, names: &mut AuthorityNames, row: &CaseRow) -> Result<CaseSummary, ApiError> {
    summary(&row.summary, names.get(conn, &row.authority_id)?)
}

/// A transfer as staff read it.
pub(crate) fn transfer_view(
    conn: &mut DbConnection,
    names: &mut AuthorityNames,
    t: &cases::TransferRow,
) -> Result<TransferView, ApiError> {
    Ok(TransferView {
        id: stored_id(&t.id)?,
        case_id: stored_id(&t.case_id)?,
        from_authority: names.get(conn, &t.from_authority_id)?,
        to_authority: names.get(conn, &t.to_authority_id)?,
        reason: t.reason.clone(),
        state: t.state.clone(),
        proposed_by: stored_id(&t.proposed_by)?,
        decided_by: t.decided_by.as_deref().map(stored_id).transpose()?,
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
) -> Result<Vec<CaseSummary>, ApiError> {
    if case.access == CaseAccess::ReviewTransfer || !case.status.is_open() {
        return Ok(Vec::new());
    }
    let window = chrono::Duration::hours(rule.window_hours);
    let near = cases::near(conn, &case.row, rule.same_district, case.row.created_at, window, 20)?;
    let mut found = Vec::new();
    for row in near {
        let holder = stored_id(&row.authority_id)?;
        if case_access(caller, holder, province_of(&row), None).is_some() {
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
) -> Result<CaseDetail, ApiError> {
    let mut names = AuthorityNames::default();
    let reports = cases::reports_of(conn, &case.row.id)?
        .into_iter()
        .map(|r| {
            let id = stored_id(&r.id)?;
            let messages = reports::messages(conn, id)?
                .into_iter()
                .map(|m| MessageView {
                    id: m.id,
                    from: if m.author == "staff" { "staff" } else { "reporter" },
                    body: m.body,
                    created_at: m.created_at.and_utc(),
                })
                .collect();
            Ok(CaseReportView {
                id,
                reference: r.reference,
                matter: r.matter,
                submitted_at: r.created_at.and_utc(),
                reporter_left_contact: r.has_contact,
                tip: serde_json::from_str(&r.content).map_err(ApiError::internal)?,
                messages,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let notes = cases::notes_of(conn, &case.row.id)?
        .into_iter()
        .map(|n| {
            Ok(NoteView {
                id: stored_id(&n.id)?,
                author_id: stored_id(&n.author_id)?,
                author_name: n.author_name,
                body: n.body,
                created_at: n.created_at.and_utc(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let history = audit::for_object(conn, ObjectType::Case, &case.row.id)?.into_iter().map(EventView::from).collect();
    let transfers =
        case.transfers.iter().map(|t| transfer_view(conn, &mut names, t)).collect::<Result<Vec<_>, ApiError>>()?;
    let possible_duplicates = possible_duplicates(conn, caller, &mut names, case, rule)?;
    let allowed = match (case.access, role_of(caller)) {
        (CaseAccess::Work, Some(role)) => allowed_actions(case.status, role).into_iter().map(Action::as_str).collect(),
        _ => Vec::new(),
    };
    Ok(CaseDetail {
        summary: summary_of(conn, &mut names, &case.row)?,
        merged_into: case.row.merged_into.as_deref().map(stored_id).transpose()?,
        location_flagged: case.row.location_flagged,
        routing: RoutingView {
            rule_id: case.row.routing_rule_id.as_deref().map(stored_id).transpose()?,
            explanation: case.row.routing_explanation.clone(),
        },
        reports,
        notes,
        history,
        transfers,
        possible_duplicates,
        allowed_actions: allowed,
    })
}

/// `GET /api/v1/cases/{id}`.
pub async fn read(state: &AppState, caller: &Caller, id: Uuid) -> Result<CaseDetail, ApiError> {
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

/// A workflow step as asked.
pub struct TransitionInput {
    pub action: String,
    pub outcome: Option<String>,
    pub note: Option<String>,
}

/// Checks the body of a transition; every bad field is named.
fn checked_transition(input: &TransitionInput) -> Result<(Action, Option<String>, Option<String>), ApiError> {
    let mut errors = Vec::new();
    let action = Action::parse(&input.action);
    if action.is_none() {
        errors.push(FieldError::new(
            "action",
            "invalid",
            Msg::new(
                "must be accept, start_investigation, resolve, reject, close or reopen",
                "phải là accept, start_investigation, resolve, reject, close hoặc reopen",
            ),
        ));
    }
    let outcome = input.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if let Some(action) = action {
        match (&outcome, action.needs_outcome()) {
            (None, true) => errors.push(FieldError::new(
                "outcome",
                "required",
                Msg::new(
                    "is required to resolve: located_and_handled, not_found, unfounded, duplicate or referred",
                    "bắt buộc khi giải quyết: located_and_handled, not_found, unfounded, duplicate hoặc referred",
                ),
            )),
            (Some(_), false) => errors.push(FieldError::new(
                "outcome",
                "not_allowed",
                Msg::new("is only given to resolve a case", "chỉ dùng khi giải quyết vụ việc"),
            )),
            (Some(o), true) if !OUTCOMES.contains(&o.as_str()) => errors.push(FieldError::new(
                "outcome",
                "invalid",
                Msg::new(
                    "must be located_and_handled, not_found, unfounded, duplicate or referred",
                    "phải là located_and_handled, not_found, unfounded, duplicate hoặc referred",
                ),
            )),
            _ => {}
        }
        if note.is_none() && action.needs_note() {
            errors.push(FieldError::new(
                "note",
                "required",
                Msg::new("is required for this action: say why", "bắt buộc với thao tác này: hãy nêu lý do"),
            ));
        }
    }
    match action {
        Some(action) if errors.is_empty() => Ok((action, outcome, note)),
        _ => Err(ApiError::validation(errors)),
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
) -> Result<CaseDetail, ApiError> {
    let (action, outcome, note) = checked_transition(&input)?;
    let role = role_of(caller).ok_or_else(not_found)?;
    change_case(state, caller, origin, id, if_match, move |_, case, at| {
        let allowed: Vec<&'static str> = allowed_actions(case.status, role).into_iter().map(Action::as_str).collect();
        if !action.allowed_for(role) {
            return Err(ApiError::forbidden(Msg::new(
                format!("Your role cannot {} a case.", action.as_str()),
                format!("Vai trò của bạn không được thực hiện {} với vụ việc.", action.as_str()),
            ))
            .with_allowed_actions(allowed));
        }
        let Some(target) = action.target(case.status) else {
            let (status, action) = (case.status.as_str(), action.as_str());
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "transition_not_allowed",
                Msg::new(
                    format!("A case that is {status} cannot be {action}; see allowed_actions."),
                    format!("Vụ việc đang ở trạng thái {status} không thể {action}; xem allowed_actions."),
                ),
            )
            .with_allowed_actions(allowed));
        };
        let mut change = Change { status: Some(target.as_str().to_owned()), ..Change::default() };
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
) -> Result<CaseDetail, ApiError>
where
    F: FnOnce(&mut DbConnection, &Visible, NaiveDateTime) -> Result<(Change, String, serde_json::Value), ApiError>
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
            cases::apply(conn, &case.row.id, case.row.version, change, at)?;
            audit::append(conn, ObjectType::Case, &case.row.id, &origin, &action, summary, at)?;
            let case = load(conn, &caller, id, false)?;
            detail(conn, &caller, &case, rule)
        })
        .await
}

/// 409 unless the case is still being worked.
pub(crate) fn require_open(case: &Visible) -> Result<(), ApiError> {
    if case.status.is_open() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "case_not_open",
        Msg::new(
            "Only a case still being worked (new, accepted, investigating) is assigned, prioritised or transferred.",
            "Chỉ vụ việc đang xử lý (mới, đã tiếp nhận, đang xác minh) mới được phân công, đổi ưu tiên hoặc chuyển.",
        ),
    ))
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
) -> Result<CaseDetail, ApiError> {
    let priority = match input.priority.as_deref() {
        None => None,
        Some(text) => Some(Priority::parse(text).ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "priority",
                "invalid",
                Msg::new("must be urgent, high, normal or low", "phải là urgent, high, normal hoặc low"),
            )])
        })?),
    };
    if input.assignee_id.is_none() && priority.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "assignee_id",
            "required",
            Msg::new("give assignee_id, priority or both", "hãy gửi assignee_id, priority hoặc cả hai"),
        )]));
    }
    change_case(state, caller, origin, id, if_match, move |conn, case, _| {
        require_open(case)?;
        if let Some(Some(assignee)) = input.assignee_id {
            let officer = users::find(conn, assignee)?.map(|(account, _)| account);
            let fits = officer.is_some_and(|a| {
                !a.disabled && a.role == Role::DistrictOfficer && a.scope == Scope::Authority(case.authority_id)
            });
            if !fits {
                return Err(ApiError::validation(vec![FieldError::new(
                    "assignee_id",
                    "not_an_officer_of_the_authority",
                    Msg::new(
                        "must be an active officer of the authority that holds the case",
                        "phải là cán bộ đang hoạt động của cơ quan đang thụ lý vụ việc",
                    ),
                )]));
            }
        }
        let mut change = Change::default();
        if let Some(assignee) = input.assignee_id {
            change.assignee_id = Some(assignee.map(|a| a.to_string()));
        }
        if let Some(priority) = priority {
            change.priority = Some((priority.as_str().to_owned(), priority.rank()));
            change.due = Some(deadlines.due(priority, case.row.created_at));
        }
        let assignee_after = input.assignee_id.map_or(case.row.assignee_id.clone(), |a| a.map(|a| a.to_string()));
        let summary = json!({
            "before": {"assignee_id": case.row.assignee_id, "priority": case.row.priority},
            "after": {
                "assignee_id": assignee_after,
                "priority": priority.map_or(case.row.priority.clone(), |p| p.as_str().to_owned()),
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
) -> Result<Added, ApiError> {
    let caller = caller.clone();
    let author = caller.account().map(|a| a.id).ok_or_else(not_found)?;
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            require_work(&case)?;
            let at = now();
            let note_id = cases::add_note(conn, &case.row.id, author, body.trim(), at)?;
            let summary = json!({"note_id": note_id, "sha256": text_digest(body.trim())});
            audit::append(conn, ObjectType::Case, &case.row.id, &origin, "case.note_added", summary, at)?;
            Ok(Added { id: note_id, created_at: at.and_utc() })
        })
        .await
}

fn require_work(case: &Visible) -> Result<(), ApiError> {
    if case.access == CaseAccess::Work {
        Ok(())
    } else {
        Err(ApiError::forbidden(Msg::new(
            "You may read this case but not add to it.",
            "Bạn được xem vụ việc này nhưng không được bổ sung.",
        )))
    }
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
) -> Result<Added, ApiError> {
    let caller = caller.clone();
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            require_work(&case)?;
            let tips = cases::reports_of(conn, &case.row.id)?;
            let targets: Vec<_> = match report_id {
                Some(wanted) => tips.into_iter().filter(|t| t.id == wanted.to_string()).collect(),
                None => tips,
            };
            if targets.is_empty() {
                return Err(ApiError::validation(vec![FieldError::new(
                    "report_id",
                    "not_in_case",
                    Msg::new("is not a tip of this case", "không phải tin báo của vụ việc này"),
                )]));
            }
            let at = now();
            let mut first = None;
            for tip in &targets {
                let message = reports::add_message(conn, stored_id(&tip.id)?, "staff", body.trim(), at)?;
                first.get_or_insert(message.id);
            }
            let references: Vec<&str> = targets.iter().map(|t| t.reference.as_str()).collect();
            let summary = json!({"reports": references, "sha256": text_digest(body.trim())});
            audit::append(conn, ObjectType::Case, &case.row.id, &origin, "case.message_sent", summary, at)?;
            Ok(Added { id: first.ok_or_else(|| ApiError::internal("no message written"))?, created_at: at.and_utc() })
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
) -> Result<RevealView, ApiError> {
    let caller = caller.clone();
    let sealer = state.sealer.clone();
    state
        .db
        .transaction(move |conn| {
            let case = load(conn, &caller, id, true)?;
            if !may_reveal_reporter(&caller, case.authority_id) {
                return Err(ApiError::forbidden(Msg::new(
                    "Only an officer of the authority that holds the case may see who reported it.",
                    "Chỉ cán bộ của cơ quan đang thụ lý vụ việc mới được biết ai đã báo tin.",
                )));
            }
            let tips = cases::reports_of(conn, &case.row.id)?;
            let ids: Vec<String> = tips.iter().map(|t| t.id.clone()).collect();
            let sealed = reports::contacts_of(conn, &ids)?;
            let open = |v: Option<String>| v.map(|v| sealer.open(&v)).transpose().map_err(ApiError::internal);
            let mut contacts = Vec::new();
            for (report_id, name, phone, acting_as) in sealed {
                let reference =
                    tips.iter().find(|t| t.id == report_id).map(|t| t.reference.clone()).unwrap_or_default();
                contacts.push(RevealedContact {
                    report_id: stored_id(&report_id)?,
                    reference,
                    name: open(name)?,
                    phone: open(phone)?,
                    acting_as: open(acting_as)?,
                });
            }
            let references: Vec<&str> = contacts.iter().map(|c| c.reference.as_str()).collect();
            let summary = json!({"reason": reason.trim(), "reports": references});
            audit::append(
                conn,
                ObjectType::Case,
                &case.row.id,
                &origin,
                "case.reporter_contact_revealed",
                summary,
                now(),
            )?;
            Ok(RevealView { contacts })
        })
        .await
}

/// `GET /api/v1/cases/{id}/audit`: the case's chain.
pub async fn audit_of(state: &AppState, caller: &Caller, id: Uuid) -> Result<Vec<EventView>, ApiError> {
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            Ok(audit::for_object(conn, ObjectType::Case, &case.row.id)?.into_iter().map(EventView::from).collect())
        })
        .await
}
