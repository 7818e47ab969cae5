//! Failed sign-in counts, per bucket, shared by every tinbao instance.
//!
//! An attempt takes its place in its buckets *before* its password or code is checked,
//! in one transaction with the buckets' rows locked (PostgreSQL: `FOR UPDATE`; SQLite:
//! the transaction's write lock), and is counted as a failure then; a success clears the
//! account's bucket afterwards. So concurrent attempts cannot all pass a check made
//! before any of them has failed: of 200 at once, the free five are verified and the rest
//! wait out the back-off, on one instance or several.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::DbError;
use super::schema::login_throttle;
use crate::domain::throttle::{FREE_FAILURES, Failures, current, wait_secs};

/// What taking an attempt's place did.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// A bucket is backing off: wait this many seconds; nothing was counted.
    Refused { wait_secs: i64 },
    /// Counted as a failure in every bucket, to be checked now. `backing_off`: the
    /// buckets this attempt's count makes back off from now on (for the audit trail).
    Counted { backing_off: Vec<String>, taken: Taken },
}

/// What a counted attempt changed, so that [`forgive`] can take it back exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    at: NaiveDateTime,
    /// Each bucket's last failure before this attempt.
    before: Vec<(String, NaiveDateTime)>,
}

/// Takes an attempt's place in each of `buckets`, refused while one of them is backing
/// off, else counted as a failure in every bucket already. Call it in a transaction.
pub fn claim(conn: &mut DbConnection, buckets: &[String], now: NaiveDateTime) -> Result<Claim, DbError> {
    let mut buckets = buckets.to_vec();
    // One order for every attempt, so that two attempts sharing buckets never wait on
    // each other's locks in a circle.
    buckets.sort();
    buckets.dedup();
    for bucket in &buckets {
        insert_if_missing(conn, bucket, now)?;
    }
    let rows = locked(conn, &buckets)?;
    let wait = rows.iter().filter_map(|(_, failures)| wait_secs(Some(*failures), now)).max();
    if let Some(wait_secs) = wait {
        return Ok(Claim::Refused { wait_secs });
    }
    let mut backing_off = Vec::new();
    let before = rows.iter().map(|(bucket, failures)| (bucket.clone(), failures.last_at)).collect();
    for (bucket, failures) in rows {
        let count = current(Some(failures), now).saturating_add(1);
        diesel::update(login_throttle::table.find(&bucket))
            .set((
                login_throttle::failures.eq(count.min(i32::MAX as u32) as i32),
                login_throttle::last_failure_at.eq(now),
            ))
            .execute(conn)?;
        if count == FREE_FAILURES {
            backing_off.push(bucket);
        }
    }
    Ok(Claim::Counted { backing_off, taken: Taken { at: now, before } })
}

/// A new bucket with no failures; nothing when it exists (in a savepoint: on PostgreSQL
/// a refused insert would abort the transaction).
fn insert_if_missing(conn: &mut DbConnection, bucket: &str, now: NaiveDateTime) -> Result<(), DbError> {
    let inserted = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::bucket.eq(bucket),
                login_throttle::failures.eq(0),
                login_throttle::last_failure_at.eq(now),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// The buckets' records, locked until the transaction ends.
fn locked(conn: &mut DbConnection, buckets: &[String]) -> Result<Vec<(String, Failures)>, DbError> {
    let query = login_throttle::table
        .select((login_throttle::bucket, login_throttle::failures, login_throttle::last_failure_at))
        .filter(login_throttle::bucket.eq_any(buckets))
        .order(login_throttle::bucket);
    let rows: Vec<(String, i32, NaiveDateTime)> = match conn {
        DbConnection::Postgres(pg) => query.for_update().load(pg)?,
        DbConnection::Sqlite(_) => query.load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(bucket, count, last_at)| (bucket, Failures { count: count.max(0) as u32, last_at }))
        .collect())
}

/// Forgets a bucket's failures (after a successful sign-in).
pub fn clear(conn: &mut DbConnection, bucket: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(bucket)).execute(conn)?;
    Ok(())
}

/// Takes back the failure a counted attempt added to `bucket`, without forgetting the
/// others: for the address bucket of a successful sign-in (clearing it would let anyone
/// reset their address's count by signing in to an account of their own in between).
/// The bucket's last failure goes back to what it was too, unless another attempt has
/// counted since: a success must not restart a back-off for whoever signs in next.
pub fn forgive(conn: &mut DbConnection, taken: &Taken, bucket: &str) -> Result<(), DbError> {
    let Some((_, before)) = taken.before.iter().find(|(b, _)| b == bucket) else { return Ok(()) };
    let counted = login_throttle::table.find(bucket).filter(login_throttle::failures.gt(0));
    let restored = diesel::update(counted.filter(login_throttle::last_failure_at.eq(taken.at)))
        .set((login_throttle::failures.eq(login_throttle::failures - 1), login_throttle::last_failure_at.eq(*before)))
        .execute(conn)?;
    if restored == 0 {
        diesel::update(counted).set(login_throttle::failures.eq(login_throttle::failures - 1)).execute(conn)?;
    }
    Ok(())
}

/// Forgets buckets whose last failure is older than `before` (their count no longer
/// counts); returns how many went.
pub fn purge_stale(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(login_throttle::table.filter(login_throttle::last_failure_at.lt(before))).execute(conn)?)
}
