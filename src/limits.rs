//! Abuse limits on anonymous tips and tracking lookups, per client address (GCRA, from
//! the `governor` crate), and the expensive staff queries that run one at a time. These
//! counters are per instance: with N instances behind a load balancer the effective limit
//! is up to N times the setting (see docs/decisions.md). IPv6 clients are counted per /64,
//! the block one subscriber gets: counting per address would give each of them 2^64
//! allowances.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ServiceError;

/// Addresses remembered before idle ones are forgotten.
const MAX_TRACKED: usize = 100_000;

/// The settings of the shared limits (`TINBAO_RATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Tips per hour per address, from callers without an account.
    pub anon_reports: u32,
    /// Tips per hour per citizen account.
    pub account_reports: u32,
    /// Tips per hour per commune official.
    pub official_reports: u32,
    /// Tips per hour per integrator client.
    pub client_reports: u32,
    /// Reporters' messages per hour per account or address.
    pub messages: u32,
    /// Registrations and password-reset requests per hour per address.
    pub registrations: u32,
    /// Tracking lookups per minute per address.
    pub tracking: u32,
}

/// The limiters of one instance.
pub struct Limits {
    anon_reports: DefaultKeyedRateLimiter<IpAddr>,
    tracking: DefaultKeyedRateLimiter<IpAddr>,
    /// Case statistics, one computation at a time.
    pub statistics: OneAtATime,
    /// Verification of the whole audit trail, one at a time.
    pub audit_verification: OneAtATime,
}

/// A query that reads a whole jurisdiction (or the whole trail): while one runs on this
/// instance, another is refused at once with 429 rather than queued behind it, so that a
/// few impatient reloads cannot occupy every database connection.
#[derive(Clone)]
pub struct OneAtATime(Arc<tokio::sync::Semaphore>);

impl Default for OneAtATime {
    fn default() -> Self {
        OneAtATime(Arc::new(tokio::sync::Semaphore::new(1)))
    }
}

impl OneAtATime {
    /// The turn to run, held until the permit is dropped; 429 `busy` while another runs.
    pub fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ServiceError> {
        self.0.clone().try_acquire_owned().map_err(|_| {
            ServiceError::new(
                crate::error::ErrorKind::TooManyRequests,
                "busy",
                crate::i18n::Msg::of("limits-the-same-report-is-being-computed"),
            )
            .retry_after(2)
        })
    }
}

impl Limits {
    /// `reports_per_hour` anonymous tips and `tracking_per_minute` lookups per address.
    pub fn new(reports_per_hour: u32, tracking_per_minute: u32) -> Self {
        let per = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Limits {
            anon_reports: RateLimiter::keyed(Quota::per_hour(per(reports_per_hour))),
            tracking: RateLimiter::keyed(Quota::per_minute(per(tracking_per_minute))),
            statistics: OneAtATime::default(),
            audit_verification: OneAtATime::default(),
        }
    }

    /// Counts an anonymous tip from `address`, or refuses it with 429.
    pub fn anonymous_report(&self, address: Option<IpAddr>) -> Result<(), ServiceError> {
        check(&self.anon_reports, address)
    }

    /// Counts a tracking call from `address`, or refuses it with 429.
    pub fn tracking(&self, address: Option<IpAddr>) -> Result<(), ServiceError> {
        check(&self.tracking, address)
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<IpAddr>, address: Option<IpAddr>) -> Result<(), ServiceError> {
    let Some(address) = address else { return Ok(()) };
    if limiter.len() > MAX_TRACKED {
        limiter.retain_recent();
    }
    limiter.check_key(&subscriber(address)).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ServiceError::too_many_requests(wait.as_secs() + 1)
    })
}

/// The key an address is counted under: IPv4 as it is, IPv6 by its /64.
pub fn subscriber(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let limits = Limits::new(2, 1);
        let (a, b): (IpAddr, IpAddr) = ("203.0.113.1".parse().expect("ip"), "203.0.113.2".parse().expect("ip"));
        assert!(limits.anonymous_report(Some(a)).is_ok());
        assert!(limits.anonymous_report(Some(a)).is_ok());
        let refused = limits.anonymous_report(Some(a)).expect_err("third in an hour");
        assert_eq!(refused.kind, crate::error::ErrorKind::TooManyRequests);
        assert!(refused.retry_after.is_some_and(|s| s >= 1));
        assert!(limits.anonymous_report(Some(b)).is_ok());
        assert!(limits.tracking(Some(a)).is_ok());
        assert!(limits.tracking(Some(a)).is_err());
    }

    #[test]
    fn an_ipv6_subscriber_is_counted_by_its_64_block() {
        let limits = Limits::new(1, 1);
        let ip = |t: &str| -> IpAddr { t.parse().expect("ip") };
        assert!(limits.anonymous_report(Some(ip("2001:db8:1:2::1"))).is_ok());
        assert!(limits.anonymous_report(Some(ip("2001:db8:1:2:ffff::9"))).is_err(), "the same /64");
        assert!(limits.anonymous_report(Some(ip("2001:db8:1:3::1"))).is_ok(), "the next /64");
    }

    #[test]
    fn an_expensive_query_runs_one_at_a_time() {
        let limits = Limits::new(1, 1);
        let turn = limits.statistics.enter().expect("the first runs");
        let refused = limits.statistics.enter().expect_err("the second waits for nobody");
        assert_eq!((refused.code, refused.retry_after), ("busy", Some(2)));
        assert!(limits.audit_verification.enter().is_ok(), "each query has its own turn");
        drop(turn);
        assert!(limits.statistics.enter().is_ok());
    }
}
