//! Device tokens (issue 14, point 4; OWASP's "device cookies"). Each full sign-in returns
//! a `device_token`; a later sign-in that sends it back, for the same account, counts
//! its failures in the device's own throttling bucket instead of the account's and the
//! address's. So an attacker who knows a staff login and fails from elsewhere backs off
//! the account's untrusted sign-ins, but not its owner on their usual device. A token is
//! replaced at each use, lasts 90 days, and an account keeps its ten newest.

use chrono::{NaiveDateTime, TimeDelta};

use crate::auth::index_key::IndexKey;
use crate::domain::secrets;

/// Devices an account keeps.
pub const KEEP_PER_ACCOUNT: i64 = 10;
/// How long a device stays trusted.
pub const TRUSTED_DAYS: i64 = 90;

/// A new device token: 256 random bits.
pub fn new_token() -> String {
    secrets::generate("dt_")
}

/// How a device token is stored.
pub fn digest(token: &str) -> String {
    secrets::digest(&format!("device:{token}"))
}

/// The throttling bucket of a trusted device.
pub fn bucket(key: &IndexKey, token_digest: &str) -> String {
    key.bucket("device", token_digest)
}

/// Devices given before this are no longer trusted.
pub fn trusted_since(now: NaiveDateTime) -> NaiveDateTime {
    now - TimeDelta::days(TRUSTED_DAYS)
}
