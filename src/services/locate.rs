//! From a phone's position to the communes that may hold it.

use crate::db::{admin_units, commune_boxes};
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitRef};
use crate::error::ServiceError;
use crate::state::AppState;

/// A commune whose box holds the point, with the distance to its centre.
pub struct Located {
    pub unit: AdminUnit,
    pub distance_m: u32,
}

/// Great-circle distance in metres between two points in microdegrees.
pub fn distance_m(a: (i64, i64), b: (i64, i64)) -> f64 {
    let to_rad = |e6: i64| (e6 as f64 / 1e6).to_radians();
    let (lat1, lon1, lat2, lon2) = (to_rad(a.0), to_rad(a.1), to_rad(b.0), to_rad(b.1));
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The 2024 communes whose box holds the point, nearest centre first.
pub async fn locate(state: &AppState, lat_e6: i64, lon_e6: i64, limit: usize) -> Result<Vec<Located>, ServiceError> {
    state
        .db
        .run(move |conn| {
            let mut boxes = commune_boxes::holding(conn, Scheme::S2024, lat_e6, lon_e6)?;
            boxes.sort_by(|a, b| {
                let (da, db) = (
                    distance_m((lat_e6, lon_e6), (a.lat_e6, a.lon_e6)),
                    distance_m((lat_e6, lon_e6), (b.lat_e6, b.lon_e6)),
                );
                da.total_cmp(&db)
            });
            let mut out = Vec::new();
            for b in boxes.into_iter().take(limit) {
                let unit = UnitRef { scheme: Scheme::S2024, level: Level::Commune, code: b.code };
                if let Some(unit) = admin_units::find(conn, unit)? {
                    let distance_m = distance_m((lat_e6, lon_e6), (b.lat_e6, b.lon_e6)).round() as u32;
                    out.push(Located { unit, distance_m });
                }
            }
            Ok(out)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_metres() {
        // Rạch Giá to Hà Tiên is about 80 km.
        let rach_gia = (10_012_000, 105_080_000);
        let ha_tien = (10_383_000, 104_488_000);
        let d = distance_m(rach_gia, ha_tien);
        assert!((70_000.0..90_000.0).contains(&d), "{d}");
        assert_eq!(distance_m(rach_gia, rach_gia), 0.0);
    }
}
