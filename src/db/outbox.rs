//! The durable queue of outgoing messages (SMS now; webhooks will use it too): written in
//! the transaction of the change that causes a message, claimed by a worker for a lease,
//! deleted once sent. PostgreSQL lets several instances' workers claim at once
//! (`FOR UPDATE SKIP LOCKED`); SQLite has one writer anyway.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::column_types::Id;
use super::schema::{outbox, sms_quota};
use super::{DbConnection, DbError};

/// A message waiting to be sent.
#[derive(Debug, Clone, Queryable)]
pub struct Queued {
    pub id: Uuid,
    pub channel: String,
    pub payload_sealed: String,
    pub attempts: i32,
}

/// Queues a message, due at once.
pub fn enqueue(
    conn: &mut DbConnection,
    id: Uuid,
    channel: &str,
    payload_sealed: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(Id(id)),
            outbox::channel.eq(channel),
            outbox::payload_sealed.eq(payload_sealed),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims up to `limit` due messages for `lease_until`: no other worker takes them
/// before then. A worker that dies leaves them to be claimed again after the lease.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Queued>, DbError> {
    let due = outbox::table
        .select(outbox::id)
        .filter(outbox::next_attempt_at.le(now))
        .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now)))
        .order(outbox::id)
        .limit(limit);
    let ids: Vec<Uuid> = match conn {
        DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(_) => due.load(conn)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Id> = ids.into_iter().map(Id).collect();
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids.clone())))
        .set(outbox::claimed_until.eq(Some(lease_until)))
        .execute(conn)?;
    Ok(outbox::table
        .select((outbox::id, outbox::channel, outbox::payload_sealed, outbox::attempts))
        .filter(outbox::id.eq_any(ids))
        .order(outbox::id)
        .load(conn)?)
}

/// A message was sent: it goes.
pub fn delivered(conn: &mut DbConnection, id: Uuid) -> Result<(), DbError> {
    diesel::delete(outbox::table.filter(outbox::id.eq(Id(id)))).execute(conn)?;
    Ok(())
}

/// A send failed: tried again at `next_attempt_at`.
pub fn failed(conn: &mut DbConnection, id: Uuid, attempts: i32, next_attempt_at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(outbox::table.filter(outbox::id.eq(Id(id))))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many SMS a number (its keyed digest) was sent since `since`.
pub fn sms_sent_since(conn: &mut DbConnection, number_digest: &str, since: NaiveDateTime) -> Result<i64, DbError> {
    Ok(sms_quota::table
        .filter(sms_quota::number_digest.eq(number_digest))
        .filter(sms_quota::sent_at.ge(since))
        .count()
        .get_result(conn)?)
}

/// Counts one SMS to a number.
pub fn count_sms(conn: &mut DbConnection, number_digest: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::insert_into(sms_quota::table)
        .values((sms_quota::number_digest.eq(number_digest), sms_quota::sent_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Forgets SMS counts older than `before`.
pub fn purge_sms_counts(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(sms_quota::table.filter(sms_quota::sent_at.lt(before))).execute(conn)?)
}
