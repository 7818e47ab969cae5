//! What every handler shares. Nothing here is state between requests: all shared state
//! lives in the database, so that several tinbao nodes can serve one PostgreSQL.

use std::sync::Arc;

use crate::auth::crypto::Sealer;
use crate::auth::password::HashingPool;
use crate::auth::tokens::Keys;
use crate::db::Db;
use crate::limits::Limits;
use crate::metrics::Metrics;

/// Handed to every handler through `web::Data`.
pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    /// Keys that sign and verify access tokens.
    pub keys: Arc<Keys>,
    /// The bounded pool for password hashing.
    pub hashing: HashingPool,
    /// The key that seals reporters' contacts.
    pub sealer: Arc<Sealer>,
    /// Abuse limits per client address.
    pub limits: Arc<Limits>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Communes' chains of units, for routing.
    pub unit_chains: crate::db::admin_units::ChainCache,
    /// The routing rules and their version, for routing.
    pub routing_rules: crate::services::routing::RulesCache,
    /// Time to accept and to resolve a case, per priority.
    pub deadlines: crate::domain::case::Deadlines,
    /// Which cases are suggested as possible duplicates.
    pub duplicates: crate::domain::case::DuplicateRule,
}

impl AppState {
    /// The client's address (see `routes::address`).
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
        crate::routes::address::client_address(req, &self.trusted_proxies)
    }
}
