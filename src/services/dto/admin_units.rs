//! Administrative units as clients see them.

use serde::Serialize;

use crate::domain::admin_unit::AdminUnit;

/// An administrative unit. `parent_level`/`parent_code` name the unit directly above.
#[derive(Debug, Serialize)]
pub struct AdminUnitView {
    pub scheme: &'static str,
    pub code: i32,
    pub name: String,
    pub level: &'static str,
    pub parent_level: Option<&'static str>,
    pub parent_code: Option<i32>,
}

impl From<AdminUnit> for AdminUnitView {
    fn from(unit: AdminUnit) -> Self {
        AdminUnitView {
            scheme: unit.unit.scheme.as_str(),
            code: unit.unit.code,
            name: unit.name,
            level: unit.unit.level.as_str(),
            parent_level: unit.parent.map(|p| p.level.as_str()),
            parent_code: unit.parent.map(|p| p.code),
        }
    }
}
