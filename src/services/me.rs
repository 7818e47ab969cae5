//! The caller's own account: profile, password, second factor.

use serde_json::json;

use crate::auth::caller::Caller;
use crate::auth::password::{self, Verdict};
use crate::auth::totp;
use crate::clock::now;
use crate::db::audit;
use crate::db::{sessions, throttle, users};
use crate::domain::account::Account;
use crate::domain::audit::{ObjectType, Origin};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::accounts::{ChangePasswordRequest, TotpEnrollment};
use crate::state::AppState;

fn account(caller: &Caller) -> Result<&Account, ServiceError> {
    caller.account().ok_or_else(|| ServiceError::internal("the policy let a client reach an account route"))
}

/// Changes the caller's password and ends every session of the account, this one too.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    body: ChangePasswordRequest,
) -> Result<(), ServiceError> {
    let account = account(caller)?.clone();
    let bucket = super::sessions::account_bucket(&state.index_key, &account.login);
    let id = account.id;
    let credentials = super::step_up::credentials_unless_throttled(state, id, bucket.clone()).await?;
    // The login as typed, for the password policy (a password must not contain it).
    let login = super::logins::plain(&state.keyring, &account, &credentials)?;
    let current = body.current_password;
    let phc = credentials.password_hash;
    if state.hashing.run(move || password::verify(&current, &phc)).await? == Verdict::Mismatch {
        return Err(ServiceError::validation(vec![FieldError::new(
            "current_password",
            "wrong",
            Msg::of("me-is-not-your-current-password"),
        )]));
    }
    // The current password was right: the attempt is no failure, whatever follows.
    state.db.transaction(move |conn| Ok(throttle::clear(conn, &bucket)?)).await?;
    let personal: Vec<String> = [Some(login), account.display_name.clone()].into_iter().flatten().collect();
    state
        .hashing
        .check_policy("new_password", body.new_password.clone(), account.role, personal)
        .await?
        .map_err(|e| ServiceError::validation(vec![e]))?;
    let plain = body.new_password;
    let hash = state.hashing.run(move || password::hash(&plain)).await??;
    state
        .db
        .transaction(move |conn| {
            let now = now();
            users::set_password(conn, id, &hash, now)?;
            audit::append(conn, ObjectType::Account, id, &origin, "account.password_changed", json!({}), now)?;
            Ok(sessions::revoke_all_of_user(conn, id, now)?)
        })
        .await
}

/// Starts TOTP enrolment: a new secret, pending until confirmed with a code.
pub async fn enrol_totp(state: &AppState, caller: &Caller) -> Result<TotpEnrollment, ServiceError> {
    let account = account(caller)?.clone();
    if account.mfa_enabled {
        return Err(ServiceError::conflict("mfa_already_enabled", Msg::of("me-your-authenticator-app-is-already-set")));
    }
    let secret = totp::new_secret();
    // The app shows the login its owner knows, not its stored digest.
    let label = profile(state, caller).await?.login;
    let otpauth_uri = totp::provisioning_uri(&secret, &label)
        .ok_or_else(|| ServiceError::internal("cannot build the otpauth URI"))?;
    // Sealed like reporters' contacts: a stolen database must not yield second factors.
    let row = account.id.to_string();
    let stored = state.keyring.seal(&secret, totp::secret_place(&row)).map_err(ServiceError::internal)?;
    state.db.transaction(move |conn| Ok(users::set_pending_totp(conn, account.id, &stored, now())?)).await?;
    Ok(TotpEnrollment { secret, otpauth_uri })
}

/// The enrolment under way, or a new one: the console's enrolment page shows the same
/// secret on every reload, so that a code scanned before a reload still confirms.
pub async fn enrolment(state: &AppState, caller: &Caller) -> Result<TotpEnrollment, ServiceError> {
    let account = account(caller)?.clone();
    let id = account.id;
    let found = state.db.run(move |conn| Ok(users::find(conn, id)?)).await?;
    let pending = found.and_then(|(_, c)| c.totp_secret).filter(|_| !account.mfa_enabled);
    let Some(sealed) = pending else {
        return enrol_totp(state, caller).await;
    };
    let row = id.to_string();
    let secret = state.keyring.open(&sealed, totp::secret_place(&row)).map_err(ServiceError::internal)?;
    let label = profile(state, caller).await?.login;
    let otpauth_uri = totp::provisioning_uri(&secret, &label)
        .ok_or_else(|| ServiceError::internal("cannot build the otpauth URI"))?;
    Ok(TotpEnrollment { secret, otpauth_uri })
}

/// Confirms enrolment with a first code. Wrong codes count towards the account's
/// sign-in throttle.
pub async fn confirm_totp(state: &AppState, caller: &Caller, origin: Origin, code: String) -> Result<(), ServiceError> {
    let account = account(caller)?.clone();
    let bucket = super::sessions::account_bucket(&state.index_key, &account.login);
    let id = account.id;
    let credentials = super::step_up::credentials_unless_throttled(state, id, bucket.clone()).await?;
    let row = account.id.to_string();
    let secret = credentials
        .totp_secret
        .as_deref()
        .map(|sealed| state.keyring.open(sealed, totp::secret_place(&row)))
        .transpose();
    let Some(secret) = secret.map_err(ServiceError::internal)?.filter(|_| !account.mfa_enabled) else {
        return Err(ServiceError::conflict("mfa_not_started", Msg::of("me-start-with-post-api-v1-me")));
    };
    let unix = chrono::Utc::now().timestamp().max(0) as u64;
    let step = totp::verify(&secret, &code, unix, credentials.totp_last_step);
    let confirmed = state
        .db
        .transaction(move |conn| {
            let now = now();
            match step {
                Some(step) if users::claim_totp_step(conn, id, step)? => {
                    users::enable_totp(conn, id, now)?;
                    audit::append(conn, ObjectType::Account, id, &origin, "account.mfa_enabled", json!({}), now)?;
                    throttle::clear(conn, &bucket)?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
        .await?;
    if confirmed {
        Ok(())
    } else {
        Err(ServiceError::validation(vec![FieldError::new("code", "wrong", Msg::of("me-is-not-the-current-code-of"))]))
    }
}

/// `GET /api/v1/me`: the caller's account, with a citizen's login opened for its owner.
pub async fn profile(state: &AppState, caller: &Caller) -> Result<Account, ServiceError> {
    let mut account = account(caller)?.clone();
    let id = account.id;
    let found = state.db.run(move |conn| Ok(users::find(conn, id)?)).await?;
    let (_, credentials) = found.ok_or_else(|| ServiceError::internal("the caller's account is gone"))?;
    account.login = super::logins::plain(&state.keyring, &account, &credentials)?;
    Ok(account)
}
