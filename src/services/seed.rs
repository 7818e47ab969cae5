//! First start: an empty database gets the 2024 units shipped with tinbao and one district
//! authority per district, so that a fresh `cargo run` can route a tip anywhere in Viet Nam.

use crate::db::DbConnection;
use crate::db::admin_units;
use crate::db::commune_boxes::{self, CommuneBox};
use crate::domain::admin_unit::UnitFilter;
use crate::domain::admin_unit::{Level, Scheme};
use crate::domain::shipped_units::{CENTROIDS_2024, UNITS_2024};
use crate::error::ServiceError;
use crate::services::imports::{ImportError, default_district_authorities, import_units};

/// Loads the communes' boxes when the database has none (first start, or a database
/// seeded before they existed). Rows for communes the database lacks are skipped.
pub fn seed_boxes_if_empty(conn: &mut DbConnection) -> Result<usize, ServiceError> {
    if !commune_boxes::is_empty(conn, Scheme::S2024)? {
        return Ok(0);
    }
    let known: std::collections::HashSet<i32> = {
        let filter = UnitFilter { scheme: Some(Scheme::S2024), level: Some(Level::Commune), ..Default::default() };
        admin_units::list(conn, &filter, None, i64::MAX)?.into_iter().map(|u| u.unit.code).collect()
    };
    let e6 = |text: &str| text.trim().parse::<f64>().ok().map(|v| (v * 1e6).round() as i64);
    let boxes: Vec<CommuneBox> = CENTROIDS_2024
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let code = f.first()?.trim().parse::<i32>().ok().filter(|c| known.contains(c))?;
            Some(CommuneBox {
                code,
                lat_e6: e6(f.get(1)?)?,
                lon_e6: e6(f.get(2)?)?,
                min_lat_e6: e6(f.get(3)?)?,
                min_lon_e6: e6(f.get(4)?)?,
                max_lat_e6: e6(f.get(5)?)?,
                max_lon_e6: e6(f.get(6)?)?,
            })
        })
        .collect();
    Ok(crate::db::pool::in_transaction(conn, |conn| commune_boxes::insert_all(conn, Scheme::S2024, &boxes))?)
}

/// What seeding did.
#[derive(Debug, Clone, Copy)]
pub struct SeedSummary {
    pub units: usize,
    pub authorities: usize,
}

/// Seeds when the database has no 2024 units; otherwise leaves it alone.
pub fn seed_if_empty(conn: &mut DbConnection) -> Result<Option<SeedSummary>, ServiceError> {
    let filter = UnitFilter { scheme: Some(Scheme::S2024), ..Default::default() };
    if !admin_units::list(conn, &filter, None, 1)?.is_empty() {
        return Ok(None);
    }
    crate::db::pool::in_transaction(conn, |conn| {
        let units = import_units(conn, Scheme::S2024, UNITS_2024.as_bytes()).map_err(|e| match e {
            ImportError::Line(line) => ServiceError::internal(format!("shipped units file: {line}")),
            ImportError::Storage(err) => err.into(),
            ImportError::Refused(err) => err,
        })?;
        let authorities = default_district_authorities(conn)?;
        Ok(Some(SeedSummary { units: units.inserted, authorities: authorities.inserted }))
    })
}
