//! Failed sign-in counts, per bucket, shared by every tinbao instance.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::DbError;
use super::schema::login_throttle;
use crate::domain::throttle::{Failures, current};

/// The bucket's record, if any.
pub fn get(conn: &mut DbConnection, bucket: &str) -> Result<Option<Failures>, DbError> {
    let row: Option<(i32, NaiveDateTime)> = login_throttle::table
        .select((login_throttle::failures, login_throttle::last_failure_at))
        .filter(login_throttle::bucket.eq(bucket))
        .first(conn)
        .optional()?;
    Ok(row.map(|(count, last_at)| Failures { count: count.max(0) as u32, last_at }))
}

/// Counts one more failure.
pub fn record_failure(conn: &mut DbConnection, bucket: &str, now: NaiveDateTime) -> Result<(), DbError> {
    let count = current(get(conn, bucket)?, now).saturating_add(1).min(i32::MAX as u32) as i32;
    let updated = diesel::update(login_throttle::table.find(bucket))
        .set((login_throttle::failures.eq(count), login_throttle::last_failure_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        // In a savepoint: on PostgreSQL a failed statement would abort the transaction.
        let inserted = conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::insert_into(login_throttle::table)
                .values((
                    login_throttle::bucket.eq(bucket),
                    login_throttle::failures.eq(count),
                    login_throttle::last_failure_at.eq(now),
                ))
                .execute(conn)
        });
        // Another instance inserted the same bucket a moment ago: count on its row.
        if inserted.is_err() {
            diesel::update(login_throttle::table.find(bucket))
                .set((
                    login_throttle::failures.eq(login_throttle::failures + 1),
                    login_throttle::last_failure_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Forgets a bucket's failures (after a successful sign-in).
pub fn clear(conn: &mut DbConnection, bucket: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(bucket)).execute(conn)?;
    Ok(())
}
