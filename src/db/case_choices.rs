//! What the case page's selects offer: the officers a case may be assigned to, and the
//! authorities of its province that it may be transferred to.

use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{admin_units, authorities, authority_units, users};
use crate::domain::account::Role;
use crate::domain::admin_unit::{Level, Scheme};

/// The active officers of an authority (who `policy::may_be_assigned` admits), by name:
/// their display name, or their login where they have none.
pub fn officers_of(conn: &mut DbConnection, authority: Uuid) -> Result<Vec<(Uuid, String)>, DbError> {
    let rows: Vec<(Uuid, String, Option<String>)> = users::table
        .select((users::id, users::login, users::display_name))
        .filter(users::role.eq(Role::DistrictOfficer))
        .filter(users::authority_id.eq(Id(authority)))
        .filter(users::disabled.eq(false))
        .filter(users::pending_until.is_null())
        .load(conn)?;
    let mut named: Vec<(Uuid, String)> =
        rows.into_iter().map(|(id, login, name)| (id, name.unwrap_or(login))).collect();
    named.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(named)
}

/// The authorities whose jurisdiction names the province or a unit directly under it,
/// by name.
pub fn authorities_in_province(
    conn: &mut DbConnection,
    scheme: Scheme,
    province: i32,
) -> Result<Vec<(Uuid, String)>, DbError> {
    let children: Vec<i32> = admin_units::table
        .select(admin_units::code)
        .filter(admin_units::scheme.eq(scheme))
        .filter(admin_units::parent_level.eq(Level::Province))
        .filter(admin_units::parent_code.eq(province))
        .load(conn)?;
    let mut ids: Vec<Uuid> = Vec::new();
    // In chunks: a province of the 2025 map has up to a few hundred communes.
    for chunk in children.chunks(500) {
        ids.extend(
            authority_units::table
                .select(authority_units::authority_id)
                .filter(authority_units::unit_scheme.eq(scheme))
                .filter(authority_units::unit_level.ne(Level::Province))
                .filter(authority_units::unit_code.eq_any(chunk))
                .load::<Uuid>(conn)?,
        );
    }
    ids.extend(
        authority_units::table
            .select(authority_units::authority_id)
            .filter(authority_units::unit_scheme.eq(scheme))
            .filter(authority_units::unit_level.eq(Level::Province))
            .filter(authority_units::unit_code.eq(province))
            .load::<Uuid>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    let mut named: Vec<(Uuid, String)> = Vec::new();
    for chunk in ids.chunks(500) {
        named.extend(
            authorities::table
                .select((authorities::id, authorities::name))
                .filter(authorities::id.eq_any(chunk.iter().copied().map(Id)))
                .load::<(Uuid, String)>(conn)?,
        );
    }
    named.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(named)
}
