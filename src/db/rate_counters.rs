//! Counters of the shared abuse limits: one row per bucket and window, incremented by
//! one upsert that returns the new count (atomic on both backends, so two instances
//! counting at once never both see room for one).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::schema::rate_counters;
use super::{DbConnection, DbError, on_backend};

/// Adds one to a bucket's count in a window; returns the count with it.
pub fn add_one(conn: &mut DbConnection, bucket: &str, window_start: NaiveDateTime) -> Result<i32, DbError> {
    // `MultiConnection` cannot express an upsert: the same statement on each backend.
    Ok(on_backend!(conn, |c| diesel::insert_into(rate_counters::table)
        .values((
            rate_counters::bucket.eq(bucket),
            rate_counters::window_start.eq(window_start),
            rate_counters::count.eq(1),
        ))
        .on_conflict((rate_counters::bucket, rate_counters::window_start))
        .do_update()
        .set(rate_counters::count.eq(rate_counters::count + excluded(rate_counters::count)))
        .returning(rate_counters::count)
        .get_result(c))?)
}

/// Forgets windows that began before `before`.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(rate_counters::table.filter(rate_counters::window_start.lt(before))).execute(conn)?)
}
