//! The only module that names diesel: connections, the pool, migrations, the schema and
//! the repositories. Everything above it sees plain domain values.

pub mod admin_units;
pub mod audit;
pub mod authorities;
pub mod browser_sessions;
pub mod case_choices;
pub mod case_notes;
pub mod case_search;
pub mod case_stats;
pub mod cases;
pub mod clients;
pub mod codes;
pub mod column_types;
pub mod commune_boxes;
pub mod counted_together;
pub mod devices;
pub mod duplicates;
pub mod error;
pub mod idempotency;
pub mod migrations;
pub mod opened_ids;
pub mod outbox;
pub mod page_limit;
pub mod pool;
pub mod rate_counters;
pub mod report_messages;
pub mod reports;
pub mod routing;
pub mod routing_cache;
pub mod sample_cases;
pub mod schema;
pub mod sealed_columns;
pub mod sessions;
pub mod throttle;
pub mod transfers;
pub mod unit_chains;
pub mod unit_lists;
pub mod unplanned_values;
pub mod url;
pub mod users;
pub mod work_list;

pub use error::DbError;
pub use pool::Db;
pub use url::DatabaseUrl;

/// What an import did to the rows it was given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A connection to either backend. The URL's scheme decides which (see [`DatabaseUrl`]).
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs the same diesel expression on whichever concrete connection `conn` holds. For the
/// few statements `MultiConnection` cannot express, such as multi-row inserts.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;
