//! Administrative units in the database.

use std::collections::HashMap;

use diesel::prelude::*;

use super::DbError;
use super::schema::admin_units::{self, dsl};
use super::{DbConnection, UpsertCounts, on_backend};
use crate::domain::admin_unit::UnitFilter;
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitRef};
use crate::domain::text::{escape_like, fold};

/// Rows per multi-row insert: well under both backends' limit on bound parameters.
const INSERT_CHUNK: usize = 500;

#[derive(Queryable, Selectable)]
#[diesel(table_name = admin_units)]
struct UnitRow {
    scheme: Scheme,
    level: Level,
    code: i32,
    name: String,
    parent_level: Option<Level>,
    parent_code: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = admin_units)]
struct NewUnit<'a> {
    scheme: Scheme,
    level: Level,
    code: i32,
    name: &'a str,
    name_folded: String,
    parent_level: Option<Level>,
    parent_code: Option<i32>,
}

impl From<UnitRow> for AdminUnit {
    fn from(row: UnitRow) -> Self {
        let unit = UnitRef { scheme: row.scheme, level: row.level, code: row.code };
        let parent = match (row.parent_level, row.parent_code) {
            (Some(level), Some(code)) => Some(UnitRef { scheme: row.scheme, level, code }),
            _ => None,
        };
        AdminUnit { unit, name: row.name, parent }
    }
}

/// Lists units ordered by (scheme, level, code), starting after `after`.
pub fn list(
    conn: &mut DbConnection,
    filter: &UnitFilter,
    after: Option<UnitRef>,
    limit: i64,
) -> Result<Vec<AdminUnit>, DbError> {
    let mut query = dsl::admin_units.select(UnitRow::as_select()).into_boxed();
    if let Some(scheme) = filter.scheme {
        query = query.filter(dsl::scheme.eq(scheme));
    }
    if let Some(level) = filter.level {
        query = query.filter(dsl::level.eq(level));
    }
    if let Some(parent_code) = filter.parent_code {
        query = query.filter(dsl::parent_code.eq(parent_code));
    }
    if let Some(parent_level) = filter.parent_level {
        query = query.filter(dsl::parent_level.eq(parent_level));
    }
    if let Some(text) = &filter.name_contains {
        let pattern = format!("%{}%", escape_like(&fold(text)));
        query = query.filter(dsl::name_folded.like(pattern).escape('\\'));
    }
    if let Some(after) = after {
        let (s, l) = (after.scheme.as_str(), after.level.as_str());
        query = query.filter(
            dsl::scheme
                .gt(s)
                .or(dsl::scheme.eq(s).and(dsl::level.gt(l)))
                .or(dsl::scheme.eq(s).and(dsl::level.eq(l)).and(dsl::code.gt(after.code))),
        );
    }
    Ok(query
        .order((dsl::scheme, dsl::level, dsl::code))
        .limit(limit)
        .load::<UnitRow>(conn)?
        .into_iter()
        .map(AdminUnit::from)
        .collect())
}

/// The units with `code`, in `scheme` (or any) at `level` (or any).
pub fn find_by_code(
    conn: &mut DbConnection,
    scheme: Option<Scheme>,
    level: Option<Level>,
    code: i32,
) -> Result<Vec<AdminUnit>, DbError> {
    let mut query = dsl::admin_units.select(UnitRow::as_select()).filter(dsl::code.eq(code)).into_boxed();
    if let Some(scheme) = scheme {
        query = query.filter(dsl::scheme.eq(scheme));
    }
    if let Some(level) = level {
        query = query.filter(dsl::level.eq(level));
    }
    Ok(query.load::<UnitRow>(conn)?.into_iter().map(AdminUnit::from).collect())
}

/// One unit, if it exists.
pub fn find(conn: &mut DbConnection, unit: UnitRef) -> Result<Option<AdminUnit>, DbError> {
    Ok(find_by_code(conn, Some(unit.scheme), Some(unit.level), unit.code)?.into_iter().next())
}

/// The unit and every unit above it, nearest first.
pub fn self_and_ancestors(conn: &mut DbConnection, unit: UnitRef) -> Result<Vec<UnitRef>, DbError> {
    let mut chain = vec![unit];
    let mut current = find(conn, unit)?;
    while let Some(parent) = current.and_then(|u| u.parent) {
        if chain.contains(&parent) {
            break; // a cycle would be a data error; never loop on it
        }
        chain.push(parent);
        current = find(conn, parent)?;
    }
    Ok(chain)
}

/// Whether the database holds no units at all.
pub fn is_empty(conn: &mut DbConnection) -> Result<bool, DbError> {
    let count: i64 = dsl::admin_units.count().get_result(conn)?;
    Ok(count == 0)
}

/// Inserts new units and updates changed ones. `units` must come parents first. Units the
/// database has and `units` lacks are kept: cases and jurisdictions may still refer to them.
pub fn upsert(conn: &mut DbConnection, units: &[AdminUnit]) -> Result<UpsertCounts, DbError> {
    let schemes: Vec<Scheme> = {
        let mut s: Vec<Scheme> = units.iter().map(|u| u.unit.scheme).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let existing: HashMap<UnitRef, AdminUnit> = dsl::admin_units
        .select(UnitRow::as_select())
        .filter(dsl::scheme.eq_any(&schemes))
        .load::<UnitRow>(conn)?
        .into_iter()
        .map(|row| {
            let unit = AdminUnit::from(row);
            (unit.unit, unit)
        })
        .collect();

    let mut counts = UpsertCounts::default();
    let mut new_units = Vec::new();
    for unit in units {
        match existing.get(&unit.unit) {
            None => new_units.push(new_row(unit)),
            Some(known) if known == unit => counts.unchanged += 1,
            Some(_) => {
                let target = dsl::admin_units.find((unit.unit.scheme, unit.unit.level, unit.unit.code));
                diesel::update(target)
                    .set((
                        dsl::name.eq(&unit.name),
                        dsl::name_folded.eq(fold(&unit.name)),
                        dsl::parent_level.eq(unit.parent.map(|p| p.level)),
                        dsl::parent_code.eq(unit.parent.map(|p| p.code)),
                    ))
                    .execute(conn)?;
                counts.updated += 1;
            }
        }
    }
    for chunk in new_units.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(dsl::admin_units).values(chunk).execute(c))?;
    }
    counts.inserted = new_units.len();
    Ok(counts)
}

fn new_row(unit: &AdminUnit) -> NewUnit<'_> {
    NewUnit {
        scheme: unit.unit.scheme,
        level: unit.unit.level,
        code: unit.unit.code,
        name: &unit.name,
        name_folded: fold(&unit.name),
        parent_level: unit.parent.map(|p| p.level),
        parent_code: unit.parent.map(|p| p.code),
    }
}

/// The unit and every unit above it, nearest first; `None` when the unit does not exist.
pub fn chain(conn: &mut DbConnection, unit: UnitRef) -> Result<Option<Vec<UnitRef>>, DbError> {
    if find(conn, unit)?.is_none() {
        return Ok(None);
    }
    self_and_ancestors(conn, unit).map(Some)
}
