//! `Idempotency-Key`: the first answer to a request, kept so that a retry gets it again,
//! on any tinbao instance and after a restart.
//!
//! A key is claimed and answered in the transaction that files the tip: a crash leaves
//! either the tip and its answer, or neither, so no retry can file a second tip and no
//! key stays locked by a request that died. While the first request's transaction runs,
//! a second one with the same key waits at the claim (PostgreSQL: on the unique index;
//! SQLite: for the write lock), then reads the answer the first committed.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::DbConnection;
use super::DbError;
use super::schema::idempotency_keys;

/// How long a key's answer is kept: a client retries within minutes, and the record of
/// an anonymous tip's key is one more thing linking requests, so it goes after a day.
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);

/// (request digest, state, sealed answer, when it was claimed)
type StoredKey = (String, String, Option<String>, NaiveDateTime);

/// What a key says about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// New (or expired): this request runs, and its answer goes with its tip.
    Claimed,
    /// The same key with another body.
    Mismatch,
    /// Done before: this is the answer.
    Done { sealed: String },
}

/// What the key holds now, read outside any transaction: an answer to replay at once, a
/// mismatch, or nothing yet (`Claimed`: the request may go on to [`claim`]).
pub fn peek(conn: &mut DbConnection, key_hash: &str, request_hash: &str, now: NaiveDateTime) -> Result<Claim, DbError> {
    Ok(match stored(conn, key_hash)? {
        Some(row) => judge(row, request_hash, now).unwrap_or(Claim::Claimed),
        None => Claim::Claimed,
    })
}

/// Claims `key_hash` for a request whose body digests to `request_hash`, inside the
/// transaction that will file the tip (call [`answer`] in it too).
pub fn claim(
    conn: &mut DbConnection,
    key_hash: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> Result<Claim, DbError> {
    // A savepoint: a refused insert must not abort the transaction it runs in.
    let inserted = conn.transaction::<_, DieselError, _>(|conn| {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::key_hash.eq(key_hash),
                idempotency_keys::request_hash.eq(request_hash),
                idempotency_keys::state.eq("running"),
                idempotency_keys::created_at.eq(now),
                idempotency_keys::updated_at.eq(now),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => return Ok(Claim::Claimed),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(other) => return Err(other.into()),
    }
    let row = stored(conn, key_hash)?.ok_or_else(|| DbError::broken("a key refused as taken is not there"))?;
    if let Some(judged) = judge(row, request_hash, now) {
        return Ok(judged);
    }
    // Expired, or a claim left by a version that claimed outside the tip's transaction:
    // nothing answers it any more, so this request takes it over.
    diesel::update(idempotency_keys::table.find(key_hash))
        .set((
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::state.eq("running"),
            idempotency_keys::response_sealed.eq(None::<String>),
            idempotency_keys::created_at.eq(now),
            idempotency_keys::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Claim::Claimed)
}

/// Stores the answer of a claimed key, in the claim's transaction.
pub fn answer(conn: &mut DbConnection, key_hash: &str, sealed: &str, now: NaiveDateTime) -> Result<(), DbError> {
    let updated = diesel::update(idempotency_keys::table.find(key_hash))
        .set((
            idempotency_keys::state.eq("done"),
            idempotency_keys::response_sealed.eq(sealed),
            idempotency_keys::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated != 1 {
        return Err(DbError::broken("an answered key was not claimed"));
    }
    Ok(())
}

/// Forgets keys older than [`KEPT_FOR`] (the periodic sweep), in batches; returns how
/// many went.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(now - KEPT_FOR))).execute(conn)?)
}

fn stored(conn: &mut DbConnection, key_hash: &str) -> Result<Option<StoredKey>, DbError> {
    Ok(idempotency_keys::table
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::state,
            idempotency_keys::response_sealed,
            idempotency_keys::created_at,
        ))
        .filter(idempotency_keys::key_hash.eq(key_hash))
        .first(conn)
        .optional()?)
}

/// What a stored key means for a request; `None` when it no longer counts (expired, or
/// a claim without an answer, which no transaction of this version leaves behind).
fn judge(row: StoredKey, request_hash: &str, now: NaiveDateTime) -> Option<Claim> {
    let (stored_hash, state, sealed, created_at) = row;
    if now - created_at >= KEPT_FOR {
        return None;
    }
    match (state.as_str(), sealed) {
        ("done", Some(_)) if stored_hash != request_hash => Some(Claim::Mismatch),
        ("done", Some(sealed)) => Some(Claim::Done { sealed }),
        _ => None,
    }
}
