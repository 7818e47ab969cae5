//! Accounts in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::users;
use crate::domain::account::{Account, Credentials, Role, Scope};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: Id,
    login: String,
    display_name: Option<String>,
    password_hash: String,
    role: Role,
    authority_id: Option<Id>,
    scope_scheme: Option<Scheme>,
    scope_level: Option<Level>,
    scope_code: Option<i32>,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
    disabled: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    login_sealed: Option<String>,
    pending_until: Option<NaiveDateTime>,
}

/// The columns that hold a scope.
type ScopeColumns = (Option<Id>, Option<Scheme>, Option<Level>, Option<i32>);

fn scope_columns(scope: Scope) -> ScopeColumns {
    let unit = |u: UnitRef| (None, Some(u.scheme), Some(u.level), Some(u.code));
    match scope {
        Scope::None => (None, None, None, None),
        Scope::Authority(id) => (Some(Id(id)), None, None, None),
        Scope::Commune(u) | Scope::Province(u) => unit(u),
    }
}

impl UserRow {
    pub(crate) fn into_domain(self) -> (Account, Credentials) {
        let role = self.role;
        let scope = match (role, self.authority_id, self.scope_scheme, self.scope_level, self.scope_code) {
            (Role::DistrictOfficer, Some(id), ..) => Scope::Authority(id.0),
            (Role::CommuneOfficial, _, Some(scheme), Some(level), Some(code)) => {
                Scope::Commune(UnitRef { scheme, level, code })
            }
            (Role::Supervisor, _, Some(scheme), Some(level), Some(code)) => {
                Scope::Province(UnitRef { scheme, level, code })
            }
            _ => Scope::None,
        };
        let account = Account {
            id: self.id.0,
            login: self.login,
            display_name: self.display_name,
            role,
            scope,
            mfa_enabled: self.totp_enabled,
            disabled: self.disabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        let credentials = Credentials {
            password_hash: self.password_hash,
            totp_secret: self.totp_secret,
            totp_last_step: self.totp_last_step,
            login_sealed: self.login_sealed,
        };
        (account, credentials)
    }
}

/// An account to create.
pub struct NewAccount<'a> {
    pub id: Uuid,
    /// As stored: a citizen's is a keyed digest (`services::logins`).
    pub login: &'a str,
    /// A citizen's login, sealed for this row.
    pub login_sealed: Option<&'a str>,
    /// Until when an account waits for its owner to prove the number (None: active).
    pub pending_until: Option<NaiveDateTime>,
    pub display_name: Option<&'a str>,
    pub password_hash: &'a str,
    pub role: Role,
    pub scope: Scope,
}

/// Creates an account; a login already in use is a 409.
pub fn insert(conn: &mut DbConnection, new: &NewAccount<'_>, now: NaiveDateTime) -> Result<Account, DbError> {
    let (authority_id, scope_scheme, scope_level, scope_code) = scope_columns(new.scope);
    let row = UserRow {
        id: Id(new.id),
        login: new.login.to_owned(),
        display_name: new.display_name.map(str::to_owned),
        password_hash: new.password_hash.to_owned(),
        role: new.role,
        authority_id,
        scope_scheme,
        scope_level,
        scope_code,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        disabled: false,
        created_at: now,
        updated_at: now,
        login_sealed: new.login_sealed.map(str::to_owned),
        pending_until: new.pending_until,
    };
    match diesel::insert_into(users::table).values(&row).execute(conn) {
        Ok(_) => Ok(row.into_domain().0),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Err(DbError::Duplicate),
        Err(e) => Err(e.into()),
    }
}

/// One account by id, with its credentials.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<(Account, Credentials)>, DbError> {
    Ok(users::table
        .select(UserRow::as_select())
        .filter(users::id.eq(Id(id)))
        .first::<UserRow>(conn)
        .optional()?
        .map(UserRow::into_domain))
}

/// One active account by any of the stored forms of a login (in clear for staff, a
/// keyed digest for citizens), with its credentials. A pending account is no account.
pub fn find_by_login(conn: &mut DbConnection, forms: &[String]) -> Result<Option<(Account, Credentials)>, DbError> {
    Ok(users::table
        .select(UserRow::as_select())
        .filter(users::login.eq_any(forms))
        .filter(users::pending_until.is_null())
        .order(users::created_at)
        .first::<UserRow>(conn)
        .optional()?
        .map(UserRow::into_domain))
}

/// Accounts ordered by login, after `after`, optionally of one role.
pub fn list(
    conn: &mut DbConnection,
    role: Option<Role>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Account>, DbError> {
    // A pending account is no account yet.
    let mut query = users::table.select(UserRow::as_select()).filter(users::pending_until.is_null()).into_boxed();
    if let Some(role) = role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(after) = after {
        query = query.filter(users::login.gt(after.to_owned()));
    }
    Ok(query
        .order(users::login)
        .limit(limit)
        .load::<UserRow>(conn)?
        .into_iter()
        .map(|row| row.into_domain().0)
        .collect())
}

/// Replaces the password hash.
pub fn set_password(conn: &mut DbConnection, id: Uuid, hash: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(users::table.find(Id(id)))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Stores a pending TOTP secret (not yet enabled).
pub fn set_pending_totp(conn: &mut DbConnection, id: Uuid, secret: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(users::table.find(Id(id)))
        .set((users::totp_secret.eq(secret), users::totp_enabled.eq(false), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Turns the pending TOTP secret on.
pub fn enable_totp(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(users::table.find(Id(id)))
        .set((users::totp_enabled.eq(true), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Removes an account's second factor: it must enrol again at its next sign-in.
pub fn clear_totp(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(users::table.find(Id(id)))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_enabled.eq(false),
            users::totp_last_step.eq(None::<i64>),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records `step` as the last accepted TOTP step, only if it is later than the one
/// stored: of two nodes accepting the same code at once, exactly one succeeds.
pub fn claim_totp_step(conn: &mut DbConnection, id: Uuid, step: i64) -> Result<bool, DbError> {
    let claimed = diesel::update(
        users::table
            .filter(users::id.eq(Id(id)))
            .filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Changes what an admin may change: name, role with scope, disabled.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    display_name: Option<&str>,
    role: Role,
    scope: Scope,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let (authority_id, scope_scheme, scope_level, scope_code) = scope_columns(scope);
    diesel::update(users::table.find(Id(id)))
        .set((
            users::display_name.eq(display_name),
            users::role.eq(role),
            users::authority_id.eq(authority_id),
            users::scope_scheme.eq(scope_scheme),
            users::scope_level.eq(scope_level),
            users::scope_code.eq(scope_code),
            users::disabled.eq(disabled),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of these accounts are citizens' (to show their actions as anonymous).
pub fn citizens_among(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::table
        .select(users::id)
        .filter(users::id.eq_any(ids.iter().copied().map(Id)))
        .filter(users::role.eq(Role::Citizen))
        .load(conn)?)
}

/// Citizens whose login is still stored in clear (accounts made before logins were
/// sealed): id and login.
pub fn citizens_with_clear_logins(
    conn: &mut DbConnection,
    digest_prefix: &str,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(users::table
        .select((users::id, users::login))
        .filter(users::role.eq(Role::Citizen))
        .filter(users::login.not_like(format!("{digest_prefix}%")))
        .load(conn)?)
}

/// Stores an account's login anew (as its digest, and sealed).
pub fn set_login(conn: &mut DbConnection, id: Uuid, login: &str, sealed: Option<&str>) -> Result<(), DbError> {
    diesel::update(users::table.filter(users::id.eq(Id(id))))
        .set((users::login.eq(login), users::login_sealed.eq(sealed)))
        .execute(conn)?;
    Ok(())
}

/// A pending account by any stored form of its login: its id and when it lapses.
pub fn find_pending(conn: &mut DbConnection, forms: &[String]) -> Result<Option<(Uuid, NaiveDateTime)>, DbError> {
    Ok(users::table
        .select((users::id, users::pending_until.assume_not_null()))
        .filter(users::login.eq_any(forms))
        .filter(users::pending_until.is_not_null())
        .first(conn)
        .optional()?)
}

/// Removes the pending accounts of a login (a new registration replaces them).
pub fn remove_pending(conn: &mut DbConnection, forms: &[String]) -> Result<usize, DbError> {
    Ok(diesel::delete(users::table.filter(users::login.eq_any(forms)).filter(users::pending_until.is_not_null()))
        .execute(conn)?)
}

/// Activates a pending account. Returns whether it was pending.
pub fn activate(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<bool, DbError> {
    let changed = diesel::update(users::table.filter(users::id.eq(Id(id))).filter(users::pending_until.is_not_null()))
        .set((users::pending_until.eq(None::<NaiveDateTime>), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Removes pending accounts that lapsed.
pub fn purge_lapsed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(users::table.filter(users::pending_until.le(now))).execute(conn)?)
}
