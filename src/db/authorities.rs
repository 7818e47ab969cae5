//! Authorities and their jurisdictions in the database.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::DbError;
use super::admin_units::unit_ref;
use super::schema::{admin_units, authorities, authority_units};
use super::{DbConnection, UpsertCounts, on_backend};
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitRef};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::authority::{Authority, AuthorityKind, search_key};
use crate::domain::text::{escape_like, fold};

const INSERT_CHUNK: usize = 500;

/// (authority id, scheme, level, code, name, parent level, parent code)
type JurisdictionUnit = (String, String, String, i32, String, Option<String>, Option<i32>);

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = authorities)]
struct AuthorityRow {
    id: String,
    code: String,
    name: String,
    name_folded: String,
    kind: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = authority_units)]
struct JurisdictionRow<'a> {
    authority_id: &'a str,
    unit_scheme: &'static str,
    unit_level: &'static str,
    unit_code: i32,
}

/// An authority to create or update.
#[derive(Debug, Clone)]
pub struct AuthorityInput {
    pub code: String,
    pub name: String,
    pub kind: AuthorityKind,
    pub units: BTreeSet<UnitRef>,
}

/// What a list of authorities is narrowed to.
#[derive(Debug, Default, Clone)]
pub struct AuthorityFilter {
    pub kind: Option<AuthorityKind>,
    /// Only authorities whose jurisdiction names one of these units.
    pub covering_any: Option<Vec<UnitRef>>,
    /// Only authorities whose jurisdiction names a unit of this scheme.
    pub jurisdiction_scheme: Option<Scheme>,
    /// Only authorities whose jurisdiction names a unit of this level.
    pub jurisdiction_level: Option<Level>,
    /// Text to find in the code or name, ignoring diacritics and case.
    pub name_contains: Option<String>,
}

/// Lists authorities ordered by code, starting after the code `after`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuthorityFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Authority>, DbError> {
    let mut query = authorities::table.select(AuthorityRow::as_select()).into_boxed();
    if let Some(units) = &filter.covering_any {
        let ids = authority_ids_covering(conn, units)?;
        query = query.filter(authorities::id.eq_any(ids));
    }
    if filter.jurisdiction_scheme.is_some() || filter.jurisdiction_level.is_some() {
        let mut units = authority_units::table.select(authority_units::authority_id).distinct().into_boxed();
        if let Some(scheme) = filter.jurisdiction_scheme {
            units = units.filter(authority_units::unit_scheme.eq(scheme.as_str()));
        }
        if let Some(level) = filter.jurisdiction_level {
            units = units.filter(authority_units::unit_level.eq(level.as_str()));
        }
        let ids: Vec<String> = units.load(conn)?;
        query = query.filter(authorities::id.eq_any(ids));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(authorities::kind.eq(kind.as_str()));
    }
    if let Some(text) = &filter.name_contains {
        let pattern = format!("%{}%", escape_like(&fold(text)));
        query = query.filter(authorities::name_folded.like(pattern).escape('\\'));
    }
    if let Some(after) = after {
        query = query.filter(authorities::code.gt(after.to_owned()));
    }
    let rows = query.order(authorities::code).limit(limit).load::<AuthorityRow>(conn)?;
    with_jurisdictions(conn, rows)
}

/// One authority by id.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Authority>, DbError> {
    let rows = authorities::table
        .select(AuthorityRow::as_select())
        .filter(authorities::id.eq(id.to_string()))
        .load::<AuthorityRow>(conn)?;
    Ok(with_jurisdictions(conn, rows)?.into_iter().next())
}

fn authority_ids_covering(conn: &mut DbConnection, units: &[UnitRef]) -> Result<Vec<String>, DbError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    // One fixed statement (codes as a list, units matched here): PostgreSQL prepares it once.
    let codes: Vec<i32> = units.iter().map(|u| u.code).collect();
    let rows: Vec<(String, String, String, i32)> = authority_units::table
        .select((
            authority_units::authority_id,
            authority_units::unit_scheme,
            authority_units::unit_level,
            authority_units::unit_code,
        ))
        .filter(authority_units::unit_code.eq_any(codes))
        .load(conn)?;
    let mut ids: Vec<String> = rows
        .into_iter()
        .filter(|(_, scheme, level, code)| {
            units.iter().any(|u| u.scheme.as_str() == scheme && u.level.as_str() == level && u.code == *code)
        })
        .map(|(id, ..)| id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

fn with_jurisdictions(conn: &mut DbConnection, rows: Vec<AuthorityRow>) -> Result<Vec<Authority>, DbError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let units: Vec<JurisdictionUnit> = authority_units::table
        .inner_join(
            admin_units::table.on(admin_units::scheme
                .eq(authority_units::unit_scheme)
                .and(admin_units::level.eq(authority_units::unit_level))
                .and(admin_units::code.eq(authority_units::unit_code))),
        )
        .filter(authority_units::authority_id.eq_any(&ids))
        .select((
            authority_units::authority_id,
            admin_units::scheme,
            admin_units::level,
            admin_units::code,
            admin_units::name,
            admin_units::parent_level,
            admin_units::parent_code,
        ))
        .order((authority_units::unit_scheme, authority_units::unit_level, authority_units::unit_code))
        .load(conn)?;
    let mut by_authority: HashMap<String, Vec<AdminUnit>> = HashMap::new();
    for (authority_id, scheme, level, code, name, parent_level, parent_code) in units {
        let unit = unit_ref(&scheme, &level, code)?;
        let parent = match (parent_level, parent_code) {
            (Some(l), Some(c)) => Some(unit_ref(&scheme, &l, c)?),
            _ => None,
        };
        by_authority.entry(authority_id).or_default().push(AdminUnit { unit, name, parent });
    }
    rows.into_iter()
        .map(|row| {
            let id = Uuid::parse_str(&row.id).map_err(|_| DbError::broken("stored authority id is not a UUID"))?;
            let kind =
                AuthorityKind::parse(&row.kind).ok_or_else(|| DbError::broken("stored authority kind is unknown"))?;
            Ok(Authority {
                id,
                jurisdiction: by_authority.remove(&row.id).unwrap_or_default(),
                code: row.code,
                name: row.name,
                kind,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// Creates authorities that are new (by code) and updates those that changed, replacing
/// their jurisdiction with the one given.
pub fn upsert(
    conn: &mut DbConnection,
    inputs: &[AuthorityInput],
    origin: &Origin,
    now: NaiveDateTime,
) -> Result<UpsertCounts, DbError> {
    let codes: Vec<&str> = inputs.iter().map(|i| i.code.as_str()).collect();
    let mut existing: HashMap<String, Authority> = HashMap::new();
    for chunk in codes.chunks(INSERT_CHUNK) {
        let rows = authorities::table
            .select(AuthorityRow::as_select())
            .filter(authorities::code.eq_any(chunk))
            .load::<AuthorityRow>(conn)?;
        existing.extend(with_jurisdictions(conn, rows)?.into_iter().map(|a| (a.code.clone(), a)));
    }

    let mut counts = UpsertCounts::default();
    let mut new_rows = Vec::new();
    let mut new_ids = Vec::new();
    for input in inputs {
        match existing.get(&input.code) {
            None => {
                let id = Uuid::now_v7().to_string();
                new_ids.push((id.clone(), input));
                new_rows.push(AuthorityRow {
                    id,
                    code: input.code.clone(),
                    name: input.name.clone(),
                    name_folded: search_key(&input.code, &input.name),
                    kind: input.kind.as_str().to_owned(),
                    created_at: now,
                    updated_at: now,
                });
            }
            Some(known) => {
                let known_units: BTreeSet<UnitRef> = known.jurisdiction.iter().map(|u| u.unit).collect();
                if known.name == input.name && known.kind == input.kind && known_units == input.units {
                    counts.unchanged += 1;
                    continue;
                }
                let id = known.id.to_string();
                diesel::update(authorities::table.find(&id))
                    .set((
                        authorities::name.eq(&input.name),
                        authorities::name_folded.eq(search_key(&input.code, &input.name)),
                        authorities::kind.eq(input.kind.as_str()),
                        authorities::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::delete(authority_units::table.filter(authority_units::authority_id.eq(&id))).execute(conn)?;
                insert_jurisdiction(conn, &id, &input.units)?;
                let before =
                    json!({"name": known.name, "kind": known.kind.as_str(), "units": unit_names(&known_units)});
                let summary = json!({"before": before, "after": state_of(input)});
                super::audit::append(conn, ObjectType::Authority, &id, origin, "authority.changed", summary, now)?;
                counts.updated += 1;
            }
        }
    }
    for chunk in new_rows.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(authorities::table).values(chunk).execute(c))?;
    }
    let jurisdiction: Vec<JurisdictionRow<'_>> =
        new_ids.iter().flat_map(|(id, input)| input.units.iter().map(move |u| jurisdiction_row(id, u))).collect();
    for chunk in jurisdiction.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(authority_units::table).values(chunk).execute(c))?;
    }
    for (id, input) in &new_ids {
        let event = super::audit::first_event(
            ObjectType::Authority,
            id,
            origin,
            "authority.created",
            state_of(input).to_string(),
            now,
        );
        super::audit::insert(conn, &event)?;
    }
    counts.inserted = new_rows.len();
    Ok(counts)
}

/// What the audit trail records of an authority.
fn state_of(input: &AuthorityInput) -> serde_json::Value {
    json!({"code": input.code, "name": input.name, "kind": input.kind.as_str(), "units": unit_names(&input.units)})
}

fn unit_names(units: &BTreeSet<UnitRef>) -> Vec<String> {
    units.iter().map(ToString::to_string).collect()
}

fn insert_jurisdiction(conn: &mut DbConnection, id: &str, units: &BTreeSet<UnitRef>) -> Result<(), DbError> {
    let rows: Vec<JurisdictionRow<'_>> = units.iter().map(|u| jurisdiction_row(id, u)).collect();
    on_backend!(conn, |c| diesel::insert_into(authority_units::table).values(&rows).execute(c))?;
    Ok(())
}

fn jurisdiction_row<'a>(id: &'a str, unit: &UnitRef) -> JurisdictionRow<'a> {
    JurisdictionRow {
        authority_id: id,
        unit_scheme: unit.scheme.as_str(),
        unit_level: unit.level.as_str(),
        unit_code: unit.code,
    }
}

/// One authority by code.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Authority>, DbError> {
    let rows = authorities::table
        .select(AuthorityRow::as_select())
        .filter(authorities::code.eq(code))
        .load::<AuthorityRow>(conn)?;
    Ok(with_jurisdictions(conn, rows)?.into_iter().next())
}

/// The first authority, by code, of `kind` whose jurisdiction names one of `units`: id,
/// code and name only (the routing default, on every tip).
pub fn first_holder(
    conn: &mut DbConnection,
    kind: AuthorityKind,
    units: &[UnitRef],
) -> Result<Option<(Uuid, String, String)>, DbError> {
    let ids = authority_ids_covering(conn, units)?;
    if ids.is_empty() {
        return Ok(None);
    }
    let row: Option<(String, String, String)> = authorities::table
        .select((authorities::id, authorities::code, authorities::name))
        .filter(authorities::id.eq_any(ids))
        .filter(authorities::kind.eq(kind.as_str()))
        .order(authorities::code)
        .first(conn)
        .optional()?;
    row.map(|(id, code, name)| {
        Uuid::parse_str(&id)
            .map(|id| (id, code, name))
            .map_err(|_| DbError::broken("stored authority id is not a UUID"))
    })
    .transpose()
}

/// The names of authorities, by id (one query for a page of cases).
pub fn names(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>, DbError> {
    Ok(authorities::table
        .select((authorities::id, authorities::name))
        .filter(authorities::id.eq_any(ids))
        .load(conn)?)
}
