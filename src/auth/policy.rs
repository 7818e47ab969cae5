//! The access policy: the one place that decides who may do what, and where.
//!
//! Faces ask [`authorize`] before calling a use case (may this role do this at all);
//! services ask the object functions when they load and before they act: [`case_access`]
//! and [`tip_visibility`] whether the caller sees the object (one outside the caller's
//! jurisdiction is answered exactly like a missing one, 404, so its existence is not
//! revealed), [`case_permission`] whether they may do one operation to a case, and
//! [`submitter`] who a tip's sender is.

use uuid::Uuid;

use super::caller::{Caller, Principal};
use super::index_key::IndexKey;
use crate::db::reports::StoredReport;
use crate::domain::account::{Role, Scope, SessionStage};
use crate::domain::admin_unit::UnitRef;
use crate::domain::case::{Action as WorkflowAction, Status};
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;

/// Everything a caller can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read one's own profile.
    ReadSelf,
    /// Change one's own password.
    ChangeOwnPassword,
    /// Enrol or confirm a second factor.
    EnrolMfa,
    /// Sign out.
    EndSession,
    /// Create, read, change, disable and re-scope accounts.
    ManageAccounts,
    /// Register, read and revoke integrator clients.
    ManageClients,
    /// Create, read and delete routing rules.
    ManageRoutingRules,
    /// Change authorities' contact details (the phone numbers citizens are shown).
    ManageAuthorities,
    /// Follow the tips one submitted, and add information to them.
    FollowOwnReports,
    /// Read one tip (the object's jurisdiction is checked by the service).
    ReadReport,
    /// Read cases: the work list, one case, its audit events (each case's jurisdiction
    /// is checked by [`case_access`]).
    ReadCases,
    /// Ask to change a case: the workflow, assignment, notes, messages, transfers,
    /// merges, revealing a reporter. Every staff role that reads cases passes this gate,
    /// auditors too, so that a case they may not see answers 404 to them as to everyone
    /// else; whether the change is allowed is [`case_permission`]'s decision per case.
    ChangeCases,
    /// Read and verify the whole audit trail.
    ReadAuditTrail,
    /// File a tip on a resident's behalf, in one's own name (the citizens' form, with a
    /// console session).
    FileForResidents,
}

/// Whether `caller` may do `action` at all (role, client scope and session stage).
pub fn authorize(caller: &Caller, action: Action) -> Result<(), ServiceError> {
    let allowed_in_enrollment = matches!(action, Action::ReadSelf | Action::EnrolMfa | Action::EndSession);
    if caller.stage == SessionStage::MfaEnrollment && !allowed_in_enrollment {
        return Err(ServiceError::new(
            ErrorKind::Forbidden,
            "mfa_enrollment_required",
            Msg::of("policy-set-up-your-authenticator-app-first"),
        ));
    }
    let allowed = match (&caller.principal, action) {
        (Principal::Client(client), Action::ReadReport) => {
            client.scopes.contains(&crate::domain::client::ClientScope::ReportsSubmit)
        }
        (Principal::Client(_), _) => false,
        (Principal::User(_), Action::ReadSelf | Action::ChangeOwnPassword | Action::EnrolMfa | Action::EndSession) => {
            true
        }
        (
            Principal::User(account),
            Action::ManageAccounts | Action::ManageClients | Action::ManageRoutingRules | Action::ManageAuthorities,
        ) => account.role == Role::Admin,
        (Principal::User(_), Action::FollowOwnReports | Action::ReadReport) => true,
        (Principal::User(account), Action::ReadCases | Action::ChangeCases) => {
            matches!(account.role, Role::DistrictOfficer | Role::Supervisor | Role::Auditor)
        }
        (Principal::User(account), Action::ReadAuditTrail) => account.role == Role::Auditor,
        (Principal::User(account), Action::FileForResidents) => account.role == Role::CommuneOfficial,
    };
    if allowed { Ok(()) } else { Err(forbidden()) }
}

/// Who submits a tip, as the intake records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitter {
    Anonymous,
    Citizen(Uuid),
    CommuneOfficial(Uuid),
    Client(Uuid),
}

/// Who may submit tips: anyone unsigned, citizens and commune officials in a full
/// session, and clients with `reports:submit`. `None`: this caller may not.
pub fn submitter(caller: Option<&Caller>) -> Option<Submitter> {
    let Some(caller) = caller else { return Some(Submitter::Anonymous) };
    if caller.stage != SessionStage::Full {
        return None;
    }
    match &caller.principal {
        Principal::User(a) if a.role == Role::Citizen => Some(Submitter::Citizen(a.id)),
        Principal::User(a) if a.role == Role::CommuneOfficial => Some(Submitter::CommuneOfficial(a.id)),
        Principal::Client(c) if c.scopes.contains(&crate::domain::client::ClientScope::ReportsSubmit) => {
            Some(Submitter::Client(c.id))
        }
        _ => None,
    }
}

fn forbidden() -> ServiceError {
    ServiceError::forbidden(Msg::of("policy-your-account-is-not-allowed-to"))
}

/// Whether a scope covers a place, given the place's unit and every unit above it
/// (`chain`, nearest first) and the authority that holds it. Staff see only what lies in
/// their commune, their authority or their province; auditors and admins see everything;
/// citizens see places through their own tips only, which this does not decide.
pub fn scope_covers(role: Role, scope: Scope, chain: &[UnitRef], holding_authority: Option<Uuid>) -> bool {
    match (role, scope) {
        (Role::Auditor | Role::Admin, _) => true,
        (Role::CommuneOfficial, Scope::Commune(commune)) => chain.contains(&commune),
        (Role::Supervisor, Scope::Province(province)) => chain.contains(&province),
        (Role::DistrictOfficer, Scope::Authority(id)) => holding_authority == Some(id),
        _ => false,
    }
}

/// Who filed a tip, as stored: the account a tip names, or, for an anonymous tip of a
/// signed-in citizen, the blind index of that account (see [`IndexKey::owner_index`]).
#[derive(Debug, Clone, Copy)]
pub struct TipOwner<'a> {
    pub user: Option<Uuid>,
    pub index: Option<&'a str>,
}

impl<'a> TipOwner<'a> {
    /// Who filed a stored tip.
    pub fn of(report: &'a StoredReport) -> Self {
        TipOwner { user: report.submitted_by_user, index: report.owner_index.as_deref() }
    }
}

/// Whether a citizen's account submitted the tip: the one rule for "one of my tips"
/// (reading it, its messages, adding to it), also used by [`tip_visibility`].
pub fn is_own_tip(key: &IndexKey, user: Uuid, owner: TipOwner<'_>) -> bool {
    owner.user == Some(user) || owner.index.is_some_and(|index| index == key.owner_index(user))
}

/// Whether `caller` may read one tip: its submitter (an account or a client), and staff
/// whose scope covers it. Returns whether the caller reads it as staff (who also see why
/// it was routed). `None`: not visible, to be answered like a missing tip.
pub fn tip_visibility(
    key: &IndexKey,
    caller: &Caller,
    owner: TipOwner<'_>,
    submitted_by_client: Option<Uuid>,
    chain: &[UnitRef],
    holding_authority: Uuid,
) -> Option<bool> {
    match &caller.principal {
        Principal::User(account) => {
            let staff =
                account.role.is_staff() && scope_covers(account.role, account.scope, chain, Some(holding_authority));
            let own = is_own_tip(key, account.id, owner);
            (own || staff).then_some(staff)
        }
        Principal::Client(client) => (submitted_by_client == Some(client.id)).then_some(false),
    }
}

/// Where a caller's case work lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// A district officer: the cases their authority holds.
    Authority(Uuid),
    /// A supervisor: the cases that lie in their province.
    Province(UnitRef),
    /// An auditor: every case, to read.
    Everywhere,
}

/// The cases a caller may list; `None` for callers who handle no cases.
pub fn case_scope(caller: &Caller) -> Option<CaseScope> {
    let Principal::User(account) = &caller.principal else { return None };
    match (account.role, account.scope) {
        (Role::DistrictOfficer, Scope::Authority(id)) => Some(CaseScope::Authority(id)),
        (Role::Supervisor, Scope::Province(province)) => Some(CaseScope::Province(province)),
        (Role::Auditor, _) => Some(CaseScope::Everywhere),
        _ => None,
    }
}

/// What a caller may do with one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAccess {
    /// Read it and its audit events (auditors).
    Read,
    /// Read it to accept or decline the transfer proposed to the caller's authority.
    ReviewTransfer,
    /// Change it (officers of the holding authority; supervisors of its province).
    Work,
}

/// Whether `caller` may see a case held by `holding_authority`, lying in `province`, and
/// perhaps proposed for transfer to `transfer_target` (`None`: answer as if it did not
/// exist).
pub fn case_access(
    caller: &Caller,
    holding_authority: Uuid,
    province: Option<UnitRef>,
    transfer_target: Option<Uuid>,
) -> Option<CaseAccess> {
    match case_scope(caller)? {
        CaseScope::Authority(id) if id == holding_authority => Some(CaseAccess::Work),
        CaseScope::Authority(id) => (Some(id) == transfer_target).then_some(CaseAccess::ReviewTransfer),
        CaseScope::Province(p) => (Some(p) == province).then_some(CaseAccess::Work),
        CaseScope::Everywhere => Some(CaseAccess::Read),
    }
}

/// Only an officer of the holding authority may see who reported (with a stated reason).
fn may_reveal_reporter(caller: &Caller, holding_authority: Uuid) -> bool {
    case_scope(caller) == Some(CaseScope::Authority(holding_authority))
}

/// What a caller asks to do to one case that they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOp {
    /// Change it: assign, prioritise, propose a transfer, merge it or merge into it.
    Change,
    /// Move it through the workflow.
    Transition(WorkflowAction),
    /// Add a note, or a message to its reporters.
    AddTo,
    /// See who reported.
    RevealReporter,
    /// Answer the transfer proposed for it.
    DecideTransfer,
}

/// Why [`case_permission`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    /// The caller reads the case but does not work it.
    ReadOnly,
    /// The caller works the case, but their role may not take this workflow action.
    RoleCannot,
    /// Only the receiving authority's officers, or the province's supervisor, answer a
    /// transfer.
    NotTheReceiver,
    /// Only an officer of the holding authority sees who reported.
    NotTheHoldersOfficer,
}

/// Whether `caller`, whose access to a case held by `holding_authority` is `access`
/// (from [`case_access`]), may do `op` to it.
pub fn case_permission(
    caller: &Caller,
    access: CaseAccess,
    holding_authority: Uuid,
    op: CaseOp,
) -> Result<(), CaseRefusal> {
    let role = caller.account().map(|a| a.role);
    match op {
        CaseOp::DecideTransfer => {
            let supervisor = role == Some(Role::Supervisor) && access == CaseAccess::Work;
            if supervisor || access == CaseAccess::ReviewTransfer { Ok(()) } else { Err(CaseRefusal::NotTheReceiver) }
        }
        _ if access != CaseAccess::Work => Err(CaseRefusal::ReadOnly),
        CaseOp::Change | CaseOp::AddTo => Ok(()),
        CaseOp::Transition(action) => {
            if role.is_some_and(|r| role_may_take(r, action)) {
                Ok(())
            } else {
                Err(CaseRefusal::RoleCannot)
            }
        }
        CaseOp::RevealReporter => {
            if may_reveal_reporter(caller, holding_authority) {
                Ok(())
            } else {
                Err(CaseRefusal::NotTheHoldersOfficer)
            }
        }
    }
}

/// Which roles take a workflow action (within their jurisdiction): officers of the
/// holding authority work cases; supervisors may do all of it for their province, and
/// alone may reopen.
fn role_may_take(role: Role, action: WorkflowAction) -> bool {
    match action {
        WorkflowAction::Reopen => role == Role::Supervisor,
        _ => matches!(role, Role::DistrictOfficer | Role::Supervisor),
    }
}

/// The workflow actions `caller` may take on a case in `status` now, in the workflow's
/// order: what a case page offers, and what a refusal lists instead.
pub fn workflow_actions(caller: &Caller, access: CaseAccess, status: Status) -> Vec<WorkflowAction> {
    let Some(role) = caller.account().map(|a| a.role).filter(|_| access == CaseAccess::Work) else {
        return Vec::new();
    };
    WorkflowAction::ALL.into_iter().filter(|a| a.target(status).is_some() && role_may_take(role, *a)).collect()
}

/// A supervisor's transfer is decided at once; an officer's waits for the receiver.
pub fn transfer_takes_effect_at_once(caller: &Caller) -> bool {
    caller.account().is_some_and(|a| a.role == Role::Supervisor)
}

/// Who may be assigned a case held by `holding_authority`: an active officer of it.
pub fn may_be_assigned(account: &crate::domain::account::Account, holding_authority: Uuid) -> bool {
    !account.disabled && account.role == Role::DistrictOfficer && account.scope == Scope::Authority(holding_authority)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::admin_unit::{Level, Scheme};

    fn unit(level: Level, code: i32) -> UnitRef {
        UnitRef { scheme: Scheme::S2024, level, code }
    }

    #[test]
    fn each_staff_role_sees_its_own_territory_only() {
        // A commune of Kiên Lương (902), in Kiên Giang (91).
        let chain = [unit(Level::Commune, 30787), unit(Level::District, 902), unit(Level::Province, 91)];
        let kien_luong = Uuid::now_v7();
        let ha_tien = Uuid::now_v7();
        assert!(scope_covers(Role::CommuneOfficial, Scope::Commune(unit(Level::Commune, 30787)), &chain, None));
        assert!(!scope_covers(Role::CommuneOfficial, Scope::Commune(unit(Level::Commune, 30883)), &chain, None));
        assert!(scope_covers(Role::Supervisor, Scope::Province(unit(Level::Province, 91)), &chain, None));
        assert!(!scope_covers(Role::Supervisor, Scope::Province(unit(Level::Province, 89)), &chain, None));
        assert!(scope_covers(Role::DistrictOfficer, Scope::Authority(kien_luong), &chain, Some(kien_luong)));
        assert!(!scope_covers(Role::DistrictOfficer, Scope::Authority(ha_tien), &chain, Some(kien_luong)));
        assert!(scope_covers(Role::Auditor, Scope::None, &chain, None));
        assert!(!scope_covers(Role::Citizen, Scope::None, &chain, Some(kien_luong)));
        // A scope that does not fit the role grants nothing.
        assert!(!scope_covers(Role::DistrictOfficer, Scope::Province(unit(Level::Province, 91)), &chain, None));
    }

    fn caller(role: Role, scope: Scope) -> Caller {
        let now = chrono::Utc::now().naive_utc();
        let account = crate::domain::account::Account {
            id: Uuid::now_v7(),
            login: format!("{role:?}").to_lowercase(),
            display_name: None,
            role,
            scope,
            mfa_enabled: true,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        Caller { session_id: Uuid::now_v7(), stage: SessionStage::Full, principal: Principal::User(account) }
    }

    /// Every role against every operation on one case held by Kiên Lương (902), in Kiên
    /// Giang (91): who works it, who only reads it, who reviews a transfer to them.
    #[test]
    fn each_role_may_do_to_a_case_exactly_what_its_part_allows() {
        use CaseOp::*;
        let (kien_luong, ha_tien) = (Uuid::now_v7(), Uuid::now_v7());
        let province = unit(Level::Province, 91);
        let officer = caller(Role::DistrictOfficer, Scope::Authority(kien_luong));
        let receiver = caller(Role::DistrictOfficer, Scope::Authority(ha_tien));
        let supervisor = caller(Role::Supervisor, Scope::Province(province));
        let auditor = caller(Role::Auditor, Scope::None);
        let access = |c: &Caller| case_access(c, kien_luong, Some(province), Some(ha_tien));
        assert_eq!(access(&officer), Some(CaseAccess::Work));
        assert_eq!(access(&receiver), Some(CaseAccess::ReviewTransfer));
        assert_eq!(access(&supervisor), Some(CaseAccess::Work));
        assert_eq!(access(&auditor), Some(CaseAccess::Read));
        for (who, c) in [("citizen", Role::Citizen), ("official", Role::CommuneOfficial), ("admin", Role::Admin)] {
            assert_eq!(access(&caller(c, Scope::None)), None, "{who} sees no case");
        }
        let may = |c: &Caller, op| case_permission(c, access(c).unwrap_or(CaseAccess::Read), kien_luong, op);
        let accept = Transition(WorkflowAction::Accept);
        let reopen = Transition(WorkflowAction::Reopen);
        //                  officer                         supervisor                       auditor                           receiver
        let expected = [
            (Change, [Ok(()), Ok(()), Err(CaseRefusal::ReadOnly), Err(CaseRefusal::ReadOnly)]),
            (AddTo, [Ok(()), Ok(()), Err(CaseRefusal::ReadOnly), Err(CaseRefusal::ReadOnly)]),
            (accept, [Ok(()), Ok(()), Err(CaseRefusal::ReadOnly), Err(CaseRefusal::ReadOnly)]),
            (reopen, [Err(CaseRefusal::RoleCannot), Ok(()), Err(CaseRefusal::ReadOnly), Err(CaseRefusal::ReadOnly)]),
            (
                RevealReporter,
                [
                    Ok(()),
                    Err(CaseRefusal::NotTheHoldersOfficer),
                    Err(CaseRefusal::ReadOnly),
                    Err(CaseRefusal::ReadOnly),
                ],
            ),
            (DecideTransfer, [Err(CaseRefusal::NotTheReceiver), Ok(()), Err(CaseRefusal::NotTheReceiver), Ok(())]),
        ];
        for (op, answers) in expected {
            for (c, want) in [&officer, &supervisor, &auditor, &receiver].into_iter().zip(answers) {
                assert_eq!(may(c, op), want, "{op:?} as {:?}", c.account().map(|a| a.role));
            }
        }
    }

    #[test]
    fn only_supervisors_reopen_and_only_those_who_work_a_case_are_offered_actions() {
        let kl = Uuid::now_v7();
        let officer = caller(Role::DistrictOfficer, Scope::Authority(kl));
        let supervisor = caller(Role::Supervisor, Scope::Province(unit(Level::Province, 91)));
        let work = CaseAccess::Work;
        assert_eq!(workflow_actions(&officer, work, Status::Closed), vec![]);
        assert_eq!(workflow_actions(&supervisor, work, Status::Closed), vec![WorkflowAction::Reopen]);
        assert_eq!(workflow_actions(&officer, work, Status::New), vec![WorkflowAction::Accept, WorkflowAction::Reject]);
        assert!(workflow_actions(&supervisor, work, Status::Merged).is_empty(), "a merged case is finished");
        assert!(workflow_actions(&officer, CaseAccess::ReviewTransfer, Status::New).is_empty());
        for role in [Role::Citizen, Role::CommuneOfficial, Role::Auditor, Role::Admin] {
            let c = caller(role, Scope::None);
            assert!(Status::ALL.iter().all(|s| workflow_actions(&c, CaseAccess::Read, *s).is_empty()), "{role:?}");
        }
        assert!(transfer_takes_effect_at_once(&supervisor) && !transfer_takes_effect_at_once(&officer));
    }

    #[test]
    fn only_an_active_officer_of_the_holder_is_assigned() {
        let (kl, ht) = (Uuid::now_v7(), Uuid::now_v7());
        let Principal::User(mut officer) = caller(Role::DistrictOfficer, Scope::Authority(kl)).principal else {
            unreachable!()
        };
        assert!(may_be_assigned(&officer, kl));
        assert!(!may_be_assigned(&officer, ht), "another authority's officer");
        officer.disabled = true;
        assert!(!may_be_assigned(&officer, kl), "a disabled account");
        let Principal::User(supervisor) =
            caller(Role::Supervisor, Scope::Province(unit(Level::Province, 91))).principal
        else {
            unreachable!()
        };
        assert!(!may_be_assigned(&supervisor, kl), "supervisors oversee, officers are assigned");
    }

    #[test]
    fn tips_come_from_anyone_unsigned_residents_officials_and_submitting_clients() {
        assert_eq!(submitter(None), Some(Submitter::Anonymous));
        let citizen = caller(Role::Citizen, Scope::None);
        assert!(matches!(submitter(Some(&citizen)), Some(Submitter::Citizen(_))));
        let official = caller(Role::CommuneOfficial, Scope::Commune(unit(Level::Commune, 30787)));
        assert!(matches!(submitter(Some(&official)), Some(Submitter::CommuneOfficial(_))));
        for role in [Role::DistrictOfficer, Role::Supervisor, Role::Auditor, Role::Admin] {
            assert_eq!(submitter(Some(&caller(role, Scope::None))), None, "{role:?}");
        }
        let mut enrolling = caller(Role::Citizen, Scope::None);
        enrolling.stage = SessionStage::MfaEnrollment;
        assert_eq!(submitter(Some(&enrolling)), None, "only a full session submits");
    }
}
