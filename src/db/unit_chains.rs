//! Each commune's chain of units and its default (district) authority, remembered by
//! this process: every tip needs them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{DbConnection, DbError, admin_units, authorities};
use crate::domain::admin_unit::UnitRef;

/// An authority as routing needs it: id, code, name.
pub type Holder = (uuid::Uuid, String, String);

/// Reference data every tip needs, remembered by this process: each commune's chain of
/// units and its default (district) authority. Units and authorities change only by
/// import on the command line: restart the service after importing them.
#[derive(Clone, Default)]
pub struct ChainCache {
    known: Arc<RwLock<HashMap<UnitRef, Vec<UnitRef>>>>,
    holders: Arc<RwLock<HashMap<UnitRef, Option<Holder>>>>,
}

impl ChainCache {
    /// The unit's chain, or `None` when the unit does not exist (never remembered, so a
    /// unit imported later is found).
    pub fn get(&self, conn: &mut DbConnection, unit: UnitRef) -> Result<Option<Vec<UnitRef>>, DbError> {
        if let Some(found) = self.known.read().ok().and_then(|known| known.get(&unit).cloned()) {
            return Ok(Some(found));
        }
        let found = admin_units::chain(conn, unit)?;
        if let (Some(found), Ok(mut known)) = (&found, self.known.write()) {
            known.insert(unit, found.clone());
        }
        Ok(found)
    }

    /// The first authority of `kind` whose jurisdiction holds the commune of `chain`
    /// (id, code, name), remembered.
    pub fn holder(
        &self,
        conn: &mut DbConnection,
        kind: crate::domain::authority::AuthorityKind,
        chain: &[UnitRef],
    ) -> Result<Option<Holder>, DbError> {
        let Some(commune) = chain.first().copied() else { return Ok(None) };
        if let Some(found) = self.holders.read().ok().and_then(|h| h.get(&commune).cloned()) {
            return Ok(found);
        }
        let found = authorities::first_holder(conn, kind, chain)?;
        if let Ok(mut holders) = self.holders.write() {
            holders.insert(commune, found.clone());
        }
        Ok(found)
    }
}
