//! Authorities and their jurisdictions in the database.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::DbError;
use super::column_types::Id;
use super::schema::{admin_units, authorities, authority_units};
use super::{DbConnection, UpsertCounts, on_backend};
use crate::domain::admin_unit::{AdminUnit, Level, Scheme, UnitRef};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::authority::{Authority, AuthorityKind, search_key};
use crate::domain::text::{escape_like, fold};

const INSERT_CHUNK: usize = 500;

/// (authority id, scheme, level, code, name, parent level, parent code)
type JurisdictionUnit = (Uuid, Scheme, Level, i32, String, Option<Level>, Option<i32>);

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = authorities)]
struct AuthorityRow {
    id: Id,
    code: String,
    name: String,
    name_folded: String,
    kind: AuthorityKind,
    phone: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = authority_units)]
struct JurisdictionRow {
    authority_id: Id,
    unit_scheme: Scheme,
    unit_level: Level,
    unit_code: i32,
}

/// An authority to create or update.
#[derive(Debug, Clone)]
pub struct AuthorityInput {
    pub code: String,
    pub name: String,
    pub kind: AuthorityKind,
    pub units: BTreeSet<UnitRef>,
    pub phone: Option<String>,
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
        query = query.filter(authorities::id.eq_any(ids.into_iter().map(Id)));
    }
    if filter.jurisdiction_scheme.is_some() || filter.jurisdiction_level.is_some() {
        let mut units = authority_units::table.select(authority_units::authority_id).distinct().into_boxed();
        if let Some(scheme) = filter.jurisdiction_scheme {
            units = units.filter(authority_units::unit_scheme.eq(scheme));
        }
        if let Some(level) = filter.jurisdiction_level {
            units = units.filter(authority_units::unit_level.eq(level));
        }
        let ids: Vec<Uuid> = units.load(conn)?;
        query = query.filter(authorities::id.eq_any(ids.into_iter().map(Id)));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(authorities::kind.eq(kind));
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
        .filter(authorities::id.eq(Id(id)))
        .load::<AuthorityRow>(conn)?;
    Ok(with_jurisdictions(conn, rows)?.into_iter().next())
}

fn authority_ids_covering(conn: &mut DbConnection, units: &[UnitRef]) -> Result<Vec<Uuid>, DbError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    // One fixed statement (codes as a list, units matched here): PostgreSQL prepares it once.
    let codes: Vec<i32> = units.iter().map(|u| u.code).collect();
    let rows: Vec<(Uuid, Scheme, Level, i32)> = authority_units::table
        .select((
            authority_units::authority_id,
            authority_units::unit_scheme,
            authority_units::unit_level,
            authority_units::unit_code,
        ))
        .filter(authority_units::unit_code.eq_any(codes))
        .load(conn)?;
    let mut ids: Vec<Uuid> = rows
        .into_iter()
        .filter(|(_, scheme, level, code)| units.contains(&UnitRef { scheme: *scheme, level: *level, code: *code }))
        .map(|(id, ..)| id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

fn with_jurisdictions(conn: &mut DbConnection, rows: Vec<AuthorityRow>) -> Result<Vec<Authority>, DbError> {
    let ids: Vec<Id> = rows.iter().map(|r| r.id).collect();
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
    let mut by_authority: HashMap<Uuid, Vec<AdminUnit>> = HashMap::new();
    for (authority_id, scheme, level, code, name, parent_level, parent_code) in units {
        let unit = UnitRef { scheme, level, code };
        let parent = match (parent_level, parent_code) {
            (Some(level), Some(code)) => Some(UnitRef { scheme, level, code }),
            _ => None,
        };
        by_authority.entry(authority_id).or_default().push(AdminUnit { unit, name, parent });
    }
    Ok(rows
        .into_iter()
        .map(|row| Authority {
            id: row.id.0,
            jurisdiction: by_authority.remove(&row.id.0).unwrap_or_default(),
            code: row.code,
            name: row.name,
            kind: row.kind,
            phone: row.phone,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
        .collect())
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
                let id = Uuid::now_v7();
                new_ids.push((id, input));
                new_rows.push(AuthorityRow {
                    id: Id(id),
                    code: input.code.clone(),
                    name: input.name.clone(),
                    name_folded: search_key(&input.code, &input.name),
                    kind: input.kind,
                    phone: input.phone.clone(),
                    created_at: now,
                    updated_at: now,
                });
            }
            Some(known) => {
                let known_units: BTreeSet<UnitRef> = known.jurisdiction.iter().map(|u| u.unit).collect();
                if known.name == input.name
                    && known.kind == input.kind
                    && known_units == input.units
                    && known.phone == input.phone
                {
                    counts.unchanged += 1;
                    continue;
                }
                let id = known.id;
                diesel::update(authorities::table.find(Id(id)))
                    .set((
                        authorities::name.eq(&input.name),
                        authorities::name_folded.eq(search_key(&input.code, &input.name)),
                        authorities::kind.eq(input.kind),
                        authorities::phone.eq(&input.phone),
                        authorities::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::delete(authority_units::table.filter(authority_units::authority_id.eq(Id(id))))
                    .execute(conn)?;
                insert_jurisdiction(conn, id, &input.units)?;
                let before = json!({
                    "name": known.name,
                    "kind": known.kind.as_str(),
                    "units": unit_names(&known_units),
                    "phone": known.phone,
                });
                let summary = json!({"before": before, "after": state_of(input)});
                super::audit::append(conn, ObjectType::Authority, id, origin, "authority.changed", summary, now)?;
                counts.updated += 1;
            }
        }
    }
    for chunk in new_rows.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(authorities::table).values(chunk).execute(c))?;
    }
    let jurisdiction: Vec<JurisdictionRow> =
        new_ids.iter().flat_map(|(id, input)| input.units.iter().map(move |u| jurisdiction_row(*id, u))).collect();
    for chunk in jurisdiction.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(authority_units::table).values(chunk).execute(c))?;
    }
    for (id, input) in &new_ids {
        let event = super::audit::first_event(
            ObjectType::Authority,
            &id.to_string(),
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
    let mut state = json!({
        "code": input.code,
        "name": input.name,
        "kind": input.kind.as_str(),
        "units": unit_names(&input.units),
    });
    // Only when set: the trail of authorities created before phones keeps its shape.
    if let Some(phone) = &input.phone {
        state["phone"] = json!(phone);
    }
    state
}

fn unit_names(units: &BTreeSet<UnitRef>) -> Vec<String> {
    units.iter().map(ToString::to_string).collect()
}

fn insert_jurisdiction(conn: &mut DbConnection, id: Uuid, units: &BTreeSet<UnitRef>) -> Result<(), DbError> {
    let rows: Vec<JurisdictionRow> = units.iter().map(|u| jurisdiction_row(id, u)).collect();
    on_backend!(conn, |c| diesel::insert_into(authority_units::table).values(&rows).execute(c))?;
    Ok(())
}

fn jurisdiction_row(id: Uuid, unit: &UnitRef) -> JurisdictionRow {
    JurisdictionRow { authority_id: Id(id), unit_scheme: unit.scheme, unit_level: unit.level, unit_code: unit.code }
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
    Ok(authorities::table
        .select((authorities::id, authorities::code, authorities::name))
        .filter(authorities::id.eq_any(ids.into_iter().map(Id)))
        .filter(authorities::kind.eq(kind))
        .order(authorities::code)
        .first(conn)
        .optional()?)
}

/// An authority's name and the phone residents call, by id.
pub fn contact(conn: &mut DbConnection, id: Uuid) -> Result<Option<(String, Option<String>)>, DbError> {
    Ok(authorities::table
        .select((authorities::name, authorities::phone))
        .filter(authorities::id.eq(Id(id)))
        .first(conn)
        .optional()?)
}

/// The names of authorities, by id (one query for a page of cases).
pub fn names(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(authorities::table
        .select((authorities::id, authorities::name))
        .filter(authorities::id.eq_any(ids.iter().copied().map(Id)))
        .load(conn)?)
}

/// Sets an authority's phone number (`None`: none), audited with what it was; whether the
/// authority exists.
pub fn set_phone(
    conn: &mut DbConnection,
    id: Uuid,
    phone: Option<&str>,
    origin: &Origin,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let Some((_, before)) = contact(conn, id)? else {
        return Ok(false);
    };
    diesel::update(authorities::table.find(Id(id)))
        .set((authorities::phone.eq(phone), authorities::updated_at.eq(now)))
        .execute(conn)?;
    let summary = json!({"before": {"phone": before}, "after": {"phone": phone}});
    super::audit::append(conn, ObjectType::Authority, id, origin, "authority.changed", summary, now)?;
    Ok(true)
}
