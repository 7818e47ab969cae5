//! The connection pool and the one way to use it: a blocking closure run off the async
//! workers, carrying the caller's tracing span.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, PooledConnection};

use super::DbError;
use super::{DatabaseUrl, DbConnection};
use crate::error::ServiceError;

/// How long SQLite waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Each SQLite connection's page cache, in KiB (SQLite's default is 2,000). A console
/// page counts its quick filters and then reads its list on one connection; with 2 MB
/// the counts' pages pushed out the search's, which then read them again from the
/// file (docs/benchmarks.md, "The console's work list, one turn at the database").
/// Four connections by default on two cores: 64 MiB at most.
const SQLITE_CACHE_KIB: u32 = 16_384;

/// Opens connections for the backend the URL names.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// An error from opening or checking a connection.
type ConnectError = r2d2::Error;

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(DbConnection::Postgres).map_err(ConnectError::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(ConnectError::ConnectionError)?;
                // FULL: an acknowledged tip must survive a power cut. The page cache is
                // per connection (see SQLITE_CACHE_KIB).
                conn.batch_execute(&format!(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA synchronous = FULL; PRAGMA cache_size = -{SQLITE_CACHE_KIB};"
                ))
                .map_err(ConnectError::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(ConnectError::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // A connection whose transaction was left open by a failure, or whose server
        // went away, is dropped rather than handed to the next request.
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// How long a request waits for its turn at a connection (requests beyond the pool's
/// size queue for a permit) before it is answered 503: under load, a wait is normal.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// How long getting a connection may take once it is the request's turn: one is free
/// then, or is opened at once. When the database cannot be reached, this is how soon the
/// request (and `/readyz`) answers 503; a load balancer reads a 10 s wait as a hang.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(1);

/// How long start-up waits for the database to accept a first connection (a database
/// started beside tinbao may take a few seconds).
const STARTUP_WAIT: Duration = Duration::from_secs(10);

/// Tries to connect until the database answers or [`STARTUP_WAIT`] has passed.
fn wait_for_first_connection(url: &DatabaseUrl) -> Result<(), String> {
    let manager = Manager { url: url.clone() };
    let started = std::time::Instant::now();
    loop {
        match manager.connect() {
            Ok(_) => return Ok(()),
            Err(e) if started.elapsed() >= STARTUP_WAIT => return Err(format!("cannot connect to {url}: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(250)),
        }
    }
}

/// The shared pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
    /// SQLite has one writer at a time: writers queue here, in order, instead of
    /// sleeping in SQLite's busy handler (which makes the slowest wait seconds).
    write_gate: Option<std::sync::Arc<std::sync::Mutex<()>>>,
    /// One permit per pooled connection, taken before a request goes to the blocking
    /// thread pool: requests beyond the pool's size wait here, in order and without a
    /// thread each, instead of as blocked threads woken at random by r2d2 (which cost a
    /// thread, its memory and context switches per waiting request, and made the slowest
    /// request wait longest under load).
    permits: std::sync::Arc<tokio::sync::Semaphore>,
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
        wait_for_first_connection(url)?;
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            // No `SELECT 1` before every use: a broken connection fails its statement,
            // the request answers 503, and r2d2 replaces the connection.
            .test_on_check_out(false)
            .build(Manager { url: url.clone() })
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        let write_gate = matches!(url, DatabaseUrl::Sqlite(_)).then(Default::default);
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(max_size as usize));
        Ok(Db { pool, url: url.clone(), write_gate, permits })
    }

    /// The database this pool talks to.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for blocking code (the command line, start-up).
    pub fn get(&self) -> Result<PooledConnection<Manager>, DbError> {
        self.pool.get().map_err(DbError::from)
    }

    /// Runs `f` on a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        // As long as r2d2 would have waited for a connection, then the same 503.
        let permit = match tokio::time::timeout(CONNECTION_TIMEOUT, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => return Err(ServiceError::internal("the database pool is closed")),
            Err(_elapsed) => {
                tracing::error!("no database connection within {CONNECTION_TIMEOUT:?}");
                return Err(ServiceError::unavailable());
            }
        };
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            span.in_scope(|| {
                let mut conn = pool.get()?;
                f(&mut conn)
            })
        })
        .await
        .map_err(|_| ServiceError::internal("the blocking pool is shutting down"))?
    }

    /// Runs `f` in one transaction: one use case, one transaction.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        let gate = self.write_gate.clone();
        self.run(move |conn| {
            let _turn = gate.as_ref().map(|g| g.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            in_transaction(conn, f)
        })
        .await
    }
}

impl Db {
    /// Keeps the query planner's statistics fresh: SQLite's `PRAGMA optimize` analyzes
    /// the tables whose contents changed enough (usually it does nothing). PostgreSQL's
    /// autovacuum does this itself.
    pub async fn refresh_statistics(&self) -> Result<(), ServiceError> {
        if let DatabaseUrl::Postgres(_) = self.url() {
            return Ok(());
        }
        self.run(|conn| {
            diesel::sql_query("PRAGMA optimize = 0x10002").execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Runs `f`, whose writes are all one statement on PostgreSQL (atomic by itself), so
    /// that no BEGIN and COMMIT round trips are spent there; on SQLite, where `f` writes
    /// with several statements (which cost no round trip), in a transaction as usual.
    /// Tip intake uses it: the tip's four rows are one statement on PostgreSQL.
    pub async fn run_single_write<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
        T: Send + 'static,
    {
        match self.url() {
            DatabaseUrl::Postgres(_) => self.run(f).await,
            DatabaseUrl::Sqlite(_) => self.transaction(f).await,
        }
    }
}

/// Runs `f` in a transaction. On SQLite the transaction takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting up to the busy timeout for it: a deferred transaction
/// that reads first and writes later fails with "database is locked" as soon as another
/// connection has written in between, which concurrent tips do all the time (and a
/// command-line import while a server runs, or the server's own `PRAGMA optimize`).
pub fn in_transaction<T, E: From<DbError>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(sqlite) = conn else { return nested(conn, f) };
    // Inside a transaction already (the start-up lock, say): a savepoint, as diesel does.
    let depth =
        <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(sqlite)
            .transaction_depth()
            .map_err(DbError::from)?;
    if depth.is_some() {
        return nested(conn, f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE").map_err(DbError::from)?;
    let result = f(conn);
    let DbConnection::Sqlite(sqlite) = conn else { unreachable!("a connection never changes its backend") };
    match result {
        Ok(value) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(sqlite)
                .map_err(DbError::from)?;
            Ok(value)
        }
        Err(err) => {
            let _ = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(sqlite);
            Err(err)
        }
    }
}

/// diesel's own transaction (a savepoint when one is open), for a closure whose error
/// type knows nothing of diesel.
fn nested<T, E: From<DbError>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    enum Failed<E> {
        Inside(E),
        Database(diesel::result::Error),
    }
    impl<E> From<diesel::result::Error> for Failed<E> {
        fn from(err: diesel::result::Error) -> Self {
            Failed::Database(err)
        }
    }
    conn.transaction(|conn| f(conn).map_err(Failed::Inside)).map_err(|failed| match failed {
        Failed::Inside(err) => err,
        Failed::Database(err) => E::from(DbError::from(err)),
    })
}
