//! Accounts managed by admins: create, list, read, change, disable, re-scope. A change of
//! role, scope or the disabled flag ends the account's sessions at once.

use uuid::Uuid;

use crate::auth::policy::{Action, authorize};
use crate::services::validation::check;

use super::{logins, take_page};
use crate::auth::caller::Caller;
use crate::auth::password;
use crate::clock::now;
use crate::db::audit;
use crate::db::users::NewAccount;
use crate::db::{DbConnection, DbError, admin_units, authorities, sessions, users};
use crate::domain::account::{Account, Login, Role, Scope};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::audit::{ObjectType, Origin, account_state};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::accounts::{CreateUserRequest, UnitCodeInput, UpdateUserRequest};
use crate::state::AppState;

fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("accounts-there-is-no-account-with-this"))
}

fn role_of(text: &str) -> Result<Role, FieldError> {
    Role::parse(text).ok_or_else(|| {
        FieldError::new("role", "invalid", Msg::of("accounts-must-be-citizen-commune-official-district"))
    })
}

/// The scope fields of a request, before they are checked against the role.
struct ScopeFields<'a> {
    authority_id: Option<Uuid>,
    unit: Option<&'a UnitCodeInput>,
    province_code: Option<i32>,
    province_scheme: Option<&'a str>,
}

/// Builds the scope `role` needs from the request, checking that what it names exists.
fn scope_for(conn: &mut DbConnection, role: Role, fields: &ScopeFields<'_>) -> Result<Scope, ServiceError> {
    let missing = |field: &'static str| {
        ServiceError::validation(vec![FieldError::new(
            field,
            "required",
            Msg::of("accounts-is-required-for-the-role").arg("role", role),
        )])
    };
    let unknown = |field: &'static str| {
        ServiceError::validation(vec![FieldError::new(field, "unknown", Msg::of("accounts-does-not-exist"))])
    };
    let unit = |scheme: &str, level: Level, code: i32, field: &'static str| -> Result<UnitRef, ServiceError> {
        let scheme = Scheme::parse(scheme).ok_or_else(|| unknown(field))?;
        Ok(UnitRef { scheme, level, code })
    };
    let scope = match role {
        Role::Citizen | Role::Auditor | Role::Admin => Scope::None,
        Role::DistrictOfficer => {
            let id = fields.authority_id.ok_or_else(|| missing("authority_id"))?;
            authorities::find(conn, id)?.ok_or_else(|| unknown("authority_id"))?;
            Scope::Authority(id)
        }
        Role::CommuneOfficial => {
            let input = fields.unit.ok_or_else(|| missing("unit"))?;
            let commune = unit(&input.scheme, Level::Commune, input.code, "unit")?;
            admin_units::find(conn, commune)?.ok_or_else(|| unknown("unit"))?;
            Scope::Commune(commune)
        }
        Role::Supervisor => {
            let code = fields.province_code.ok_or_else(|| missing("province_code"))?;
            let province = unit(fields.province_scheme.unwrap_or("2024"), Level::Province, code, "province_code")?;
            admin_units::find(conn, province)?.ok_or_else(|| unknown("province_code"))?;
            Scope::Province(province)
        }
    };
    Ok(scope)
}

/// Creates an account of any role (admins only).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    body: CreateUserRequest,
) -> Result<Account, ServiceError> {
    authorize(caller, Action::ManageAccounts)?;
    check(&body)?;
    let mut errors = Vec::new();
    let login = Login::parse(&body.login);
    if login.is_none() {
        errors.push(FieldError::new("login", "invalid", Msg::of("accounts-must-be-a-mobile-number-an")));
    }
    let role = role_of(&body.role).map_err(|e| errors.push(e)).ok();
    if let (Some(login), Some(role)) = (&login, role) {
        let personal: Vec<String> =
            [Some(login.as_str().to_owned()), body.display_name.clone()].into_iter().flatten().collect();
        if let Err(e) = state.hashing.check_policy("password", body.password.clone(), role, personal).await? {
            errors.push(e);
        }
    }
    let (Some(login), Some(role), true) = (login, role, errors.is_empty()) else {
        return Err(ServiceError::validation(errors));
    };
    let plain = body.password.clone();
    let hash = state.hashing.run(move || password::hash(&plain)).await??;
    let id = Uuid::now_v7();
    let stored = logins::stored(&state.index_key, &state.keyring, id, role, login.as_str())?;
    let forms = logins::lookup_forms(&state.index_key, login.as_str());
    state
        .db
        .transaction(move |conn| {
            if users::find_by_login(conn, &forms)?.is_some() {
                return Err(login_taken());
            }
            let fields = ScopeFields {
                authority_id: body.authority_id,
                unit: body.unit.as_ref(),
                province_code: body.province_code,
                province_scheme: body.province_scheme.as_deref(),
            };
            let scope = scope_for(conn, role, &fields)?;
            let new = NewAccount {
                id,
                login: &stored.login,
                login_sealed: stored.sealed.as_deref(),
                pending_until: None,
                display_name: body.display_name.as_deref(),
                password_hash: &hash,
                role,
                scope,
            };
            let now = now();
            let account = insert_account(conn, &new, now)?;
            let id = account.id.to_string();
            audit::append(conn, ObjectType::Account, &id, &origin, "account.created", account_state(&account), now)?;
            Ok(account)
        })
        .await
}

/// The answer to a login in use.
pub(crate) fn login_taken() -> ServiceError {
    ServiceError::conflict("login_taken", Msg::of("accounts-an-account-with-this-login-already"))
}

/// Stores a new account; a login that exists already is refused as taken.
pub(crate) fn insert_account(
    conn: &mut DbConnection,
    new: &NewAccount<'_>,
    now: chrono::NaiveDateTime,
) -> Result<Account, ServiceError> {
    users::insert(conn, new, now).map_err(|e| match e {
        DbError::Duplicate => login_taken(),
        other => other.into(),
    })
}

/// Creates the first admin from the command line (no caller yet).
pub fn create_admin(conn: &mut DbConnection, login: &str, plain: &str) -> Result<Account, String> {
    let login = Login::parse(login).ok_or("the login must be 3 to 64 of a-z 0-9 . _ -, a phone number or an e-mail")?;
    password::check_policy("password", plain, Role::Admin, &[login.as_str()]).map_err(|e| e.message.en())?;
    let hash = password::hash(plain).map_err(|e| e.detail.en())?;
    let new = NewAccount {
        id: Uuid::now_v7(),
        login: login.as_str(),
        login_sealed: None,
        pending_until: None,
        display_name: None,
        password_hash: &hash,
        role: Role::Admin,
        scope: Scope::None,
    };
    crate::db::pool::in_transaction(conn, |conn| {
        let now = now();
        let account = insert_account(conn, &new, now)?;
        let origin = Origin::system("users-create-admin");
        audit::append(conn, ObjectType::Account, account.id, &origin, "account.created", account_state(&account), now)?;
        Ok(account)
    })
    .map_err(|e: ServiceError| e.detail.en())
}

/// Lists accounts by login.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    role: Option<Role>,
    after: Option<String>,
    limit: u32,
) -> Result<(Vec<Account>, Option<String>), ServiceError> {
    authorize(caller, Action::ManageAccounts)?;
    state
        .db
        .run(move |conn| {
            let rows = users::list(conn, role, after.as_deref(), i64::from(limit) + 1)?;
            Ok(take_page(rows, limit, |a| a.login.clone()))
        })
        .await
}

/// One account.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<Account, ServiceError> {
    authorize(caller, Action::ManageAccounts)?;
    state.db.run(move |conn| Ok(users::find(conn, id)?)).await?.map(|(a, _)| a).ok_or_else(not_found)
}

/// `POST /api/v1/users/{id}/mfa/reset`: an admin removes a staff member's second factor
/// (a lost phone). Every session of the account ends; at the next sign-in its owner
/// enrols again. Audited, without the secret.
pub async fn reset_mfa(state: &AppState, caller: &Caller, origin: Origin, id: Uuid) -> Result<(), ServiceError> {
    authorize(caller, Action::ManageAccounts)?;
    // One's own second factor is never removed through a session it protects: a stolen
    // admin session must not turn the admin's second factor off.
    if caller.account().is_some_and(|a| a.id == id) {
        return Err(ServiceError::conflict(
            "cannot_reset_own_mfa",
            Msg::of("accounts-you-cannot-reset-your-own-second"),
        ));
    }
    state
        .db
        .transaction(move |conn| {
            let (account, _) = users::find(conn, id)?.ok_or_else(not_found)?;
            let now = now();
            users::clear_totp(conn, id, now)?;
            sessions::revoke_all_of_user(conn, id, now)?;
            crate::db::devices::forget_all(conn, id)?;
            let summary = serde_json::json!({"had_second_factor": account.mfa_enabled});
            audit::append(conn, ObjectType::Account, id, &origin, "account.mfa_reset", summary, now)?;
            Ok(())
        })
        .await
}

/// Changes an account. Admins cannot demote or disable themselves: the last admin must
/// not lock everyone out.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    body: UpdateUserRequest,
) -> Result<Account, ServiceError> {
    authorize(caller, Action::ManageAccounts)?;
    check(&body)?;
    let role = body.role.as_deref().map(role_of).transpose().map_err(|e| ServiceError::validation(vec![e]))?;
    let own = caller.account().is_some_and(|a| a.id == id);
    if own && (body.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
        return Err(ServiceError::conflict(
            "cannot_lock_out_self",
            Msg::of("accounts-you-cannot-disable-your-own-account"),
        ));
    }
    state
        .db
        .transaction(move |conn| {
            let (current, _) = users::find(conn, id)?.ok_or_else(not_found)?;
            let role = role.unwrap_or(current.role);
            let rescoped = body.authority_id.is_some() || body.unit.is_some() || body.province_code.is_some();
            let scope = if role != current.role || rescoped {
                let fields = ScopeFields {
                    authority_id: body.authority_id,
                    unit: body.unit.as_ref(),
                    province_code: body.province_code,
                    province_scheme: body.province_scheme.as_deref(),
                };
                scope_for(conn, role, &fields)?
            } else {
                current.scope
            };
            let disabled = body.disabled.unwrap_or(current.disabled);
            let display_name = body.display_name.or(current.display_name.clone());
            let now = now();
            users::update(conn, id, display_name.as_deref(), role, scope, disabled, now)?;
            if role != current.role || scope != current.scope || (disabled && !current.disabled) {
                sessions::revoke_all_of_user(conn, id, now)?;
            }
            let account = users::find(conn, id)?.map(|(a, _)| a).ok_or_else(not_found)?;
            let (before, after) = (account_state(&current), account_state(&account));
            if before != after || account.display_name != current.display_name {
                let summary = serde_json::json!({"before": before, "after": after});
                audit::append(conn, ObjectType::Account, id, &origin, "account.changed", summary, now)?;
            }
            Ok(account)
        })
        .await
}
