//! Abuse limits on anonymous tips and tracking lookups, per client address (GCRA, from
//! the `governor` crate). These counters are per instance: with N instances behind a
//! load balancer the effective limit is up to N times the setting (see docs/decisions.md).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ServiceError;

/// Addresses remembered before idle ones are forgotten.
const MAX_TRACKED: usize = 100_000;

/// The limiters of one instance.
pub struct Limits {
    anon_reports: DefaultKeyedRateLimiter<IpAddr>,
    tracking: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limits {
    /// `reports_per_hour` anonymous tips and `tracking_per_minute` lookups per address.
    pub fn new(reports_per_hour: u32, tracking_per_minute: u32) -> Self {
        let per = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Limits {
            anon_reports: RateLimiter::keyed(Quota::per_hour(per(reports_per_hour))),
            tracking: RateLimiter::keyed(Quota::per_minute(per(tracking_per_minute))),
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
    limiter.check_key(&address).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ServiceError::too_many_requests(wait.as_secs() + 1)
    })
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
}
