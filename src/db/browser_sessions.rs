//! The staff console's sessions: rows of `sessions` held by a browser cookie (its digest
//! in `cookie_hash`), with the time of the last request (`last_seen_at`) for the idle
//! limit; and the sign-ins waiting for their authenticator code (`console_sign_ins`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::column_types::Id;
use super::schema::{console_sign_ins, sessions};
use super::sessions::{ActiveSession, CookieSession, by_cookie_digest};
use super::{DbConnection, DbError};
use crate::domain::account::SessionStage;
use crate::domain::secrets;

/// One of an account's sessions, as its owner sees them.
#[derive(Debug, Clone)]
pub struct SessionSummary {
    pub id: Uuid,
    /// Held by a browser (the console), or by an API client's tokens.
    pub browser: bool,
    pub created_at: NaiveDateTime,
    pub last_seen_at: Option<NaiveDateTime>,
    pub expires_at: NaiveDateTime,
}

/// Opens a browser session ending at `expires_at`; returns its id and the cookie's value
/// (in clear, once).
pub fn open(
    conn: &mut DbConnection,
    user_id: Uuid,
    stage: SessionStage,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(Uuid, String), DbError> {
    let id = Uuid::now_v7();
    let token = secrets::generate("cs_");
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(Id(id)),
            sessions::user_id.eq(Some(Id(user_id))),
            sessions::stage.eq(stage),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::cookie_hash.eq(Some(secrets::digest(&token))),
            sessions::last_seen_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok((id, token))
}

/// The session a cookie holds, if it is good at `now` and was used after `idle_since`.
/// Its last use becomes `now` when it is older than `touch_before` (one write a minute,
/// not one per request).
pub fn by_cookie(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
    touch_before: NaiveDateTime,
) -> Result<Option<ActiveSession>, DbError> {
    let found = by_cookie_digest(conn, &secrets::digest(token), now)?;
    let Some(CookieSession { id, last_seen_at: Some(last_seen), active: session }) = found else {
        return Ok(None);
    };
    if last_seen <= idle_since {
        return Ok(None);
    }
    if session.is_some() && last_seen < touch_before {
        diesel::update(sessions::table.filter(sessions::id.eq(Id(id))))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(session)
}

/// Raises a session to `stage` (a new officer who has just enrolled the second factor).
pub fn set_stage(conn: &mut DbConnection, id: Uuid, stage: SessionStage) -> Result<(), DbError> {
    diesel::update(sessions::table.filter(sessions::id.eq(Id(id)))).set(sessions::stage.eq(stage)).execute(conn)?;
    Ok(())
}

/// The account's sessions still open at `now`: browser sessions used after `idle_since`,
/// and the API's sessions. Newest first.
pub fn of_user(
    conn: &mut DbConnection,
    user_id: Uuid,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> Result<Vec<SessionSummary>, DbError> {
    /// id, cookie digest, created, last seen, expires.
    type Row = (Uuid, Option<String>, NaiveDateTime, Option<NaiveDateTime>, NaiveDateTime);
    let rows: Vec<Row> = sessions::table
        .select((
            sessions::id,
            sessions::cookie_hash,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::expires_at,
        ))
        .filter(sessions::user_id.eq(Some(Id(user_id))))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order(sessions::created_at.desc())
        .limit(100)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, cookie, created_at, last_seen_at, expires_at)| SessionSummary {
            id,
            browser: cookie.is_some(),
            created_at,
            last_seen_at,
            expires_at,
        })
        .filter(|s| !s.browser || s.last_seen_at.is_some_and(|seen| seen > idle_since))
        .collect())
}

/// Remembers that `user_id` gave the right password; returns the cookie's value that
/// carries the sign-in to its code.
pub fn begin_sign_in(
    conn: &mut DbConnection,
    user_id: Uuid,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<String, DbError> {
    let token = secrets::generate("si_");
    diesel::insert_into(console_sign_ins::table)
        .values((
            console_sign_ins::token_hash.eq(secrets::digest(&token)),
            console_sign_ins::user_id.eq(Id(user_id)),
            console_sign_ins::created_at.eq(now),
            console_sign_ins::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The account whose password a waiting sign-in proved, while it lasts.
pub fn waiting_sign_in(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<Option<Uuid>, DbError> {
    Ok(console_sign_ins::table
        .select(console_sign_ins::user_id)
        .filter(console_sign_ins::token_hash.eq(secrets::digest(token)))
        .filter(console_sign_ins::expires_at.gt(now))
        .first::<Uuid>(conn)
        .optional()?)
}

/// Ends a waiting sign-in; whether it was still there (of two code posts, one wins).
pub fn end_sign_in(conn: &mut DbConnection, token: &str) -> Result<bool, DbError> {
    let deleted =
        diesel::delete(console_sign_ins::table.filter(console_sign_ins::token_hash.eq(secrets::digest(token))))
            .execute(conn)?;
    Ok(deleted > 0)
}

/// Forgets the sign-ins whose time ran out.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(console_sign_ins::table.filter(console_sign_ins::expires_at.le(now))).execute(conn)?)
}
