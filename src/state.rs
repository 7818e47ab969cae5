//! What every handler shares. Nothing here is state between requests: all shared state
//! lives in the database, so that several tinbao nodes can serve one PostgreSQL.

use std::sync::Arc;

use crate::auth::password::HashingPool;
use crate::auth::tokens::Keys;
use crate::db::Db;
use crate::metrics::Metrics;

/// Handed to every handler through `web::Data`.
pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    /// Keys that sign and verify access tokens.
    pub keys: Arc<Keys>,
    /// The bounded pool for password hashing.
    pub hashing: HashingPool,
}
