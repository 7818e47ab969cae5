//! The time, as tinbao stores it.

use chrono::{NaiveDateTime, Timelike};

/// Now, in UTC, truncated to microseconds: both databases store that precision, so a
/// value read back equals the value written.
pub fn now() -> NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond((now.nanosecond() / 1_000) * 1_000).unwrap_or(now)
}
