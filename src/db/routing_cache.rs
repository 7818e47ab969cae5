//! The routing rules as each instance last read them. Per process, and safe across
//! instances: a tip is written only while the version it was routed by is current.

use std::sync::{Arc, RwLock};

use super::{DbConnection, DbError, routing};
use crate::domain::routing::Rule;

/// The routing rules as this process last read them, with their version. A tip is
/// written only while that version is current (the check is part of the tip's write),
/// so a rule changed on any instance takes effect for the very next tip everywhere.
#[derive(Clone, Default)]
pub struct RulesCache {
    known: Arc<RwLock<Option<VersionedRules>>>,
}

/// Every rule, and the version they make up.
pub type VersionedRules = (i64, Arc<Vec<Rule>>);

impl RulesCache {
    /// The cached rules and their version, read from the database when not known.
    pub fn get(&self, conn: &mut DbConnection) -> Result<VersionedRules, DbError> {
        if let Some(known) = self.known.read().ok().and_then(|k| k.clone()) {
            return Ok(known);
        }
        let (version, rules) = routing::all(conn)?;
        let known = (version, Arc::new(rules));
        if let Ok(mut slot) = self.known.write() {
            *slot = Some(known.clone());
        }
        Ok(known)
    }

    /// Forgets the rules: the version moved on.
    pub fn forget(&self) {
        if let Ok(mut slot) = self.known.write() {
            *slot = None;
        }
    }
}
