//! TOTP second factor (RFC 6238): SHA-1, 6 digits, 30-second steps, as authenticator
//! apps expect. A code is accepted in the step before, the current one and the next, and
//! only for a step later than the last one used, so a code cannot be replayed.

use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, Secret, TOTP};

use super::keyring::Place;
use crate::db::sealed_columns;
use crate::domain::secrets::constant_time_eq;

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
const ISSUER: &str = "tinbao";

/// Where an account's secret is sealed: its row of `users`.
pub fn secret_place(user_row: &str) -> Place<'_> {
    Place { column: sealed_columns::TOTP_SECRET.name, row: user_row }
}

/// A new random secret (160 bits, as RFC 4226 recommends), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECS, bytes, Some(ISSUER.to_owned()), account.to_owned()).ok()
}

/// The `otpauth://` URI for authenticator apps (usually shown as a QR code).
pub fn provisioning_uri(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account).map(|t| t.get_url())
}

/// The code for `unix_time`, for tests and tools.
pub fn code_at(secret_base32: &str, unix_time: u64) -> Option<String> {
    totp(secret_base32, "x").map(|t| t.generate(unix_time))
}

/// Checks `code` at `unix_time`. Returns the step it matched, if it is valid and later
/// than `last_step` (the step of the last accepted code).
pub fn verify(secret_base32: &str, code: &str, unix_time: u64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_base32, "x")?;
    let current = (unix_time / STEP_SECS) as i64;
    (current - 1..=current + 1).find(|step| {
        let fresh = last_step.is_none_or(|last| *step > last);
        let expected = t.generate((*step as u64) * STEP_SECS);
        fresh && constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s: 94287082 (8
        // digits); the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).expect("code");
        let step = verify(&secret, &code, now, None).expect("valid now");
        assert_eq!(verify(&secret, &code, now + 30, None), Some(step), "one step of drift is allowed");
        assert_eq!(verify(&secret, &code, now + 90, None), None, "too late");
        assert_eq!(verify(&secret, &code, now, Some(step)), None, "a replay is refused");
        assert_eq!(verify(&secret, "12345", now, None), None);
        assert!(provisioning_uri(&secret, "officer").expect("uri").starts_with("otpauth://totp/tinbao:officer?"));
    }
}
