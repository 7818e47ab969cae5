//! Importing administrative units and authorities from CSV files. Each import is one
//! transaction: a malformed file, or one that names an unknown unit, changes nothing.

use std::collections::BTreeSet;
use std::io::Read;

use crate::clock::now;
use crate::db::UpsertCounts;
use crate::db::admin_units;
use crate::db::authorities::{self, AuthorityInput};
use crate::db::{DbConnection, DbError};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::audit::Origin;
use crate::domain::authority::default_district_authority;
use crate::domain::authority_csv::parse_authorities;
use crate::domain::csv_rows::LineError;
use crate::domain::unit_csv::parse_units;
use crate::error::ServiceError;

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is wrong; the message names the line.
    #[error(transparent)]
    Line(#[from] LineError),
    /// The database failed.
    #[error("the database refused the import ({0})")]
    Storage(#[from] DbError),
    /// A rule of the use case refused it.
    #[error("the import was refused ({})", .0.code)]
    Refused(#[from] ServiceError),
}

/// Imports a units file of `scheme`.
pub fn import_units(conn: &mut DbConnection, scheme: Scheme, input: impl Read) -> Result<UpsertCounts, ImportError> {
    let units = parse_units(scheme, input)?;
    crate::db::pool::in_transaction(conn, |conn| Ok(admin_units::upsert(conn, &units)?))
}

/// Imports an authorities file. Every unit it names must already exist.
pub fn import_authorities(conn: &mut DbConnection, input: impl Read) -> Result<UpsertCounts, ImportError> {
    let records = parse_authorities(input)?;
    crate::db::pool::in_transaction(conn, |conn| {
        for record in &records {
            for unit in &record.units {
                if admin_units::find(conn, *unit)?.is_none() {
                    return Err(LineError::new(
                        record.line,
                        format!("units: {unit} does not exist; import the units first"),
                    )
                    .into());
                }
            }
        }
        let inputs: Vec<AuthorityInput> = records
            .into_iter()
            .map(|r| AuthorityInput { code: r.code, name: r.name, kind: r.kind, units: r.units, phone: r.phone })
            .collect();
        Ok(authorities::upsert(conn, &inputs, &Origin::system("authorities-import"), now())?)
    })
}

/// The authorities that the shipped 2024 units imply: one per district, covering it.
pub fn default_district_authorities(conn: &mut DbConnection) -> Result<UpsertCounts, ServiceError> {
    let filter = crate::domain::admin_unit::UnitFilter {
        scheme: Some(Scheme::S2024),
        level: Some(Level::District),
        ..Default::default()
    };
    let districts = admin_units::list(conn, &filter, None, i64::MAX)?;
    let inputs: Vec<AuthorityInput> = districts
        .iter()
        .map(|district| {
            let (code, name) = default_district_authority(district);
            let units: BTreeSet<UnitRef> = [district.unit].into();
            AuthorityInput { code, name, kind: crate::domain::authority::AuthorityKind::District, units, phone: None }
        })
        .collect();
    Ok(authorities::upsert(conn, &inputs, &Origin::system("seed"), now())?)
}
