//! One-time codes sent by SMS (activating a pending account, resetting a password): one
//! per account and purpose, stored as a keyed digest, with a number of tries and an
//! expiry. A try is taken atomically before the code is compared, so concurrent guesses
//! get no more tries than the code allows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::column_types::Id;
use super::schema::one_time_codes;
use super::{DbConnection, DbError};

/// Sets an account's code for a purpose, replacing an earlier one.
pub fn put(
    conn: &mut DbConnection,
    user: Uuid,
    purpose: &str,
    code_digest: &str,
    tries: i32,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    forget(conn, user, purpose)?;
    diesel::insert_into(one_time_codes::table)
        .values((
            one_time_codes::user_id.eq(Id(user)),
            one_time_codes::purpose.eq(purpose),
            one_time_codes::code_digest.eq(code_digest),
            one_time_codes::tries_left.eq(tries),
            one_time_codes::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes one try of an account's live code: its digest, or None when there is no code,
/// it expired, or its tries are spent.
pub fn take_try(
    conn: &mut DbConnection,
    user: Uuid,
    purpose: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, DbError> {
    Ok(diesel::update(
        one_time_codes::table
            .filter(one_time_codes::user_id.eq(Id(user)))
            .filter(one_time_codes::purpose.eq(purpose))
            .filter(one_time_codes::tries_left.gt(0))
            .filter(one_time_codes::expires_at.gt(now)),
    )
    .set(one_time_codes::tries_left.eq(one_time_codes::tries_left - 1))
    .returning(one_time_codes::code_digest)
    .get_result(conn)
    .optional()?)
}

/// Forgets an account's code for a purpose (used, or replaced).
pub fn forget(conn: &mut DbConnection, user: Uuid, purpose: &str) -> Result<(), DbError> {
    diesel::delete(
        one_time_codes::table.filter(one_time_codes::user_id.eq(Id(user))).filter(one_time_codes::purpose.eq(purpose)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets expired codes.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(one_time_codes::table.filter(one_time_codes::expires_at.le(now))).execute(conn)?)
}
