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
use uuid::Uuid;

/// How far apart a case's id's time and its `created_at` may be: two clock readings a few
/// microseconds apart at intake (or a millisecond, when the UUID generator's counter
/// carries into the time), the same instant for sample cases.
const SLACK: Duration = Duration::minutes(1);

/// An id no greater than that of any case opened at or after `at`.
pub fn lowest_opened_since(at: NaiveDateTime) -> Uuid {
    first_id_of(at.checked_sub_signed(SLACK).unwrap_or(NaiveDateTime::MIN))
}

/// An id greater than that of any case opened before `at`.
pub fn above_opened_before(at: NaiveDateTime) -> Uuid {
    first_id_of(at.checked_add_signed(SLACK).unwrap_or(NaiveDateTime::MAX))
}

/// The UUID whose first 48 bits are `at`'s millisecond and whose other bits are zero: it
/// sorts (as a value and as text) at or before every UUIDv7 of that millisecond, whose
/// version bits are not zero, and after every UUIDv7 of an earlier one. Times outside the
/// 48 bits are clamped to their ends.
fn first_id_of(at: NaiveDateTime) -> Uuid {
    const MAX_MILLIS: i64 = (1 << 48) - 1;
    let millis = at.and_utc().timestamp_millis().clamp(0, MAX_MILLIS);
    Uuid::from_u128(u128::from(millis.unsigned_abs()) << 80)
}

#[cfg(test)]
mod tests {
    use uuid::Timestamp;

    use super::*;

    fn id_at(at: NaiveDateTime) -> Uuid {
        let utc = at.and_utc();
        let seconds = u64::try_from(utc.timestamp()).unwrap();
        Uuid::new_v7(Timestamp::from_unix(uuid::NoContext, seconds, utc.timestamp_subsec_nanos()))
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
            // The database compares the text: it must sort the same way.
            assert!(low.to_string() <= id.to_string() && id.to_string() < high.to_string());
        }
        for outside in ["2026-04-30 23:58:59.999", "2026-05-08 00:01:00", "2025-05-04 12:00:00"] {
            let id = id_at(at(outside));
            assert!(id < low || id >= high, "{outside}: {id} outside {low}..{high}");
            assert!(id.to_string() < low.to_string() || id.to_string() >= high.to_string());
        }
    }

    #[test]
    fn a_bound_is_a_uuids_time_and_clamps_at_its_ends() {
        let id = id_at(at("2026-05-01 00:00:00")).to_string();
        let first = first_id_of(at("2026-05-01 00:00:00")).to_string();
        assert_eq!((&first[..13], &first[13..]), (&id[..13], "-0000-0000-000000000000"));
        assert_eq!(first_id_of(at("1969-12-31 23:59:59")), Uuid::nil());
        assert_eq!(first_id_of(NaiveDateTime::MAX).to_string(), "ffffffff-ffff-0000-0000-000000000000");
        assert_eq!(lowest_opened_since(NaiveDateTime::MIN), Uuid::nil());
    }
}
