//! Case counts for the statistics page.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::schema::cases;
use super::work_list::{Jurisdiction, opened_before, opened_since, within_jurisdiction};
use crate::domain::admin_unit::Scheme;
use crate::domain::case::Status;

/// What case statistics need of one case.
#[derive(Debug, Clone, Queryable)]
pub struct StatsRow {
    pub authority_id: Uuid,
    pub status: Status,
    pub unit_scheme: Option<Scheme>,
    pub district_code: Option<i32>,
    pub commune_code: Option<i32>,
    pub created_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub accept_due_at: Option<NaiveDateTime>,
    pub resolve_due_at: Option<NaiveDateTime>,
}

/// The cases of a jurisdiction opened in `[from, to)`, for statistics.
pub fn stats_rows(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<StatsRow>, DbError> {
    let mut query = cases::table
        .select((
            cases::authority_id,
            cases::status,
            cases::unit_scheme,
            cases::district_code,
            cases::commune_code,
            cases::created_at,
            cases::accepted_at,
            cases::resolved_at,
            cases::accept_due_at,
            cases::resolve_due_at,
        ))
        .filter(opened_since(from))
        .filter(opened_before(to))
        .into_boxed();
    query = within_jurisdiction!(query, within);
    Ok(query.load(conn)?)
}
