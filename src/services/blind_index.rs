//! Tips filed before blind indexes: an anonymous tip of a signed-in citizen named the
//! account (`submitted_by_user`). At start-up each instance replaces that name with the
//! account's blind index, so that the account is no longer stored with the tip; the
//! citizen still finds it under /me/reports. Idempotent, and nothing to do once done.

use crate::auth::index_key::IndexKey;
use crate::db::pool::in_transaction;
use crate::db::{DbConnection, reports};
use crate::error::ServiceError;

/// Unlinks every anonymous tip that still names its account. Returns how many changed.
pub fn unlink_anonymous_tips(conn: &mut DbConnection, key: &IndexKey) -> Result<usize, ServiceError> {
    in_transaction(conn, |conn| {
        let mut changed = 0;
        for user in reports::accounts_naming_anonymous_tips(conn)? {
            changed += reports::unlink_anonymous_tips(conn, user, &key.owner_index(user))?;
        }
        Ok(changed)
    })
}
