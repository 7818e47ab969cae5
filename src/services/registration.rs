//! Registering a citizen without an account oracle (issue 14, point 1), and resetting a
//! citizen's password, both proven by a code sent by SMS.
//!
//! Registration answers alike whether the number is free or taken: the same 202, the
//! same argon2 work (the password is hashed either way), one SMS either way (a code to a
//! free number, a notice to a taken one's owner). A free number gets a *pending* account
//! that signs in like no account until `verify`; registering a pending number again
//! replaces it, and pending accounts lapse after 24 hours, so a stranger cannot block the
//! owner. Codes: six digits, ten minutes, five tries, stored as keyed digests.

use std::net::IpAddr;

use chrono::TimeDelta;
use uuid::Uuid;

use super::abuse::{Counted, Counter};
use super::logins;
use super::sms::{self, Keys};
use crate::auth::password;
use crate::clock::now;
use crate::db::users::NewAccount;
use crate::db::{audit, codes, devices, sessions, users};
use crate::domain::account::{Login, Role, Scope};
use crate::domain::audit::{ObjectType, Origin, account_state};
use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::accounts::{PasswordResetConfirm, RegisterRequest, VerifyRequest};
use crate::state::AppState;

/// How long a pending account waits for its code.
const PENDING_HOURS: i64 = 24;
/// How long a code is valid.
const CODE_MINUTES: i64 = 10;
/// Tries per code.
const CODE_TRIES: i32 = 5;
const REGISTER: &str = "register";
const PASSWORD_RESET: &str = "password_reset";

fn unavailable() -> ServiceError {
    ServiceError::new(
        ErrorKind::Unavailable,
        "registration_unavailable",
        Msg::of("registration-registration-and-password-resets-need-sms"),
    )
}

/// A wrong or expired code and an unknown login answer alike.
pub fn invalid_code() -> ServiceError {
    ServiceError::new(ErrorKind::BadRequest, "invalid_code", Msg::of("registration-this-code-is-wrong-or-no"))
}

/// Citizens register and reset with a mobile number only: SMS cannot prove an e-mail.
fn mobile_number(text: &str) -> Result<String, FieldError> {
    match Login::parse(text) {
        Some(Login::Phone(number)) => Ok(number),
        _ => Err(FieldError::new("login", "invalid", Msg::of("registration-must-be-a-vietnamese-mobile-number"))),
    }
}

fn code_text(code: &str) -> String {
    format!("Ma xac nhan tinbao cua ban: {code}. Het han sau {CODE_MINUTES} phut. Khong dua ma nay cho bat ky ai.")
}

const TAKEN_TEXT: &str = "Ai do vua dang ky tinbao bang so dien thoai cua ban. Ban da co tai khoan: neu quen mat \
                          khau, hay dung chuc nang dat lai mat khau. Neu khong phai ban, hay bo qua tin nay.";

/// Registrations and reset requests per address, across instances: each well-formed one
/// costs an argon2 hash or an SMS (a refused form costs neither and is not counted).
async fn admit(state: &AppState, address: Option<IpAddr>) -> Result<(), ServiceError> {
    let counters = address.map(|a| Counter::address(Counted::Registrations, a)).into_iter().collect();
    super::abuse::admit(state, counters).await
}

/// `POST /api/v1/auth/register`: answers `Ok` (202) for a free and a taken number alike.
pub async fn register(state: &AppState, body: RegisterRequest, address: Option<IpAddr>) -> Result<(), ServiceError> {
    if !state.sms_enabled {
        return Err(unavailable());
    }
    // Every bad field at once: the login's form and the password's strength.
    let number = mobile_number(&body.login);
    let personal: Vec<&str> = [number.as_deref().ok(), body.display_name.as_deref()].into_iter().flatten().collect();
    let weak = password::check_policy("password", &body.password, Role::Citizen, &personal).err();
    let number = match (number, weak) {
        (Ok(number), None) => number,
        (number, weak) => return Err(ServiceError::validation(number.err().into_iter().chain(weak).collect())),
    };
    admit(state, address).await?;
    // Hashed whether or not the number is free: the same cost, so no timing oracle.
    let plain = body.password;
    let hash = state.hashing.run_new_password(move || password::hash(&plain)).await??;
    let id = Uuid::now_v7();
    let stored = logins::stored(&state.index_key, &state.keyring, id, Role::Citizen, &number)?;
    let forms = logins::lookup_forms(&state.index_key, &number);
    let code = sms::new_code();
    let code_digest = sms::code_digest(&state.index_key, id, REGISTER, &code);
    let (index, keyring) = (state.index_key.clone(), state.keyring.clone());
    let display_name = body.display_name;
    state
        .db
        .transaction(move |conn| {
            let keys = Keys { index: &index, keyring: &keyring };
            let now = now();
            if users::find_by_login(conn, &forms)?.is_some() {
                sms::queue(conn, &keys, &number, TAKEN_TEXT, now)?;
                return Ok(());
            }
            users::remove_pending(conn, &forms)?;
            let new = NewAccount {
                id,
                login: &stored.login,
                login_sealed: stored.sealed.as_deref(),
                pending_until: Some(now + TimeDelta::hours(PENDING_HOURS)),
                display_name: display_name.as_deref(),
                password_hash: &hash,
                role: Role::Citizen,
                scope: Scope::None,
            };
            super::accounts::insert_account(conn, &new, now)?;
            codes::put(conn, id, REGISTER, &code_digest, CODE_TRIES, now + TimeDelta::minutes(CODE_MINUTES))?;
            sms::queue(conn, &keys, &number, &code_text(&code), now)?;
            Ok(())
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// Compares a code with the one stored for an account, taking one of its tries first
/// (a wrong try is spent even though the answer is an error).
fn try_code(
    conn: &mut crate::db::DbConnection,
    key: &crate::auth::index_key::IndexKey,
    user: Uuid,
    purpose: &str,
    code: &str,
) -> Result<bool, ServiceError> {
    let Some(stored) = codes::take_try(conn, user, purpose, now())? else { return Ok(false) };
    let given = sms::code_digest(key, user, purpose, code);
    Ok(crate::domain::secrets::constant_time_eq(stored.as_bytes(), given.as_bytes()))
}

/// `POST /api/v1/auth/register/verify`: activates a pending account with its code.
pub async fn verify(state: &AppState, origin: Origin, body: VerifyRequest) -> Result<(), ServiceError> {
    let Ok(number) = mobile_number(&body.login) else { return Err(invalid_code()) };
    let forms = logins::lookup_forms(&state.index_key, &number);
    let index = state.index_key.clone();
    let activated = state
        .db
        .transaction(move |conn| {
            let Some((id, _)) = users::find_pending(conn, &forms)? else { return Ok(false) };
            if !try_code(conn, &index, id, REGISTER, &body.code)? {
                return Ok(false);
            }
            let now = now();
            users::activate(conn, id, now)?;
            codes::forget(conn, id, REGISTER)?;
            if let Some((account, _)) = users::find(conn, id)? {
                audit::append(
                    conn,
                    ObjectType::Account,
                    id,
                    &origin,
                    "account.registered",
                    account_state(&account),
                    now,
                )?;
            }
            Ok(true)
        })
        .await?;
    if activated { Ok(()) } else { Err(invalid_code()) }
}

/// `POST /api/v1/auth/password-reset`: sends a code to a citizen's number when it has an
/// account; answers `Ok` (202) either way.
pub async fn request_password_reset(
    state: &AppState,
    login: &str,
    address: Option<IpAddr>,
) -> Result<(), ServiceError> {
    if !state.sms_enabled {
        return Err(unavailable());
    }
    let number = mobile_number(login).map_err(|e| ServiceError::validation(vec![e]))?;
    admit(state, address).await?;
    let forms = logins::lookup_forms(&state.index_key, &number);
    let code = sms::new_code();
    let (index, keyring) = (state.index_key.clone(), state.keyring.clone());
    state
        .db
        .transaction(move |conn| {
            let Some((account, _)) = users::find_by_login(conn, &forms)? else { return Ok(()) };
            if account.role != Role::Citizen || account.disabled {
                return Ok(());
            }
            let now = now();
            let digest = sms::code_digest(&index, account.id, PASSWORD_RESET, &code);
            codes::put(conn, account.id, PASSWORD_RESET, &digest, CODE_TRIES, now + TimeDelta::minutes(CODE_MINUTES))?;
            sms::queue(conn, &Keys { index: &index, keyring: &keyring }, &number, &code_text(&code), now)?;
            Ok(())
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// `POST /api/v1/auth/password-reset/confirm`: a new password with the code; every
/// session of the account ends.
pub async fn confirm_password_reset(
    state: &AppState,
    origin: Origin,
    body: PasswordResetConfirm,
) -> Result<(), ServiceError> {
    let Ok(number) = mobile_number(&body.login) else { return Err(invalid_code()) };
    let personal = vec![number.clone()];
    state
        .hashing
        .check_policy("password", body.password.clone(), Role::Citizen, personal)
        .await?
        .map_err(|e| ServiceError::validation(vec![e]))?;
    let plain = body.password;
    let hash = state.hashing.run_new_password(move || password::hash(&plain)).await??;
    let forms = logins::lookup_forms(&state.index_key, &number);
    let index = state.index_key.clone();
    let reset = state
        .db
        .transaction(move |conn| {
            let Some((account, _)) = users::find_by_login(conn, &forms)? else { return Ok(false) };
            if account.role != Role::Citizen || !try_code(conn, &index, account.id, PASSWORD_RESET, &body.code)? {
                return Ok(false);
            }
            let now = now();
            users::set_password(conn, account.id, &hash, now)?;
            sessions::revoke_all_of_user(conn, account.id, now)?;
            devices::forget_all(conn, account.id)?;
            codes::forget(conn, account.id, PASSWORD_RESET)?;
            audit::append(
                conn,
                ObjectType::Account,
                account.id,
                &origin,
                "account.password_reset",
                serde_json::json!({}),
                now,
            )?;
            Ok(true)
        })
        .await?;
    if reset { Ok(()) } else { Err(invalid_code()) }
}
