//! Lists of units for pickers, by name; each scheme's provinces remembered by this
//! process, since every form page lists them and units change only by import (restart
//! the service after importing, as for `unit_chains`).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{DbConnection, DbError, admin_units};
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitFilter};

/// More units than any province, district or 2025 province holds.
const MAX_UNITS: i64 = 5_000;

/// Each scheme's provinces, read once.
#[derive(Default)]
pub struct ProvinceCache(RwLock<HashMap<Scheme, Arc<Vec<AdminUnit>>>>);

impl ProvinceCache {
    /// The scheme's provinces, read from the database the first time.
    pub fn get(&self, conn: &mut DbConnection, scheme: Scheme) -> Result<Arc<Vec<AdminUnit>>, DbError> {
        if let Some(found) = self.cached(scheme) {
            return Ok(found);
        }
        let provinces = Arc::new(children(conn, scheme, Level::Province, None)?);
        if let Ok(mut map) = self.0.write() {
            map.insert(scheme, provinces.clone());
        }
        Ok(provinces)
    }

    /// The scheme's provinces if already read.
    pub fn cached(&self, scheme: Scheme) -> Option<Arc<Vec<AdminUnit>>> {
        self.0.read().ok().and_then(|map| map.get(&scheme).cloned())
    }
}

/// The units of `level` under `parent` (`None` for provinces), by name.
pub fn children(
    conn: &mut DbConnection,
    scheme: Scheme,
    level: Level,
    parent: Option<(Level, i32)>,
) -> Result<Vec<AdminUnit>, DbError> {
    let filter = UnitFilter {
        scheme: Some(scheme),
        level: Some(level),
        parent_level: parent.map(|p| p.0),
        parent_code: parent.map(|p| p.1),
        name_contains: None,
    };
    let mut units = admin_units::list(conn, &filter, None, MAX_UNITS)?;
    units.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(units)
}
