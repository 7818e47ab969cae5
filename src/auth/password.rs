//! Passwords: argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1), PHC strings, and a
//! bounded pool so that a flood of logins cannot take every blocking thread.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::account::{MAX_PASSWORD_CHARS, Role};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19_456;
/// Passes over memory.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string. Blocking (tens of milliseconds).
pub fn hash(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::internal(format!("password hashing failed: {e}")))
}

/// The result of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Wrong password (or an unreadable hash).
    Mismatch,
    /// Right password; `rehash` when the stored hash is weaker than today's policy.
    Match { rehash: bool },
}

/// Checks `password` against a stored PHC string. Blocking.
pub fn verify(password: &str, phc: &str) -> Verdict {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Verdict::Mismatch;
    };
    if argon2().verify_password(password.as_bytes(), &parsed).is_err() {
        return Verdict::Mismatch;
    }
    let current = Params::try_from(&parsed).ok();
    let rehash = parsed.algorithm.as_str() != "argon2id"
        || current.is_none_or(|p| p.m_cost() < MEMORY_KIB || p.t_cost() < ITERATIONS || p.p_cost() < PARALLELISM);
    Verdict::Match { rehash }
}

/// A hash of a random password, checked when the login is unknown so that an unknown
/// login costs the same time as a known one.
pub fn dummy_hash() -> &'static str {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash(&uuid::Uuid::now_v7().to_string()).unwrap_or_default());
    &DUMMY
}

/// Runs hashing off the async workers, at most a few at a time. Work on *new* passwords
/// (registrations, resets, policy checks) takes at most all slots but one, so a flood of
/// registrations leaves a slot to the sign-ins (issue 14, point 5; `bench/register_flood.sh`).
#[derive(Clone)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
    new_passwords: Arc<Semaphore>,
}

/// How long a login may wait for a hashing slot before being told to retry.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

impl HashingPool {
    /// One slot per CPU: argon2 is CPU-bound, more slots would only queue in the kernel.
    pub fn new() -> Self {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingPool {
            permits: Arc::new(Semaphore::new(slots)),
            new_passwords: Arc::new(Semaphore::new(slots.saturating_sub(1).max(1))),
        }
    }

    /// Runs work on a new password (its hash, its policy check) in a slot that sign-ins
    /// never all lose to it.
    pub async fn run_new_password<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let _turn = tokio::time::timeout(QUEUE_TIMEOUT, self.new_passwords.clone().acquire_owned())
            .await
            .map_err(|_| ServiceError::unavailable())?
            .map_err(|_| ServiceError::unavailable())?;
        self.run(f).await
    }

    /// Checks the password policy in a slot, off the async workers: zxcvbn's matching
    /// grows with the input (bounded at 128 characters by the length check that runs
    /// first), and a flood of registrations must not stall the workers that serve
    /// sign-ins. It queues with the other work on new passwords and does not multiply the
    /// threads.
    pub async fn check_policy(
        &self,
        field: &'static str,
        password: String,
        role: Role,
        personal: Vec<String>,
    ) -> Result<Result<(), FieldError>, ServiceError> {
        self.run_new_password(move || {
            let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
            check_policy(field, &password, role, &personal)
        })
        .await
    }

    /// Runs `f` (a hash or a verification) when a slot is free.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
        let permit = tokio::time::timeout(QUEUE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ServiceError::unavailable())?
            .map_err(|_| ServiceError::unavailable())?;
        let result = tokio::task::spawn_blocking(move || {
            let out = f();
            drop(permit);
            out
        })
        .await
        .map_err(|_| ServiceError::internal("the hashing thread stopped"))?;
        Ok(result)
    }
}

impl Default for HashingPool {
    fn default() -> Self {
        Self::new()
    }
}

/// Words a password must not be built from: the service, the provinces, and the caller's
/// own login and name.
fn context_words<'a>(personal: &[&'a str]) -> Vec<&'a str> {
    static PLACES: LazyLock<Vec<String>> = LazyLock::new(crate::domain::shipped_units::province_words);
    let mut words: Vec<&'a str> = personal.to_vec();
    words.push("tinbao");
    words.push("tin bao");
    words.extend(PLACES.iter().map(String::as_str));
    words
}

/// Checks a new password for `role`: length by NIST SP 800-63B rev 4, no composition
/// rules, and strength by zxcvbn (score 3 or more), with the caller's own words.
pub fn check_policy(field: &str, password: &str, role: Role, personal: &[&str]) -> Result<(), FieldError> {
    let chars = password.chars().count();
    let min = role.min_password_chars();
    if chars < min || chars > MAX_PASSWORD_CHARS {
        return Err(FieldError::new(
            field,
            "length",
            Msg::of("password-must-have-to-characters-a-few")
                .arg("min", min)
                .arg("max-password-chars", MAX_PASSWORD_CHARS),
        ));
    }
    let words = context_words(personal);
    let score = u8::from(zxcvbn::zxcvbn(password, &words).score());
    if score < 3 {
        return Err(FieldError::new(field, "weak", Msg::of("password-is-too-easy-to-guess-it")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_parameters_are_owasps_minimum_for_argon2id() {
        assert_eq!((MEMORY_KIB, ITERATIONS, PARALLELISM), (19_456, 2, 1));
        let phc = hash("correct horse battery staple").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(verify("correct horse battery staple", &phc), Verdict::Match { rehash: false });
        assert_eq!(verify("correct horse battery stapler", &phc), Verdict::Mismatch);
        assert_eq!(verify("anything", "not a hash"), Verdict::Mismatch);
    }

    #[test]
    fn weaker_stored_hashes_are_marked_for_rehash() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 1, 1, None).expect("params"));
        let salt = SaltString::generate(&mut OsRng);
        let phc = weak.hash_password(b"a long enough passphrase", &salt).expect("hash").to_string();
        assert_eq!(verify("a long enough passphrase", &phc), Verdict::Match { rehash: true });
    }

    #[test]
    fn the_policy_wants_length_and_strength_not_composition() {
        let check = |p: &str, role| check_policy("password", p, role, &["an.nguyen@example.vn"]);
        assert_eq!(check("short", Role::Citizen).unwrap_err().code, "length");
        assert_eq!(check("twelve chars", Role::Citizen).unwrap_err().code, "length");
        assert_eq!(check("aaaaaaaaaaaaaaaa", Role::Citizen).unwrap_err().code, "weak");
        assert_eq!(check("an.nguyen@example.vn", Role::Citizen).unwrap_err().code, "weak");
        assert_eq!(check("kiengiangkiengiang", Role::Citizen).unwrap_err().code, "weak");
        assert!(check("mango river lantern quietly", Role::Citizen).is_ok());
        assert!(check("tulip garage 71", Role::DistrictOfficer).is_ok());
        assert_eq!(check(&"x".repeat(129), Role::Admin).unwrap_err().code, "length");
    }
}
