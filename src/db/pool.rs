//! The connection pool and the one way to use it: a blocking closure run off the async
//! workers, carrying the caller's tracing span.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, PooledConnection};

use super::{DatabaseUrl, DbConnection};
use crate::error::ApiError;

/// How long SQLite waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Opens connections for the backend the URL names.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// An error from opening or checking a connection.
pub type DbError = r2d2::Error;

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Postgres).map_err(DbError::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(DbError::ConnectionError)?;
                // FULL: an acknowledged tip must survive a power cut.
                conn.batch_execute(&format!(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = FULL;"
                ))
                .map_err(DbError::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(DbError::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The shared pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the pool (blocking). A new SQLite file is created, with its directory, and put
    /// into WAL mode on a single connection first: doing that while the pool opens several
    /// connections at once fails with "database is locked".
    pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Self, String> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let manager = Manager { url: url.clone() };
            let mut first = manager.connect().map_err(|e| format!("cannot open {url}: {e}"))?;
            diesel::sql_query("PRAGMA journal_mode = WAL")
                .execute(&mut first)
                .map_err(|e| format!("cannot switch {url} to WAL: {e}"))?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        Ok(Db { pool, url: url.clone() })
    }

    /// The database this pool talks to.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for blocking code (the command line, start-up).
    pub fn get(&self) -> Result<PooledConnection<Manager>, ApiError> {
        self.pool.get().map_err(ApiError::from)
    }

    /// Runs `f` on a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            span.in_scope(|| {
                let mut conn = pool.get()?;
                f(&mut conn)
            })
        })
        .await
        .map_err(|_| ApiError::internal("the blocking pool is shutting down"))?
    }

    /// Runs `f` in one transaction: one use case, one transaction.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| conn.transaction(f)).await
    }
}
