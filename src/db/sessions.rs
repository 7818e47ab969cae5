//! Sessions and their refresh tokens. Each request checks its session here, so that
//! signing out, a password change or disabling an account takes effect at once.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbError;
use super::column_types::Id;
use super::schema::{refresh_tokens, sessions, users as users_table};
use super::{DbConnection, clients, users};
use crate::domain::account::{Account, SessionStage};
use crate::domain::client::Client;
use crate::domain::secrets;

/// How long a user's session may last in all, refreshes included.
pub const USER_SESSION_DAYS: i64 = 30;
/// How long one refresh token stays usable.
pub const REFRESH_TOKEN_DAYS: i64 = 14;

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub enum Holder {
    User(Account),
    Client(Client),
}

/// A session that is neither revoked, expired, nor held by a disabled account or a
/// revoked client.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub id: Uuid,
    pub stage: SessionStage,
    pub holder: Holder,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: Uuid,
    user_id: Option<Uuid>,
    client_id: Option<Uuid>,
    stage: SessionStage,
    expires_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
}

/// Opens a user session and its first refresh token (returned in clear, once).
pub fn open_for_user(
    conn: &mut DbConnection,
    user_id: Uuid,
    stage: SessionStage,
    now: NaiveDateTime,
) -> Result<(Uuid, String), DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(Id(id)),
            sessions::user_id.eq(Some(Id(user_id))),
            sessions::stage.eq(stage),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + TimeDelta::days(USER_SESSION_DAYS)),
        ))
        .execute(conn)?;
    let refresh = issue_refresh_token(conn, id, now)?;
    Ok((id, refresh))
}

/// Opens a client session that lasts as long as one access token.
pub fn open_for_client(
    conn: &mut DbConnection,
    client_id: Uuid,
    lifetime_secs: i64,
    now: NaiveDateTime,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(Id(id)),
            sessions::client_id.eq(Some(Id(client_id))),
            sessions::stage.eq(SessionStage::Full),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + TimeDelta::seconds(lifetime_secs)),
        ))
        .execute(conn)?;
    Ok(id)
}

fn issue_refresh_token(conn: &mut DbConnection, session: Uuid, now: NaiveDateTime) -> Result<String, DbError> {
    let token = secrets::generate("rt_");
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(secrets::digest(&token)),
            refresh_tokens::session_id.eq(Id(session)),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(now + TimeDelta::days(REFRESH_TOKEN_DAYS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What presenting a refresh token did.
#[derive(Debug)]
pub enum Refresh {
    /// The token was good: here is the session and its next refresh token.
    Rotated { session: ActiveSession, refresh_token: String },
    /// The token had been used already: its whole session is now revoked. The account
    /// it belonged to, for the audit trail.
    Reused { user_id: Option<Uuid> },
    /// Unknown, expired, or its session is over.
    Invalid,
}

/// Exchanges a refresh token for the next one. The token is marked used by a
/// conditional update, so of two concurrent uses exactly one wins.
pub fn rotate(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<Refresh, DbError> {
    let digest = secrets::digest(token);
    let row: Option<(Uuid, NaiveDateTime, Option<NaiveDateTime>)> = refresh_tokens::table
        .select((refresh_tokens::session_id, refresh_tokens::expires_at, refresh_tokens::used_at))
        .filter(refresh_tokens::token_hash.eq(&digest))
        .first(conn)
        .optional()?;
    let Some((session_id, expires_at, used_at)) = row else {
        return Ok(Refresh::Invalid);
    };
    let claimed = diesel::update(
        refresh_tokens::table.filter(refresh_tokens::token_hash.eq(&digest)).filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    if used_at.is_some() || claimed == 0 {
        revoke(conn, session_id, now)?;
        let user_id: Option<Uuid> = sessions::table
            .select(sessions::user_id)
            .filter(sessions::id.eq(Id(session_id)))
            .first::<Option<Uuid>>(conn)
            .optional()?
            .flatten();
        return Ok(Refresh::Reused { user_id });
    }
    if expires_at <= now {
        return Ok(Refresh::Invalid);
    }
    let Some(session) = active(conn, session_id, now)? else {
        return Ok(Refresh::Invalid);
    };
    let refresh_token = issue_refresh_token(conn, session_id, now)?;
    Ok(Refresh::Rotated { session, refresh_token })
}

/// Ends one session.
pub fn revoke(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(sessions::table.filter(sessions::id.eq(Id(id))).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of an account.
pub fn revoke_all_of_user(conn: &mut DbConnection, user_id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        sessions::table.filter(sessions::user_id.eq(Some(Id(user_id)))).filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of a client.
pub fn revoke_all_of_client(conn: &mut DbConnection, client_id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        sessions::table.filter(sessions::client_id.eq(Some(Id(client_id)))).filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// The session, if it is still good at `now`.
pub fn active(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<Option<ActiveSession>, DbError> {
    // The session and its user in one query: this runs before every signed request.
    let found = sessions::table
        .left_join(users_table::table.on(users_table::id.nullable().eq(sessions::user_id)))
        .select((SessionRow::as_select(), Option::<users::UserRow>::as_select()))
        .filter(sessions::id.eq(Id(id)))
        .first::<(SessionRow, Option<users::UserRow>)>(conn)
        .optional()?;
    match found {
        Some((row, user)) => holding(conn, row, user, now),
        None => Ok(None),
    }
}

/// A browser's session as its cookie finds it.
pub struct CookieSession {
    pub id: Uuid,
    /// The time of its last request (none for a session that no browser holds).
    pub last_seen_at: Option<NaiveDateTime>,
    /// The session, when it is active (as [`active`] says).
    pub active: Option<ActiveSession>,
}

/// The session whose cookie has this digest: the session and its user in one query,
/// since this runs before every console page.
pub fn by_cookie_digest(
    conn: &mut DbConnection,
    digest: &str,
    now: NaiveDateTime,
) -> Result<Option<CookieSession>, DbError> {
    let found = sessions::table
        .left_join(users_table::table.on(users_table::id.nullable().eq(sessions::user_id)))
        .select((sessions::last_seen_at, SessionRow::as_select(), Option::<users::UserRow>::as_select()))
        .filter(sessions::cookie_hash.eq(digest))
        .first::<(Option<NaiveDateTime>, SessionRow, Option<users::UserRow>)>(conn)
        .optional()?;
    let Some((last_seen, row, user)) = found else { return Ok(None) };
    let id = row.id;
    Ok(Some(CookieSession { id, last_seen_at: last_seen, active: holding(conn, row, user, now)? }))
}

/// The session of `row` (with its user, when a user holds it) if it is active at `now`:
/// neither revoked nor expired, and its holder neither disabled nor revoked.
fn holding(
    conn: &mut DbConnection,
    row: SessionRow,
    user: Option<users::UserRow>,
    now: NaiveDateTime,
) -> Result<Option<ActiveSession>, DbError> {
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(None);
    }
    let holder = match (user, row.client_id) {
        (Some(user), None) => match user.into_domain() {
            (account, _) if !account.disabled => Holder::User(account),
            _ => return Ok(None),
        },
        (None, Some(client)) if row.user_id.is_none() => match clients::find(conn, client)? {
            Some((client, _)) if !client.revoked => Holder::Client(client),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(ActiveSession { id: row.id, stage: row.stage, holder }))
}
