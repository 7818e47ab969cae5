//! The access policy: the one place that decides who may do what, and where.
//!
//! Handlers ask [`authorize`] before acting, and services ask the jurisdiction functions
//! when they load an object: an object outside the caller's jurisdiction is answered
//! exactly like a missing one (404), so its existence is not revealed.

use uuid::Uuid;

use super::caller::{Caller, Principal};
use crate::domain::account::{Role, Scope, SessionStage};
use crate::domain::admin_unit::UnitRef;
use crate::error::ApiError;
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
    /// Follow the tips one submitted, and add information to them.
    FollowOwnReports,
    /// Read one tip (the object's jurisdiction is checked by the service).
    ReadReport,
    /// Read cases: the work list, one case, its audit events (each case's jurisdiction
    /// is checked by [`case_access`]).
    ReadCases,
    /// Read and verify the whole audit trail.
    ReadAuditTrail,
}

/// Whether `caller` may do `action` at all (role, client scope and session stage).
pub fn authorize(caller: &Caller, action: Action) -> Result<(), ApiError> {
    let allowed_in_enrollment = matches!(action, Action::ReadSelf | Action::EnrolMfa | Action::EndSession);
    if caller.stage == SessionStage::MfaEnrollment && !allowed_in_enrollment {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "mfa_enrollment_required",
            Msg::new(
                "Set up your authenticator app first (POST /api/v1/me/mfa/totp), then sign in again with a code.",
                "Hãy cài đặt ứng dụng xác thực trước (POST /api/v1/me/mfa/totp), rồi đăng nhập lại kèm mã.",
            ),
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
        (Principal::User(account), Action::ManageAccounts | Action::ManageClients | Action::ManageRoutingRules) => {
            account.role == Role::Admin
        }
        (Principal::User(_), Action::FollowOwnReports | Action::ReadReport) => true,
        (Principal::User(account), Action::ReadCases) => {
            matches!(account.role, Role::DistrictOfficer | Role::Supervisor | Role::Auditor)
        }
        (Principal::User(account), Action::ReadAuditTrail) => account.role == Role::Auditor,
    };
    if allowed { Ok(()) } else { Err(forbidden()) }
}

/// Whether `caller` may submit tips (anonymous callers may too; see the intake service):
/// citizens, commune officials, and clients with `reports:submit`, in a full session.
pub fn authorize_submission(caller: &Caller) -> Result<(), ApiError> {
    if caller.stage != SessionStage::Full {
        return Err(forbidden());
    }
    let allowed = match &caller.principal {
        Principal::User(account) => matches!(account.role, Role::Citizen | Role::CommuneOfficial),
        Principal::Client(client) => client.scopes.contains(&crate::domain::client::ClientScope::ReportsSubmit),
    };
    if allowed { Ok(()) } else { Err(forbidden()) }
}

fn forbidden() -> ApiError {
    ApiError::forbidden(Msg::new(
        "Your account is not allowed to do this.",
        "Tài khoản của bạn không được phép thực hiện thao tác này.",
    ))
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

/// Whether `caller` may read one tip: its submitter (an account or a client), and staff
/// whose scope covers it. Returns whether the caller reads it as staff (who also see why
/// it was routed). `None`: not visible, to be answered like a missing tip.
pub fn tip_visibility(
    caller: &Caller,
    submitted_by_user: Option<&str>,
    submitted_by_client: Option<&str>,
    chain: &[UnitRef],
    holding_authority: Uuid,
) -> Option<bool> {
    match &caller.principal {
        Principal::User(account) => {
            let staff =
                account.role.is_staff() && scope_covers(account.role, account.scope, chain, Some(holding_authority));
            let own = submitted_by_user == Some(account.id.to_string().as_str());
            (own || staff).then_some(staff)
        }
        Principal::Client(client) => (submitted_by_client == Some(client.id.to_string().as_str())).then_some(false),
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
pub fn may_reveal_reporter(caller: &Caller, holding_authority: Uuid) -> bool {
    case_scope(caller) == Some(CaseScope::Authority(holding_authority))
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
}
