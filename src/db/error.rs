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

/// Transactions run a use case's closure, whose errors must absorb diesel's own.
impl From<diesel::result::Error> for ServiceError {
    fn from(err: diesel::result::Error) -> Self {
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
