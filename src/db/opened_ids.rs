//! A window of opening times as a range of case ids.
//!
//! A case's id is a UUIDv7 of the moment it was opened (intake draws it right after
//! reading the clock for `created_at`; sample cases are given one of their opening time),
//! and the text of a UUIDv7 sorts like its time. So "opened in `[from, to)`" is also a
//! range of ids, which the work list's `(scope, id)` indexes already hold in order: a
//! window then reads the scope's cases of that window, not every case of the scope
//! filtered by `created_at`. The bounds are widened by [`SLACK`] and `created_at` is still
//! compared exactly, so the range only narrows what is read and never decides alone.

use chrono::{Duration, NaiveDateTime};

/// How far apart a case's id's time and its `created_at` may be: two clock readings a few
/// microseconds apart at intake (or a millisecond, when the UUID generator's counter
/// carries into the time), the same instant for sample cases.
const SLACK: Duration = Duration::minutes(1);

/// An id no greater than that of any case opened at or after `at`.
pub fn lowest_opened_since(at: NaiveDateTime) -> String {
    time_prefix(at.checked_sub_signed(SLACK).unwrap_or(NaiveDateTime::MIN))
}

/// An id greater than that of any case opened before `at`.
pub fn above_opened_before(at: NaiveDateTime) -> String {
    time_prefix(at.checked_add_signed(SLACK).unwrap_or(NaiveDateTime::MAX))
}

/// The first 13 characters of the text of a UUIDv7 of `at`: its 48-bit millisecond time
/// in hexadecimal, with the hyphen after the eighth digit. Every UUIDv7 of that
/// millisecond starts with it (and sorts after it); every earlier one sorts before it.
/// Times outside the 48 bits are clamped to their ends.
fn time_prefix(at: NaiveDateTime) -> String {
    const MAX_MILLIS: i64 = (1 << 48) - 1;
    let millis = at.and_utc().timestamp_millis().clamp(0, MAX_MILLIS);
    format!("{:08x}-{:04x}", millis >> 16, millis & 0xffff)
}

#[cfg(test)]
mod tests {
    use uuid::{Timestamp, Uuid};

    use super::*;

    fn id_at(at: NaiveDateTime) -> String {
        let utc = at.and_utc();
        let seconds = u64::try_from(utc.timestamp()).unwrap();
        Uuid::new_v7(Timestamp::from_unix(uuid::NoContext, seconds, utc.timestamp_subsec_nanos())).to_string()
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn the_bounds_hold_every_id_of_the_window_and_none_far_outside() {
        let (from, to) = (at("2026-05-01 00:00:00"), at("2026-05-08 00:00:00"));
        let (low, high) = (lowest_opened_since(from), above_opened_before(to));
        for inside in
            ["2026-05-01 00:00:00", "2026-05-01 00:00:00.000999", "2026-05-04 12:00:00", "2026-05-07 23:59:59.999"]
        {
            let id = id_at(at(inside));
            assert!(low <= id && id < high, "{inside}: {low} <= {id} < {high}");
        }
        for outside in ["2026-04-30 23:58:59.999", "2026-05-08 00:01:00", "2025-05-04 12:00:00"] {
            let id = id_at(at(outside));
            assert!(id < low || id >= high, "{outside}: {id} outside {low}..{high}");
        }
    }

    #[test]
    fn a_prefix_is_a_uuids_time_and_clamps_at_its_ends() {
        let id = id_at(at("2026-05-01 00:00:00"));
        assert_eq!(time_prefix(at("2026-05-01 00:00:00")), id[..13]);
        assert_eq!(time_prefix(at("1969-12-31 23:59:59")), "00000000-0000");
        assert_eq!(time_prefix(NaiveDateTime::MAX), "ffffffff-ffff");
        assert_eq!(lowest_opened_since(NaiveDateTime::MIN), "00000000-0000");
    }
}
