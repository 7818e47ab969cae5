//! The place picker of the pages: provinces, then a province's districts (2024 scheme),
//! then the communes below, each list whole and ordered by name.

use std::sync::Arc;

use crate::db::unit_lists::children;
use crate::db::{DbConnection, admin_units};
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitRef};
use crate::error::ServiceError;
use crate::state::AppState;

/// What the picker offers, given what has been chosen so far.
#[derive(Debug, Default)]
pub struct Picker {
    pub provinces: Arc<Vec<AdminUnit>>,
    /// Empty until a province is chosen; always empty in a scheme without districts.
    pub districts: Vec<AdminUnit>,
    /// Empty until the unit above the communes is chosen.
    pub communes: Vec<AdminUnit>,
    /// The province and district in force: those chosen, or those of the commune chosen
    /// (a commune preselected from a phone's position brings its own).
    pub province: Option<i32>,
    pub district: Option<i32>,
}

/// The lists for `scheme` given the province, district and commune chosen so far. A
/// choice that does not belong under the one above it is dropped.
pub async fn picker(
    state: &AppState,
    scheme: Scheme,
    province: Option<i32>,
    district: Option<i32>,
    commune: Option<i32>,
) -> Result<Picker, ServiceError> {
    // An empty form (the common page) needs nothing but the provinces.
    if (province, district, commune) == (None, None, None)
        && let Some(provinces) = state.provinces.cached(scheme)
    {
        return Ok(Picker { provinces, ..Picker::default() });
    }
    let cache = state.provinces.clone();
    state
        .db
        .run(move |conn| {
            let (mut province, mut district) = (province, district);
            if let Some(code) = commune
                && let Some(chain) = admin_units::chain(conn, UnitRef { scheme, level: Level::Commune, code })?
            {
                province = chain.iter().find(|u| u.level == Level::Province).map(|u| u.code);
                district = chain.iter().find(|u| u.level == Level::District).map(|u| u.code);
            }
            let provinces = cache.get(conn, scheme)?;
            let province = province.filter(|code| provinces.iter().any(|p| p.unit.code == *code));
            let has_districts = scheme.levels().contains(&Level::District);
            let districts = match province {
                Some(code) if has_districts => children(conn, scheme, Level::District, Some((Level::Province, code)))?,
                _ => Vec::new(),
            };
            let district = district.filter(|code| districts.iter().any(|d| d.unit.code == *code));
            let above_communes = if has_districts {
                district.map(|code| (Level::District, code))
            } else {
                province.map(|code| (Level::Province, code))
            };
            let communes = match above_communes {
                Some(parent) => children(conn, scheme, Level::Commune, Some(parent))?,
                None => Vec::new(),
            };
            Ok(Picker { provinces, districts, communes, province, district })
        })
        .await
}

/// A commune and every unit above it, with their names, commune first; `None` when the
/// commune does not exist.
pub fn named_chain(conn: &mut DbConnection, commune: UnitRef) -> Result<Option<Vec<AdminUnit>>, ServiceError> {
    let Some(chain) = admin_units::chain(conn, commune)? else { return Ok(None) };
    let mut named = Vec::new();
    for unit in chain {
        if let Some(found) = admin_units::find(conn, unit)? {
            named.push(found);
        }
    }
    Ok(Some(named))
}
