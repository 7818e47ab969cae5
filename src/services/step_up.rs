//! Step-up: a fresh authenticator code asked again of a signed-in officer before the most
//! sensitive act (opening a reporter's identity). A stolen session, or a desktop left
//! signed in, is then not enough. Wrong codes count like failed sign-ins.

use crate::auth::caller::Caller;
use crate::auth::totp;
use crate::db::{throttle, users};
use crate::domain::account::Credentials;
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;

/// The account's credentials, or 429 while its sign-in bucket is backing off: wrong
/// current passwords and wrong codes count like failed sign-ins (the attempt is counted
/// before it is checked, and cleared when it succeeds; see `db::throttle`).
pub(crate) async fn credentials_unless_throttled(
    state: &AppState,
    id: uuid::Uuid,
    bucket: String,
) -> Result<Credentials, ServiceError> {
    let found = state
        .db
        .transaction(move |conn| {
            super::sessions::claim_attempt(conn, &[bucket])?;
            Ok(users::find(conn, id)?)
        })
        .await?;
    found.map(|(_, credentials)| credentials).ok_or_else(|| ServiceError::internal("the caller's account vanished"))
}

/// The 403 for a missing or wrong step-up code.
pub fn step_up_required() -> ServiceError {
    ServiceError::new(ErrorKind::Forbidden, "step_up_required", Msg::of("step-up-enter-a-fresh-code"))
}

/// Checks a fresh code of the caller's authenticator, and claims its step so that it
/// cannot serve twice.
pub async fn confirm(state: &AppState, caller: &Caller, code: Option<&str>) -> Result<(), ServiceError> {
    let Some(account) = caller.account().filter(|a| a.mfa_enabled) else {
        return Err(step_up_required());
    };
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(step_up_required());
    };
    let bucket = super::sessions::account_bucket(&state.index_key, &account.login);
    let id = account.id;
    let credentials = credentials_unless_throttled(state, id, bucket.clone()).await?;
    let row = id.to_string();
    let Some(sealed) = credentials.totp_secret.as_deref() else {
        return Err(step_up_required());
    };
    let secret = state.keyring.open(sealed, totp::secret_place(&row)).map_err(ServiceError::internal)?;
    let unix = chrono::Utc::now().timestamp().max(0) as u64;
    let step = totp::verify(secret.as_str(), code, unix, credentials.totp_last_step);
    let accepted = state
        .db
        .transaction(move |conn| match step {
            Some(step) if users::claim_totp_step(conn, id, step)? => {
                throttle::clear(conn, &bucket)?;
                Ok(true)
            }
            _ => Ok(false),
        })
        .await?;
    if accepted { Ok(()) } else { Err(step_up_required()) }
}
