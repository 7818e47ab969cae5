//! Routing rules in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::admin_units::unit_ref;
use super::schema::{routing_rules, routing_state};
use crate::domain::admin_unit::UnitRef;
use crate::domain::routing::Rule;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = routing_rules)]
struct RuleRow {
    id: String,
    matter: Option<String>,
    unit_scheme: String,
    unit_level: String,
    unit_code: i32,
    authority_id: String,
    note: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl RuleRow {
    fn into_domain(self) -> Result<Rule, DbError> {
        let id = |t: &str| Uuid::parse_str(t).map_err(|_| DbError::broken("a stored routing rule is not valid"));
        Ok(Rule {
            id: id(&self.id)?,
            matter: self.matter,
            unit: unit_ref(&self.unit_scheme, &self.unit_level, self.unit_code)?,
            authority_id: id(&self.authority_id)?,
            note: self.note,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Rules by id (creation order), after `after`.
pub fn list(conn: &mut DbConnection, after: Option<Uuid>, limit: i64) -> Result<Vec<Rule>, DbError> {
    let mut query = routing_rules::table.select(RuleRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(routing_rules::id.gt(after.to_string()));
    }
    query.order(routing_rules::id).limit(limit).load::<RuleRow>(conn)?.into_iter().map(RuleRow::into_domain).collect()
}

/// One rule.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<Rule>, DbError> {
    routing_rules::table
        .select(RuleRow::as_select())
        .filter(routing_rules::id.eq(id.to_string()))
        .first::<RuleRow>(conn)
        .optional()?
        .map(RuleRow::into_domain)
        .transpose()
}

/// The rule for exactly this matter and unit, if there is one.
pub fn find_same(conn: &mut DbConnection, matter: Option<&str>, unit: UnitRef) -> Result<Option<Rule>, DbError> {
    let mut query = routing_rules::table
        .select(RuleRow::as_select())
        .filter(routing_rules::unit_scheme.eq(unit.scheme.as_str()))
        .filter(routing_rules::unit_level.eq(unit.level.as_str()))
        .filter(routing_rules::unit_code.eq(unit.code))
        .into_boxed();
    query = match matter {
        Some(m) => query.filter(routing_rules::matter.eq(m.to_owned())),
        None => query.filter(routing_rules::matter.is_null()),
    };
    query.first::<RuleRow>(conn).optional()?.map(RuleRow::into_domain).transpose()
}

/// Creates a rule.
pub fn insert(
    conn: &mut DbConnection,
    matter: Option<&str>,
    unit: UnitRef,
    authority_id: Uuid,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<Rule, DbError> {
    let row = RuleRow {
        id: Uuid::now_v7().to_string(),
        matter: matter.map(str::to_owned),
        unit_scheme: unit.scheme.as_str().to_owned(),
        unit_level: unit.level.as_str().to_owned(),
        unit_code: unit.code,
        authority_id: authority_id.to_string(),
        note: note.map(str::to_owned),
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(routing_rules::table).values(&row).execute(conn)?;
    bump_version(conn)?;
    row.into_domain()
}

/// Points an existing rule at another authority.
pub fn set_authority(
    conn: &mut DbConnection,
    id: Uuid,
    authority_id: Uuid,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(routing_rules::table.find(id.to_string()))
        .set((
            routing_rules::authority_id.eq(authority_id.to_string()),
            routing_rules::note.eq(note),
            routing_rules::updated_at.eq(now),
        ))
        .execute(conn)?;
    bump_version(conn)
}

/// Deletes a rule. Cases keep the decision they were routed by.
pub fn delete(conn: &mut DbConnection, id: Uuid) -> Result<bool, DbError> {
    let deleted = diesel::delete(routing_rules::table.find(id.to_string())).execute(conn)? == 1;
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
    Ok((version, rows.into_iter().map(RuleRow::into_domain).collect::<Result<Vec<_>, _>>()?))
}
