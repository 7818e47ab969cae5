//! How logins are stored (issue 14, point 2). A citizen's login is a phone number or an
//! e-mail address: personal data that a database thief must not read. It is stored as
//! its keyed digest (`h:` and HMAC-SHA256 under the index key), which finds the account
//! at sign-in, and sealed beside it (`users.login_sealed`), for the account's owner and
//! for messages to it. Staff logins stay in clear: they are work names, shown to admins.

use uuid::Uuid;

use crate::auth::index_key::IndexKey;
use crate::auth::keyring::{Keyring, Place};
use crate::db::pool::in_transaction;
use crate::db::sealed_columns::CITIZEN_LOGIN;
use crate::db::{DbConnection, users};
use crate::domain::account::{Account, Credentials, Role};
use crate::error::ServiceError;

/// What begins a login stored as its digest.
pub const DIGEST_PREFIX: &str = "h:";

/// A login as stored: the `login` column, and the sealed login of a citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogin {
    pub login: String,
    pub sealed: Option<String>,
}

/// The digest form of a normalised login.
pub fn digest_form(key: &IndexKey, login: &str) -> String {
    format!("{DIGEST_PREFIX}{}", key.digest("login", login))
}

/// Every form a normalised login may be stored in: in clear (staff) and as its digest
/// (citizens). Sign-in looks for both, so the answer does not tell which kind it was.
pub fn lookup_forms(key: &IndexKey, login: &str) -> Vec<String> {
    vec![login.to_owned(), digest_form(key, login)]
}

/// How an account `id` of `role` stores the normalised `login`.
pub fn stored(
    key: &IndexKey,
    keyring: &Keyring,
    id: Uuid,
    role: Role,
    login: &str,
) -> Result<StoredLogin, ServiceError> {
    if role != Role::Citizen {
        return Ok(StoredLogin { login: login.to_owned(), sealed: None });
    }
    let row = id.to_string();
    let sealed =
        keyring.seal(login, Place { column: CITIZEN_LOGIN.name, row: &row }).map_err(ServiceError::internal)?;
    Ok(StoredLogin { login: digest_form(key, login), sealed: Some(sealed) })
}

/// The login an account's owner typed: opened when sealed.
pub fn plain(keyring: &Keyring, account: &Account, credentials: &Credentials) -> Result<String, ServiceError> {
    match &credentials.login_sealed {
        Some(sealed) => {
            let row = account.id.to_string();
            keyring.open(sealed, Place { column: CITIZEN_LOGIN.name, row: &row }).map_err(ServiceError::internal)
        }
        None => Ok(account.login.clone()),
    }
}

/// The login's digest form, from a normalised login or a stored one (already a digest
/// for citizens): what an account's throttling bucket is keyed by.
pub fn bucket_form(key: &IndexKey, stored_login: &str) -> String {
    if stored_login.starts_with(DIGEST_PREFIX) { stored_login.to_owned() } else { digest_form(key, stored_login) }
}

/// Stores the logins of citizens made before logins were sealed as digests, sealed.
/// Each instance runs it at start-up; idempotent. Returns how many changed.
pub fn seal_clear_citizen_logins(
    conn: &mut DbConnection,
    key: &IndexKey,
    keyring: &Keyring,
) -> Result<usize, ServiceError> {
    in_transaction(conn, |conn| {
        let clear = users::citizens_with_clear_logins(conn, DIGEST_PREFIX)?;
        for (id, login) in &clear {
            let stored = stored(key, keyring, *id, Role::Citizen, login)?;
            users::set_login(conn, *id, &stored.login, stored.sealed.as_deref())?;
        }
        Ok(clear.len())
    })
}
