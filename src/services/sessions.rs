//! Signing in and out: register, login (with throttling and the second factor),
//! refresh-token rotation, logout, and the client-credentials grant.

use std::net::IpAddr;

use chrono::NaiveDateTime;
use serde_json::json;
use uuid::Uuid;

use crate::auth::caller::{Caller, Principal, invalid_token};
use crate::auth::index_key::IndexKey;
use crate::auth::password::{self, Verdict};
use crate::auth::tokens::ACCESS_TOKEN_SECS;
use crate::auth::totp;
use crate::clock::now;
use crate::db::audit;
use crate::db::devices as db_devices;
use crate::db::sessions::{self, Holder, Refresh};
use crate::db::{DbConnection, clients, throttle, users};
use crate::domain::account::{Account, Credentials, Login, SessionStage};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::client::join_scopes;
use crate::domain::secrets;
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::accounts::{LoginRequest, TokenResponse};
use crate::services::dto::clients::ClientTokenResponse;
use crate::services::{devices, logins};
use crate::state::AppState;

/// The one answer for a wrong login, a wrong password, a wrong code or a disabled
/// account: which of them it was is not told.
pub fn invalid_credentials() -> ServiceError {
    ServiceError::unauthenticated("invalid_credentials", Msg::of("sessions-the-login-password-or-code-is"))
}

/// Throttling buckets of one sign-in attempt: the account (by its normalised login,
/// known or not) and the client address.
struct Buckets {
    account: String,
    address: Option<String>,
}

impl Buckets {
    fn new(key: &IndexKey, login: &str, address: Option<IpAddr>) -> Self {
        let login = Login::parse(login).map_or_else(|| login.trim().to_lowercase(), |l| l.as_str().to_owned());
        Buckets { account: account_bucket(key, &login), address: address_bucket(key, address) }
    }

    fn all(&self) -> Vec<String> {
        std::iter::once(self.account.clone()).chain(self.address.clone()).collect()
    }
}

/// The throttling bucket of a client address, when it is known.
fn address_bucket(key: &IndexKey, address: Option<IpAddr>) -> Option<String> {
    address.map(|a| key.bucket("addr", &a.to_string()))
}

/// The throttling bucket of an account, from its login as typed (normalised) or as
/// stored: both give the login's digest form ([`logins::bucket_form`]), so sign-in and
/// the signed-in account's own checks count in one bucket.
pub fn account_bucket(key: &IndexKey, login: &str) -> String {
    key.bucket("acct", &logins::bucket_form(key, login))
}

/// Takes the attempt's place in its buckets (counted as a failure until it succeeds), or
/// refuses it with 429 while one of them is backing off; returns the buckets that back
/// off from now on. Call it in a transaction.
pub(crate) fn claim_attempt(
    conn: &mut crate::db::DbConnection,
    buckets: &[String],
) -> Result<(Vec<String>, throttle::Taken), ServiceError> {
    match throttle::claim(conn, buckets, now())? {
        throttle::Claim::Refused { wait_secs } => Err(ServiceError::too_many_requests(wait_secs.max(1) as u64)),
        throttle::Claim::Counted { backing_off, taken } => Ok((backing_off, taken)),
    }
}

/// Takes back a counted attempt that proved the password (its second factor still to come).
async fn forgive(state: &AppState, taken: throttle::Taken, buckets: Vec<String>) -> Result<(), ServiceError> {
    state.db.transaction(move |conn| Ok(buckets.iter().try_for_each(|b| throttle::forgive(conn, &taken, b))?)).await
}

/// A sign-in whose password was right: its account, and what its success settles.
pub(crate) struct PasswordProven {
    pub account: Account,
    pub credentials: Credentials,
    rehash: bool,
    taken: throttle::Taken,
    /// The buckets the attempt was counted in.
    checked: Vec<String>,
    /// The device it came from, when the account trusts it.
    trusted_device: Option<String>,
    buckets: Buckets,
}

/// Checks a login and password, throttled (by account and address, or by a device the
/// account trusts), against a dummy hash for an unknown login. The attempt stays counted
/// as a failure until [`settle`] or [`password_only`] takes it back.
pub(crate) async fn prove_password(
    state: &AppState,
    login: &str,
    password: String,
    device_token: Option<&str>,
    address: Option<IpAddr>,
) -> Result<PasswordProven, ServiceError> {
    let buckets = Buckets::new(&state.index_key, login, address);
    let forms = Login::parse(login).map(|l| logins::lookup_forms(&state.index_key, l.as_str()));
    let account_bucket = buckets.account.clone();
    let device = device_token.map(devices::digest);
    let (untrusted, key) = (buckets.all(), state.index_key.clone());
    let found = state
        .db
        .transaction(move |conn| {
            let found = match forms {
                Some(forms) => users::find_by_login(conn, &forms)?,
                None => None,
            };
            // A device this account signed in from before counts in its own bucket.
            let trusted = match (&device, &found) {
                (Some(device), Some((account, _))) => {
                    db_devices::belongs(conn, device, account.id, devices::trusted_since(now()))?
                }
                _ => false,
            };
            let checked = match (&device, trusted) {
                (Some(device), true) => vec![devices::bucket(&key, device)],
                _ => untrusted,
            };
            let (backing_off, taken) = claim_attempt(conn, &checked)?;
            // An account whose sign-ins now back off: its owner, or someone trying its
            // password, failed five times in a row. The trail says when, not from where.
            if let Some((account, _)) = &found
                && backing_off.contains(&account_bucket)
            {
                let origin = Origin::system("sign-in-throttle");
                let summary = json!({"failures": crate::domain::throttle::FREE_FAILURES});
                audit::append(
                    conn,
                    ObjectType::Account,
                    account.id,
                    &origin,
                    "account.sign_in_throttled",
                    summary,
                    now(),
                )?;
            }
            Ok((found, taken, checked, trusted.then_some(device).flatten()))
        })
        .await?;
    let (found, taken, checked, trusted_device) = found;

    // An unknown login costs one verification too, against a dummy hash. A failure below
    // is already counted: the attempt was.
    let phc = found.as_ref().map_or_else(|| password::dummy_hash().to_owned(), |(_, c)| c.password_hash.clone());
    let verdict = state.hashing.run(move || password::verify(&password, &phc)).await?;
    match (found, verdict) {
        (Some((account, credentials)), Verdict::Match { rehash }) if !account.disabled => {
            Ok(PasswordProven { account, credentials, rehash, taken, checked, trusted_device, buckets })
        }
        _ => Err(invalid_credentials()),
    }
}

/// Takes back the counted attempt of a password that was right while its second factor
/// is still to come (asking for the code is no failure).
pub(crate) async fn password_only(state: &AppState, proven: PasswordProven) -> Result<(), ServiceError> {
    forgive(state, proven.taken, proven.checked).await
}

/// Settles a successful sign-in in one transaction: clears its throttling, stores a
/// better hash of the password when one is due, trusts the device when `new_device` is
/// given, and opens the session with `open`.
pub(crate) async fn settle<T: Send + 'static>(
    state: &AppState,
    proven: PasswordProven,
    password: String,
    new_device: Option<String>,
    open: impl FnOnce(&mut DbConnection, Uuid, NaiveDateTime) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ServiceError> {
    let new_hash =
        if proven.rehash { Some(state.hashing.run(move || password::hash(&password)).await??) } else { None };
    let PasswordProven { account, taken, trusted_device, buckets, .. } = proven;
    let (account_bucket, address_bucket) = (buckets.account, buckets.address);
    let user_id = account.id;
    let key = state.index_key.clone();
    state
        .db
        .transaction(move |conn| {
            let now = now();
            match &trusted_device {
                Some(device) => throttle::clear(conn, &devices::bucket(&key, device))?,
                None => {
                    throttle::clear(conn, &account_bucket)?;
                    if let Some(bucket) = &address_bucket {
                        throttle::forgive(conn, &taken, bucket)?;
                    }
                }
            }
            if let Some(new_device) = &new_device {
                let replaces = trusted_device.as_deref();
                db_devices::remember(conn, user_id, new_device, replaces, devices::KEEP_PER_ACCOUNT, now)?;
            }
            if let Some(hash) = new_hash {
                users::set_password(conn, user_id, &hash, now)?;
            }
            open(conn, user_id, now)
        })
        .await
}

/// Signs in. Staff with a second factor must send its code; staff without one get a
/// session good only for enrolling it.
pub async fn login(
    state: &AppState,
    body: LoginRequest,
    address: Option<IpAddr>,
) -> Result<TokenResponse, ServiceError> {
    let proven =
        prove_password(state, &body.login, body.password.clone(), body.device_token.as_deref(), address).await?;
    let stage = match (proven.account.role.is_staff(), proven.account.mfa_enabled) {
        (false, _) => SessionStage::Full,
        (true, false) => SessionStage::MfaEnrollment,
        (true, true) => {
            let Some(code) = body.totp_code.as_deref() else {
                password_only(state, proven).await?;
                return Err(ServiceError::unauthenticated(
                    "mfa_required",
                    Msg::of("sessions-enter-the-6-digit-code-from"),
                ));
            };
            if !accept_totp(state, &proven.account, &proven.credentials, code).await? {
                return Err(invalid_credentials());
            }
            SessionStage::Full
        }
    };
    let user_id = proven.account.id;
    // A full sign-in makes this a trusted device (a new token replaces the one sent).
    let device_token = (stage == SessionStage::Full).then(devices::new_token);
    let new_device = device_token.as_deref().map(devices::digest);
    let (session_id, refresh_token) = settle(state, proven, body.password, new_device, move |conn, user_id, now| {
        Ok(sessions::open_for_user(conn, user_id, stage, now)?)
    })
    .await?;
    let mut tokens = token_response(state, user_id, session_id, refresh_token, stage)?;
    tokens.device_token = device_token;
    Ok(tokens)
}

/// Checks a TOTP code against the enrolled secret and claims its step, so that the same
/// code cannot be used twice, even on two tinbao instances at once.
pub(crate) async fn accept_totp(
    state: &AppState,
    account: &Account,
    credentials: &Credentials,
    code: &str,
) -> Result<bool, ServiceError> {
    let Some(sealed) = credentials.totp_secret.as_deref() else {
        return Ok(false);
    };
    let secret =
        state.keyring.open(sealed, totp::secret_place(&account.id.to_string())).map_err(ServiceError::internal)?;
    let secret = secret.as_str();
    let unix = chrono::Utc::now().timestamp().max(0) as u64;
    let Some(step) = totp::verify(secret, code, unix, credentials.totp_last_step) else {
        return Ok(false);
    };
    let id = account.id;
    state.db.run(move |conn| Ok(users::claim_totp_step(conn, id, step)?)).await
}

fn token_response(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    refresh_token: String,
    stage: SessionStage,
) -> Result<TokenResponse, ServiceError> {
    let access_token = state
        .keys
        .issue(&user_id.to_string(), &session_id.to_string(), chrono::Utc::now().timestamp())
        .map_err(ServiceError::internal)?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_SECS,
        mfa_enrollment_required: stage == SessionStage::MfaEnrollment,
        device_token: None,
    })
}

/// Exchanges a refresh token for new tokens. A token used twice revokes its session.
pub async fn refresh(state: &AppState, token: String) -> Result<TokenResponse, ServiceError> {
    let outcome = state
        .db
        .transaction(move |conn| {
            let now = now();
            let outcome = sessions::rotate(conn, &token, now)?;
            // A reused token means a copy of it is in someone else's hands: the account's
            // trail says when its session was ended for that.
            if let Refresh::Reused { user_id: Some(user) } = &outcome {
                let origin = Origin::system("sessions");
                audit::append(
                    conn,
                    ObjectType::Account,
                    user,
                    &origin,
                    "account.refresh_token_reused",
                    json!({}),
                    now,
                )?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        Refresh::Rotated { session, refresh_token } => match session.holder {
            Holder::User(account) => token_response(state, account.id, session.id, refresh_token, session.stage),
            Holder::Client(_) => Err(invalid_refresh()),
        },
        Refresh::Reused { .. } => Err(ServiceError::unauthenticated(
            "refresh_token_reused",
            Msg::of("sessions-this-refresh-token-was-already-used"),
        )),
        Refresh::Invalid => Err(invalid_refresh()),
    }
}

fn invalid_refresh() -> ServiceError {
    ServiceError::unauthenticated("invalid_refresh_token", Msg::of("sessions-the-refresh-token-is-not-valid"))
}

/// Ends the caller's session.
pub async fn logout(state: &AppState, caller: &Caller) -> Result<(), ServiceError> {
    let id = caller.session_id;
    state.db.transaction(move |conn| Ok(sessions::revoke(conn, id, now())?)).await
}

/// The OAuth 2.0 client-credentials grant.
pub async fn client_token(
    state: &AppState,
    client_id: &str,
    secret: &str,
    address: Option<IpAddr>,
) -> Result<ClientTokenResponse, ServiceError> {
    // A client's secret carries 256 bits: guessing it is hopeless, so only the address
    // is throttled, and no one can lock a client out by failing in its name.
    let checked: Vec<String> = address_bucket(&state.index_key, address).into_iter().collect();
    let id = Uuid::try_parse(client_id).ok();
    let found = state
        .db
        .transaction(move |conn| {
            claim_attempt(conn, &checked)?;
            match id {
                Some(id) => Ok(clients::find(conn, id)?),
                None => Ok(None),
            }
        })
        .await?;
    let digest = secrets::digest(secret);
    let client = match found {
        Some((client, stored))
            if !client.revoked && secrets::constant_time_eq(stored.as_bytes(), digest.as_bytes()) =>
        {
            client
        }
        _ => {
            return Err(ServiceError::unauthenticated(
                "invalid_client",
                Msg::of("sessions-the-client-id-or-secret-is"),
            ));
        }
    };
    let client_id = client.id;
    let session_id = state
        .db
        .transaction(move |conn| Ok(sessions::open_for_client(conn, client_id, ACCESS_TOKEN_SECS, now())?))
        .await?;
    let access_token = state
        .keys
        .issue(&client.id.to_string(), &session_id.to_string(), chrono::Utc::now().timestamp())
        .map_err(ServiceError::internal)?;
    Ok(ClientTokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_SECS,
        scope: join_scopes(&client.scopes),
    })
}

/// A 400 for an OAuth grant other than client credentials.
pub fn unsupported_grant() -> ServiceError {
    ServiceError::new(
        ErrorKind::BadRequest,
        "unsupported_grant_type",
        Msg::of("sessions-only-grant-type-client-credentials-is"),
    )
}

/// The caller a bearer access token stands for: its signature and claims, then its
/// session in the database (so that revocation takes effect at once).
pub async fn caller_of_token(state: &AppState, token: &str) -> Result<Caller, ServiceError> {
    let claims = state.keys.verify(token).ok_or_else(invalid_token)?;
    let session_id = Uuid::parse_str(&claims.sid).map_err(|_| invalid_token())?;
    let session =
        state.db.run(move |conn| Ok(sessions::active(conn, session_id, now())?)).await?.ok_or_else(invalid_token)?;
    let (principal, holder_id) = match session.holder {
        Holder::User(account) => {
            let id = account.id;
            (Principal::User(account), id)
        }
        Holder::Client(client) => {
            let id = client.id;
            (Principal::Client(client), id)
        }
    };
    if claims.sub != holder_id.to_string() {
        return Err(invalid_token());
    }
    Ok(Caller { session_id: session.id, stage: session.stage, principal })
}
