//! Whether this instance can serve: the database answers and holds every migration this
//! binary expects.

use crate::db::migrations;
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;

/// Ready, or why not.
pub async fn check(state: &AppState) -> Result<(), ServiceError> {
    let pending = state.db.run(|conn| Ok(migrations::pending_count(conn)?)).await.map_err(|err| {
        if err.kind != ErrorKind::Unavailable {
            return err;
        }
        ServiceError::new(
            ErrorKind::Unavailable,
            "database_unreachable",
            Msg::of("readiness-the-database-does-not-answer-so"),
        )
        .retry_after(5)
    })?;
    if pending > 0 {
        let err = ServiceError::new(
            ErrorKind::Unavailable,
            "migrations_pending",
            Msg::of("readiness-database-migrations-are-not-applied-yet").arg("pending", pending),
        );
        return Err(err.retry_after(5));
    }
    Ok(())
}
