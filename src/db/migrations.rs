//! Schema migrations, embedded in the binary: `migrations/sqlite` and `migrations/postgres`
//! hold the same migration names, one SQL dialect each.

use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;
use super::DbError;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock that serialises start-up work (migrations, seeding)
/// when several tinbao nodes start at once on one database.
const STARTUP_LOCK_KEY: i64 = 0x7469_6e62_616f; // "tinbao"

/// Applies every pending migration; returns the names of those applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES).map(names),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(names),
    };
    applied.map_err(|e| DbError::broken(format!("migration failed: {e}")))
}

/// How many migrations the database still lacks (0 when it is up to date).
pub fn pending_count(conn: &mut DbConnection) -> Result<usize, DbError> {
    let pending = match conn {
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES).map(|m| m.len()),
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE).map(|m| m.len()),
    };
    pending.map_err(|e| match e.downcast_ref::<diesel::result::Error>() {
        // The database went away (readiness asks this first): unavailable, not broken.
        Some(lost) if super::error::is_connection_lost(lost) => DbError::Unavailable(lost.to_string()),
        _ => DbError::broken(format!("cannot read migration state: {e}")),
    })
}

/// Runs `f` while holding the start-up lock. On SQLite the file lock taken by a write
/// transaction is enough; on PostgreSQL several nodes may start together.
pub fn with_startup_lock<T, E: From<DbError>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    if matches!(conn, DbConnection::Sqlite(_)) {
        return f(conn);
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})")).execute(conn).map_err(DbError::from)?;
    let result = f(conn);
    diesel::sql_query(format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})")).execute(conn).map_err(DbError::from)?;
    result
}

fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    versions.into_iter().map(|v| v.to_string()).collect()
}
