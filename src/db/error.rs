//! The database layer's own error, and how a use case reads it.

use crate::error::ServiceError;

/// What went wrong below the use case.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection within the wait: the database is down or every connection is busy.
    #[error("no database connection: {0}")]
    Unavailable(String),
    /// A statement failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    /// A row that a uniqueness rule keeps single already exists.
    #[error("a row with this key exists")]
    Duplicate,
    /// Stored data that does not read as its type, or a state the code never writes.
    #[error("{0}")]
    Broken(String),
}

impl DbError {
    /// Stored data (or the database's state) is not what the code wrote.
    pub fn broken(what: impl std::fmt::Display) -> Self {
        DbError::Broken(what.to_string())
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(err.to_string())
    }
}

/// A use case that meets a database error fails as "unavailable" when the database
/// cannot be reached, and as an internal error otherwise; the cause goes to the log only.
impl From<DbError> for ServiceError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Unavailable(cause) => {
                tracing::error!(cause = %cause, "no database connection");
                ServiceError::unavailable()
            }
            DbError::Query(err) => err.into(),
            other => ServiceError::internal(other),
        }
    }
}

/// Whether a statement failed because the connection to the database went away (the
/// server stopped, restarted, or ended the session): the request is answered 503, as
/// when no connection could be had, not 500. diesel reports PostgreSQL's SQLSTATE only
/// through the message, so an ended session is recognised by libpq's words.
pub fn is_connection_lost(err: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) | Error::BrokenTransactionManager => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            [
                "terminating connection",
                "server closed the connection",
                "connection to server",
                "the database system is",
                "no connection to the server",
            ]
            .iter()
            .any(|words| message.contains(words))
        }
        _ => false,
    }
}

/// Transactions run a use case's closure, whose errors must absorb diesel's own.
impl From<diesel::result::Error> for ServiceError {
    fn from(err: diesel::result::Error) -> Self {
        if is_connection_lost(&err) {
            tracing::error!(cause = %err, "the database connection was lost");
            return ServiceError::unavailable();
        }
        // Only the kind and the server's short message: details may quote stored values.
        match &err {
            diesel::result::Error::DatabaseError(kind, info) => {
                ServiceError::internal(format!("database error {kind:?}: {}", info.message()))
            }
            other => ServiceError::internal(format!("database error: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ServiceError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        DbError::from(err).into()
    }
}
