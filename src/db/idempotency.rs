//! `Idempotency-Key`: the first answer to a request, kept so that a retry gets it again,
//! on any tinbao instance and after a restart.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::DbConnection;
use super::DbError;
use super::schema::idempotency_keys;

/// A request still running after this long is taken to have died with its instance.
const ABANDONED_AFTER: TimeDelta = TimeDelta::seconds(60);

/// (request digest, state, sealed answer, last update)
type StoredKey = (String, String, Option<String>, NaiveDateTime);

/// What the key says about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Reservation {
    /// New: this request runs.
    Reserved,
    /// The same key is running now, in another request.
    Running,
    /// The same key with another body.
    Mismatch,
    /// Done before: this is the answer.
    Done { sealed: String },
}

/// Reserves `key_hash` for a request whose body digests to `request_hash`.
pub fn reserve(
    conn: &mut DbConnection,
    key_hash: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> Result<Reservation, DbError> {
    let inserted = conn.transaction::<_, diesel::result::Error, _>(|conn| {
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
    if inserted.is_ok() {
        return Ok(Reservation::Reserved);
    }
    let row: Option<StoredKey> = idempotency_keys::table
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::state,
            idempotency_keys::response_sealed,
            idempotency_keys::updated_at,
        ))
        .filter(idempotency_keys::key_hash.eq(key_hash))
        .first(conn)
        .optional()?;
    let Some((stored_hash, state, sealed, updated_at)) = row else {
        // Released between our insert and this read: the caller may simply retry.
        return Ok(Reservation::Running);
    };
    if stored_hash != request_hash {
        return Ok(Reservation::Mismatch);
    }
    match (state.as_str(), sealed) {
        ("done", Some(sealed)) => Ok(Reservation::Done { sealed }),
        _ if now - updated_at > ABANDONED_AFTER => {
            let taken = diesel::update(
                idempotency_keys::table
                    .filter(idempotency_keys::key_hash.eq(key_hash))
                    .filter(idempotency_keys::updated_at.eq(updated_at)),
            )
            .set(idempotency_keys::updated_at.eq(now))
            .execute(conn)?;
            Ok(if taken == 1 { Reservation::Reserved } else { Reservation::Running })
        }
        _ => Ok(Reservation::Running),
    }
}

/// Stores the answer. (`response_status` is no longer written: every stored answer is
/// a received tip, and the face that replays it knows its status.)
pub fn complete(conn: &mut DbConnection, key_hash: &str, sealed: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(idempotency_keys::table.find(key_hash))
        .set((
            idempotency_keys::state.eq("done"),
            idempotency_keys::response_sealed.eq(sealed),
            idempotency_keys::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a reservation whose request failed, so that it can be retried.
pub fn release(conn: &mut DbConnection, key_hash: &str) -> Result<(), DbError> {
    diesel::delete(idempotency_keys::table.find(key_hash).filter(idempotency_keys::state.eq("running")))
        .execute(conn)?;
    Ok(())
}
