//! How long a conversation on one tip may grow: a reporter writes at most
//! [`REPORTER_MESSAGES_PER_HOUR`] messages an hour, a tip holds at most
//! [`MESSAGES_PER_TIP`] messages in all (staff's included), and every answer that embeds
//! messages, notes or history shows the newest [`EMBEDDED`], the rest being paged.
//! Without these, one receipt code could grow a case page without end.

use chrono::{NaiveDateTime, TimeDelta};

/// A reporter's messages on one tip per rolling hour.
pub const REPORTER_MESSAGES_PER_HOUR: usize = 10;
/// Messages on one tip, from both sides.
pub const MESSAGES_PER_TIP: i64 = 200;
/// Messages, notes or events an answer embeds; the rest are paged.
pub const EMBEDDED: i64 = 50;

/// Why a message is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The tip holds [`MESSAGES_PER_TIP`] messages.
    Full,
    /// The reporter wrote their hour's messages: wait this many seconds.
    TooMany { retry_after_secs: u64 },
}

/// The start of the rolling hour that ends at `now`.
pub fn hour_before(now: NaiveDateTime) -> NaiveDateTime {
    now - TimeDelta::hours(1)
}

/// Whether one more message may be added to a tip that holds `total` messages, of which
/// the reporter wrote those at `reporters_recent` (oldest first, within the last hour)
/// when `from_reporter`.
pub fn may_add(
    total: i64,
    reporters_recent: &[NaiveDateTime],
    from_reporter: bool,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    if total >= MESSAGES_PER_TIP {
        return Err(Refusal::Full);
    }
    if from_reporter && reporters_recent.len() >= REPORTER_MESSAGES_PER_HOUR {
        // The oldest of the hour's messages leaves the window first.
        let frees_at = reporters_recent[reporters_recent.len() - REPORTER_MESSAGES_PER_HOUR] + TimeDelta::hours(1);
        let wait = (frees_at - now).num_seconds().max(1);
        return Err(Refusal::TooMany { retry_after_secs: wait as u64 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).expect("valid").naive_utc()
    }

    #[test]
    fn a_reporter_writes_ten_an_hour_and_waits_for_the_oldest_to_leave_the_hour() {
        let recent: Vec<NaiveDateTime> = (0..10).map(|m| at(m * 3)).collect();
        assert_eq!(may_add(10, &recent[..9], true, at(30)), Ok(()));
        assert_eq!(may_add(10, &recent, true, at(30)), Err(Refusal::TooMany { retry_after_secs: 30 * 60 }));
        assert_eq!(may_add(10, &recent, false, at(30)), Ok(()), "staff are not rate-limited here");
    }

    #[test]
    fn a_full_conversation_takes_no_more_from_anyone() {
        assert_eq!(may_add(MESSAGES_PER_TIP, &[], false, at(0)), Err(Refusal::Full));
        assert_eq!(may_add(MESSAGES_PER_TIP, &[], true, at(0)), Err(Refusal::Full));
        assert_eq!(may_add(MESSAGES_PER_TIP - 1, &[], true, at(0)), Ok(()));
    }
}
