//! What every use case shares: the pool, keys, and per-process caches and first-gate
//! limiters. State that must agree across instances lives in the database (several
//! tinbao nodes can serve one PostgreSQL): the caches here are checked against it (the
//! routing rules' version) or hold data that does not change while a node runs (units).

use std::sync::Arc;

use crate::auth::index_key::IndexKey;
use crate::auth::keyring::Keyring;
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
    /// The keys that seal values at rest (reporters' contacts, second-factor secrets).
    pub keyring: Arc<Keyring>,
    /// The key of keyed digests (throttle buckets).
    pub index_key: Arc<IndexKey>,
    /// Whether SMS can be sent (a gateway is configured): registration and password
    /// resets need it.
    pub sms_enabled: bool,
    /// Wakes this instance's outbox worker when a use case queued a message.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The shared abuse limits' settings.
    pub rates: crate::limits::Rates,
    /// Abuse limits per client address.
    pub limits: Arc<Limits>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Communes' chains of units, for routing.
    pub unit_chains: crate::db::unit_chains::ChainCache,
    /// The routing rules and their version, for routing.
    pub routing_rules: crate::db::routing_cache::RulesCache,
    /// Time to accept and to resolve a case, per priority.
    pub deadlines: crate::domain::case::Deadlines,
    /// Which cases are suggested as possible duplicates.
    pub duplicates: crate::domain::case::DuplicateRule,
    /// Each scheme's provinces, for the pages' place picker.
    pub provinces: Arc<crate::db::unit_lists::ProvinceCache>,
}
