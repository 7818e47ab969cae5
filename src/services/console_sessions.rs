//! Signing in to the staff console (issue 16): the password, then the authenticator code,
//! into a session that a browser holds by a cookie. The session lives in the database, so
//! every instance knows it; it ends after [`IDLE_MINUTES`] without a request and after
//! [`LIFETIME_HOURS`] in all. Throttling, the dummy hash and the one answer for every
//! wrong credential are the API's own (`services::sessions`).

use std::net::IpAddr;

use chrono::{NaiveDateTime, TimeDelta};
use serde_json::json;

use crate::auth::caller::Caller;
use crate::clock::now;
use crate::db::browser_sessions::{self, SessionSummary};
use crate::db::{audit, sessions as db_sessions, throttle, users};
use crate::domain::account::SessionStage;
use crate::domain::audit::{ObjectType, Origin};
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::services::sessions::{self, PasswordProven, invalid_credentials};
use crate::state::AppState;

/// A console session ends after this long without a request (a desk left unattended).
pub const IDLE_MINUTES: i64 = 30;
/// And after this long in all, however busy (one shift).
pub const LIFETIME_HOURS: i64 = 12;
/// How long a right password waits for its code.
pub const CODE_WAIT_MINUTES: i64 = 5;
/// A session's last use is written at most this often: the idle limit is exact to a minute.
const TOUCH_SECS: i64 = 60;

/// What a right password leads to.
#[derive(Debug)]
pub enum SignIn {
    /// A session, held by this cookie value: full, or only for enrolling a first
    /// authenticator.
    Session { cookie: String, stage: SessionStage },
    /// The code is still to come; this value carries the sign-in to it.
    CodeNeeded { waiting: String },
}

/// The first step: login and password (and the code, when the form carried it).
pub async fn with_password(
    state: &AppState,
    login: &str,
    password: String,
    code: Option<String>,
    address: Option<IpAddr>,
) -> Result<SignIn, ServiceError> {
    let proven = sessions::prove_password(state, login, password.clone(), None, address).await?;
    if !proven.account.role.is_staff() {
        sessions::password_only(state, proven).await?;
        return Err(ServiceError::forbidden(Msg::of("console-for-staff-only")));
    }
    let code = code.filter(|c| !c.trim().is_empty());
    match (proven.account.mfa_enabled, code) {
        (false, _) => open(state, proven, password, SessionStage::MfaEnrollment).await,
        (true, Some(code)) => {
            if !sessions::accept_totp(state, &proven.account, &proven.credentials, &code).await? {
                return Err(invalid_credentials());
            }
            open(state, proven, password, SessionStage::Full).await
        }
        (true, None) => {
            let user_id = proven.account.id;
            sessions::password_only(state, proven).await?;
            let waiting = state
                .db
                .transaction(move |conn| {
                    let now = now();
                    let until = now + TimeDelta::minutes(CODE_WAIT_MINUTES);
                    Ok(browser_sessions::begin_sign_in(conn, user_id, now, until)?)
                })
                .await?;
            Ok(SignIn::CodeNeeded { waiting })
        }
    }
}

async fn open(
    state: &AppState,
    proven: PasswordProven,
    password: String,
    stage: SessionStage,
) -> Result<SignIn, ServiceError> {
    let cookie = sessions::settle(state, proven, password, None, move |conn, user_id, now| {
        Ok(browser_sessions::open(conn, user_id, stage, now, ends(now))?.1)
    })
    .await?;
    Ok(SignIn::Session { cookie, stage })
}

fn ends(opened: NaiveDateTime) -> NaiveDateTime {
    opened + TimeDelta::hours(LIFETIME_HOURS)
}

/// The 401 for a sign-in whose five minutes ran out, or that was finished already.
fn sign_in_again() -> ServiceError {
    ServiceError::unauthenticated("sign_in_expired", Msg::of("console-sign-in-again"))
}

/// The second step: the code for the sign-in that `waiting` carries. Wrong codes count
/// like failed sign-ins of the account.
pub async fn with_code(state: &AppState, waiting: String, code: &str) -> Result<String, ServiceError> {
    let token = waiting.clone();
    let found = state.db.run(move |conn| Ok(browser_sessions::waiting_sign_in(conn, &token, now())?)).await?;
    let user_id = found.ok_or_else(sign_in_again)?;
    let account = state.db.run(move |conn| Ok(users::find(conn, user_id)?)).await?;
    let Some((account, _)) = account.filter(|(a, _)| !a.disabled) else {
        return Err(sign_in_again());
    };
    let bucket = sessions::account_bucket(&state.index_key, &account.login);
    let credentials = super::step_up::credentials_unless_throttled(state, user_id, bucket.clone()).await?;
    if !sessions::accept_totp(state, &account, &credentials, code).await? {
        return Err(invalid_credentials());
    }
    state
        .db
        .transaction(move |conn| {
            if !browser_sessions::end_sign_in(conn, &waiting)? {
                return Err(sign_in_again());
            }
            throttle::clear(conn, &bucket)?;
            let now = now();
            Ok(browser_sessions::open(conn, user_id, SessionStage::Full, now, ends(now))?.1)
        })
        .await
}

/// The caller a console cookie stands for, while its session lasts.
pub async fn caller_of_cookie(state: &AppState, cookie: String) -> Result<Option<Caller>, ServiceError> {
    let session = state
        .db
        .transaction(move |conn| {
            let now = now();
            let idle_since = now - TimeDelta::minutes(IDLE_MINUTES);
            Ok(browser_sessions::by_cookie(conn, &cookie, now, idle_since, now - TimeDelta::seconds(TOUCH_SECS))?)
        })
        .await?;
    Ok(session.and_then(|session| match session.holder {
        db_sessions::Holder::User(account) if account.role.is_staff() => Some(Caller {
            session_id: session.id,
            stage: session.stage,
            principal: crate::auth::caller::Principal::User(account),
        }),
        _ => None,
    }))
}

/// A new officer's session once the first authenticator is confirmed: full from now on.
pub async fn enrolled(state: &AppState, caller: &Caller) -> Result<(), ServiceError> {
    let id = caller.session_id;
    state.db.transaction(move |conn| Ok(browser_sessions::set_stage(conn, id, SessionStage::Full)?)).await
}

/// Ends this session.
pub async fn sign_out(state: &AppState, caller: &Caller) -> Result<(), ServiceError> {
    sessions::logout(state, caller).await
}

/// Ends every session of the caller's account, on every browser and API client; the
/// account's trail says so.
pub async fn sign_out_everywhere(state: &AppState, caller: &Caller, origin: Origin) -> Result<(), ServiceError> {
    let account = caller.account().ok_or_else(|| ServiceError::internal("a console session without an account"))?;
    let id = account.id;
    state
        .db
        .transaction(move |conn| {
            let now = now();
            db_sessions::revoke_all_of_user(conn, id, now)?;
            audit::append(conn, ObjectType::Account, id, &origin, "account.signed_out_everywhere", json!({}), now)?;
            Ok(())
        })
        .await
}

/// The caller's own open sessions, newest first.
pub async fn of_caller(state: &AppState, caller: &Caller) -> Result<Vec<SessionSummary>, ServiceError> {
    let account = caller.account().ok_or_else(|| ServiceError::internal("a console session without an account"))?;
    let id = account.id;
    state
        .db
        .run(move |conn| {
            let now = now();
            Ok(browser_sessions::of_user(conn, id, now, now - TimeDelta::minutes(IDLE_MINUTES))?)
        })
        .await
}
