//! Abuse limits that every instance shares (issue 14, point 6): counted in the database,
//! so two instances give the same limit as one. Fixed windows (the clock's hour or
//! minute): at a window's edge a caller may get up to twice the allowance in a short
//! while, which bounds a flood as well as a sliding window would, for one upsert per
//! request. The per-instance `governor` limiters stay in front as a cheap first gate.

use chrono::{DurationRound, NaiveDateTime, TimeDelta};

use crate::clock::now;
use crate::db::{DbConnection, rate_counters};
use crate::error::ServiceError;
pub use crate::limits::Rates;
use crate::state::AppState;

/// What a request is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    AddressReports,
    AccountReports,
    OfficialReports,
    ClientReports,
    Messages,
    Registrations,
    Tracking,
}

impl Counted {
    fn name(self) -> &'static str {
        match self {
            Counted::AddressReports => "reports-by-address",
            Counted::AccountReports => "reports-by-account",
            Counted::OfficialReports => "reports-by-official",
            Counted::ClientReports => "reports-by-client",
            Counted::Messages => "messages",
            Counted::Registrations => "registrations",
            Counted::Tracking => "tracking",
        }
    }

    fn window(self) -> TimeDelta {
        match self {
            Counted::Tracking => TimeDelta::minutes(1),
            _ => TimeDelta::hours(1),
        }
    }

    fn allowance(self, rates: &Rates) -> u32 {
        match self {
            Counted::AddressReports => rates.anon_reports,
            Counted::AccountReports => rates.account_reports,
            Counted::OfficialReports => rates.official_reports,
            Counted::ClientReports => rates.client_reports,
            Counted::Messages => rates.messages,
            Counted::Registrations => rates.registrations,
            Counted::Tracking => rates.tracking,
        }
    }
}

/// Who a request is counted for: an address (as `limits::subscriber` groups it), an
/// account or a client id. Stored only as a keyed digest.
pub struct Counter {
    pub counted: Counted,
    pub who: String,
}

impl Counter {
    pub fn address(counted: Counted, address: std::net::IpAddr) -> Counter {
        Counter { counted, who: crate::limits::subscriber(address).to_string() }
    }

    pub fn id(counted: Counted, id: uuid::Uuid) -> Counter {
        Counter { counted, who: id.to_string() }
    }
}

/// Counts a request in each of its counters, or refuses it with 429 and the seconds to
/// the end of the window that is full. One short transaction of its own: a refused or
/// failed request was still a request.
pub async fn admit(state: &AppState, counters: Vec<Counter>) -> Result<(), ServiceError> {
    if counters.is_empty() {
        return Ok(());
    }
    let (key, rates) = (state.index_key.clone(), state.rates);
    state
        .db
        .transaction(move |conn| {
            let now = now();
            let mut wait: Option<i64> = None;
            for counter in &counters {
                let bucket = key.bucket(counter.counted.name(), &counter.who);
                if let Some(secs) = count(conn, &bucket, counter.counted, &rates, now)? {
                    wait = Some(wait.map_or(secs, |w| w.max(secs)));
                }
            }
            match wait {
                Some(secs) => Err(ServiceError::too_many_requests(secs.max(1) as u64)),
                None => Ok(()),
            }
        })
        .await
}

/// Adds one to a counter's window; the seconds left in it when it is over the allowance.
fn count(
    conn: &mut DbConnection,
    bucket: &str,
    counted: Counted,
    rates: &Rates,
    now: NaiveDateTime,
) -> Result<Option<i64>, ServiceError> {
    let window = counted.window();
    let start = now.duration_trunc(window).map_err(ServiceError::internal)?;
    let n = rate_counters::add_one(conn, bucket, start)?;
    let over = i64::from(n) > i64::from(counted.allowance(rates));
    Ok(over.then(|| (start + window - now).num_seconds() + 1))
}

/// Forgets counters of windows that ended (on every instance's sweep).
pub fn purge(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, ServiceError> {
    Ok(rate_counters::purge(conn, now - TimeDelta::hours(2))?)
}
