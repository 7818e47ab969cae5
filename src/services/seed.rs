//! First start: an empty database gets the 2024 units shipped with tinbao and one district
//! authority per district, so that a fresh `cargo run` can route a tip anywhere in Viet Nam.

use diesel::Connection;

use crate::db::DbConnection;
use crate::db::admin_units::{self, UnitFilter};
use crate::domain::admin_unit::Scheme;
use crate::error::ApiError;
use crate::services::imports::{ImportError, default_district_authorities, import_units};

/// The 2024 three-tier units, as shipped in `data/`.
const UNITS_2024: &str = include_str!("../../data/admin-units-2024.csv");

/// What seeding did.
#[derive(Debug, Clone, Copy)]
pub struct SeedSummary {
    pub units: usize,
    pub authorities: usize,
}

/// Seeds when the database has no 2024 units; otherwise leaves it alone.
pub fn seed_if_empty(conn: &mut DbConnection) -> Result<Option<SeedSummary>, ApiError> {
    let filter = UnitFilter { scheme: Some(Scheme::S2024), ..Default::default() };
    if !admin_units::list(conn, &filter, None, 1)?.is_empty() {
        return Ok(None);
    }
    conn.transaction(|conn| {
        let units = import_units(conn, Scheme::S2024, UNITS_2024.as_bytes()).map_err(|e| match e {
            ImportError::Line(line) => ApiError::internal(format!("shipped units file: {line}")),
            ImportError::Storage(err) => err,
        })?;
        let authorities = default_district_authorities(conn)?;
        Ok(Some(SeedSummary { units: units.inserted, authorities: authorities.inserted }))
    })
}

/// Province names as a person might type them into a password (`kiengiang`, `kien giang`,
/// `giang`), for the password-strength check.
pub fn province_words() -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for line in UNITS_2024.lines().skip(1) {
        let Some(name) = line.split(',').nth(1) else {
            continue;
        };
        let folded = crate::domain::text::fold(name);
        let bare = folded.trim_start_matches("thanh pho ").trim_start_matches("tinh ").to_owned();
        words.insert(bare.replace(' ', ""));
        words.extend(bare.split(' ').filter(|w| w.len() >= 4).map(str::to_owned));
        words.insert(bare);
    }
    words.into_iter().collect()
}
