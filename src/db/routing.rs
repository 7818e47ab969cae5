//! Routing rules in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{routing_rules, routing_state};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::report::Matter;
use crate::domain::routing::Rule;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = routing_rules)]
struct RuleRow {
    id: Id,
    matter: Option<Matter>,
    unit_scheme: Scheme,
    unit_level: Level,
    unit_code: i32,
    authority_id: Id,
    note: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl RuleRow {
    fn into_domain(self) -> Rule {
        Rule {
            id: self.id.0,
            matter: self.matter,
            unit: UnitRef { scheme: self.unit_scheme, level: self.unit_level, code: self.unit_code },
            authority_id: self.authority_id.0,
            note: self.note,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Rules by id (creation order), after `after`.
pub fn list(conn: &mut DbConnection, after: Option<Uuid>, limit: i64) -> Result<Vec<Rule>, DbError> {
    let mut query = routing_rules::table.select(RuleRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(routing_rules::id.gt(Id(after)));
    }
    Ok(query
        .order(routing_rules::id)
        .limit(limit)
        .load::<RuleRow>(conn)?
        .into_iter()
        .map(RuleRow::into_domain)
        .collect())
}

/// One rule.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Rule>, DbError> {
    Ok(routing_rules::table
        .select(RuleRow::as_select())
        .filter(routing_rules::id.eq(Id(id)))
        .first::<RuleRow>(conn)
        .optional()?
        .map(RuleRow::into_domain))
}

/// The rule for exactly this matter and unit, if there is one.
pub fn find_same(conn: &mut DbConnection, matter: Option<Matter>, unit: UnitRef) -> Result<Option<Rule>, DbError> {
    let mut query = routing_rules::table
        .select(RuleRow::as_select())
        .filter(routing_rules::unit_scheme.eq(unit.scheme))
        .filter(routing_rules::unit_level.eq(unit.level))
        .filter(routing_rules::unit_code.eq(unit.code))
        .into_boxed();
    query = match matter {
        Some(m) => query.filter(routing_rules::matter.eq(Some(m))),
        None => query.filter(routing_rules::matter.is_null()),
    };
    Ok(query.first::<RuleRow>(conn).optional()?.map(RuleRow::into_domain))
}

/// Creates a rule.
pub fn insert(
    conn: &mut DbConnection,
    matter: Option<Matter>,
    unit: UnitRef,
    authority_id: Uuid,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<Rule, DbError> {
    let row = RuleRow {
        id: Id(Uuid::now_v7()),
        matter,
        unit_scheme: unit.scheme,
        unit_level: unit.level,
        unit_code: unit.code,
        authority_id: Id(authority_id),
        note: note.map(str::to_owned),
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(routing_rules::table).values(&row).execute(conn)?;
    bump_version(conn)?;
    Ok(row.into_domain())
}

/// Points an existing rule at another authority.
pub fn set_authority(
    conn: &mut DbConnection,
    id: Uuid,
    authority_id: Uuid,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(routing_rules::table.find(Id(id)))
        .set((
            routing_rules::authority_id.eq(Id(authority_id)),
            routing_rules::note.eq(note),
            routing_rules::updated_at.eq(now),
        ))
        .execute(conn)?;
    bump_version(conn)
}

/// Deletes a rule. Cases keep the decision they were routed by.
pub fn delete(conn: &mut DbConnection, id: Uuid) -> Result<bool, DbError> {
    let deleted = diesel::delete(routing_rules::table.find(Id(id))).execute(conn)? == 1;
    if deleted {
        bump_version(conn)?;
    }
    Ok(deleted)
}

/// Raises the rules' version: called by every change of a rule, in its transaction.
fn bump_version(conn: &mut DbConnection) -> Result<(), DbError> {
    diesel::update(routing_state::table).set(routing_state::version.eq(routing_state::version + 1)).execute(conn)?;
    Ok(())
}

/// The rules' current version.
pub fn version(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(routing_state::table.select(routing_state::version).filter(routing_state::id.eq(1)).first(conn)?)
}

/// Every rule, with the version they make up (read in that order: a change in between
/// leaves the version older than the rules, which only costs a reload later).
pub fn all(conn: &mut DbConnection) -> Result<(i64, Vec<Rule>), DbError> {
    let version = version(conn)?;
    let rows = routing_rules::table.select(RuleRow::as_select()).load::<RuleRow>(conn)?;
    Ok((version, rows.into_iter().map(RuleRow::into_domain).collect()))
}
