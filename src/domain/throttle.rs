//! Growing back-off after failed sign-ins. Pure arithmetic; the counts live in the
//! database so that they hold across tinbao instances.

use chrono::{NaiveDateTime, TimeDelta};

/// Failures allowed before the back-off starts.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait imposed after one failure.
pub const MAX_BACKOFF_SECS: i64 = 900;
/// Failures older than this are forgotten: the count starts again.
pub const DECAY_SECS: i64 = 3600;

/// A bucket's record: consecutive failures and when the last one happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_at: NaiveDateTime,
}

/// How long to wait after `count` consecutive failures: nothing for the first five, then
/// 1 s, 2 s, 4 s, … up to 15 minutes.
pub fn backoff_secs(count: u32) -> i64 {
    if count < FREE_FAILURES {
        return 0;
    }
    let exponent = (count - FREE_FAILURES).min(20);
    (1_i64 << exponent).min(MAX_BACKOFF_SECS)
}

/// The failures that still count at `now`.
pub fn current(failures: Option<Failures>, now: NaiveDateTime) -> u32 {
    match failures {
        Some(f) if now - f.last_at < TimeDelta::seconds(DECAY_SECS) => f.count,
        _ => 0,
    }
}

/// Seconds the caller must still wait at `now`, if any.
pub fn wait_secs(failures: Option<Failures>, now: NaiveDateTime) -> Option<i64> {
    let f = failures?;
    let count = current(Some(f), now);
    let until = f.last_at + TimeDelta::seconds(backoff_secs(count));
    let wait = (until - now).num_milliseconds();
    (wait > 0).then(|| (wait + 999) / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("valid").naive_utc()
    }

    #[test]
    fn back_off_starts_after_five_failures_and_doubles_up_to_fifteen_minutes() {
        let waits: Vec<i64> = (0..8).map(backoff_secs).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 1, 2, 4]);
        assert_eq!(backoff_secs(30), 900);
        assert_eq!(backoff_secs(u32::MAX), 900);
    }

    #[test]
    fn an_attacker_who_never_stops_gets_fewer_than_100_failures_an_hour() {
        // Try every second for an hour; a try counts only when no wait is imposed.
        let mut state: Option<Failures> = None;
        let mut failures = 0;
        for second in 0..3600 {
            let now = at(second);
            if wait_secs(state, now).is_none() {
                let count = current(state, now) + 1;
                state = Some(Failures { count, last_at: now });
                failures += 1;
            }
        }
        assert!(failures < 100, "{failures} failures in an hour");
        assert!(failures >= 5);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let state = Some(Failures { count: 12, last_at: at(0) });
        assert_eq!(wait_secs(state, at(10)), Some(118));
        assert_eq!(current(state, at(DECAY_SECS)), 0);
        assert_eq!(wait_secs(state, at(DECAY_SECS)), None);
    }
}
