//! Trusted devices: the digests of device tokens, each for one account.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::column_types::Id;
use super::schema::trusted_devices;
use super::{DbConnection, DbError};

/// Whether a device token (its digest) was given to this account since `since`.
pub fn belongs(conn: &mut DbConnection, token_digest: &str, user: Uuid, since: NaiveDateTime) -> Result<bool, DbError> {
    let count: i64 = trusted_devices::table
        .filter(trusted_devices::token_digest.eq(token_digest))
        .filter(trusted_devices::user_id.eq(Id(user)))
        .filter(trusted_devices::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(count == 1)
}

/// Remembers a new device token for an account, forgets the one it replaces, and keeps
/// only the account's `keep` newest devices.
pub fn remember(
    conn: &mut DbConnection,
    user: Uuid,
    token_digest: &str,
    replaces: Option<&str>,
    keep: i64,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    if let Some(old) = replaces {
        diesel::delete(trusted_devices::table.filter(trusted_devices::token_digest.eq(old))).execute(conn)?;
    }
    diesel::insert_into(trusted_devices::table)
        .values((
            trusted_devices::token_digest.eq(token_digest),
            trusted_devices::user_id.eq(Id(user)),
            trusted_devices::created_at.eq(now),
        ))
        .execute(conn)?;
    let kept: Vec<String> = trusted_devices::table
        .select(trusted_devices::token_digest)
        .filter(trusted_devices::user_id.eq(Id(user)))
        .order(trusted_devices::created_at.desc())
        .limit(keep)
        .load(conn)?;
    diesel::delete(
        trusted_devices::table
            .filter(trusted_devices::user_id.eq(Id(user)))
            .filter(trusted_devices::token_digest.ne_all(kept)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets every device of an account (its password or second factor was reset).
pub fn forget_all(conn: &mut DbConnection, user: Uuid) -> Result<(), DbError> {
    diesel::delete(trusted_devices::table.filter(trusted_devices::user_id.eq(Id(user)))).execute(conn)?;
    Ok(())
}

/// Forgets devices not seen since `before`.
pub fn purge_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(trusted_devices::table.filter(trusted_devices::created_at.lt(before))).execute(conn)?)
}
