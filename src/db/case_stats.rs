//! Case counts for the statistics page.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::schema::{admin_units, cases, commune_boxes, reports};
use super::work_list::{Jurisdiction, opened_before, opened_since, within_jurisdiction};
use crate::domain::admin_unit::{Level, Scheme};
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

/// When each tip of the jurisdiction's cases opened in `[from, to)` came in (also in
/// that window), with its case's status now: the supervisors' chart of tips per day.
/// Bounded by the cases' window, so that only that part of a `(scope, id)` index is
/// read; a tip that joined an older case is not counted (see decisions).
pub fn tips_received(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(NaiveDateTime, Status)>, DbError> {
    let mut query = cases::table
        .inner_join(reports::table.on(reports::case_id.eq(cases::id)))
        .select((reports::created_at, cases::status))
        .filter(opened_since(from))
        .filter(opened_before(to))
        .filter(reports::created_at.ge(from))
        .filter(reports::created_at.lt(to))
        .into_boxed();
    query = within_jurisdiction!(query, within);
    Ok(query.load(conn)?)
}

/// How many open cases a commune holds (no scheme or code: cases whose place is not known
/// to a commune).
#[derive(Debug, Clone, Queryable)]
pub struct CommuneCount {
    pub scheme: Option<Scheme>,
    pub code: Option<i32>,
    pub open: i64,
}

/// A commune's name and approximate centre (microdegrees; `None` where none is known).
#[derive(Debug, Clone)]
pub struct CommunePlace {
    pub code: i32,
    pub name: String,
    pub centre: Option<(i64, i64)>,
}

/// How many open cases of a jurisdiction each commune holds.
pub fn open_by_commune(conn: &mut DbConnection, within: &Jurisdiction) -> Result<Vec<CommuneCount>, DbError> {
    let mut query = cases::table
        .group_by((cases::unit_scheme, cases::commune_code))
        .select((cases::unit_scheme, cases::commune_code, diesel::dsl::count_star()))
        .filter(cases::status.eq_any(Status::OPEN))
        .into_boxed();
    query = within_jurisdiction!(query, within);
    Ok(query.load(conn)?)
}

/// The names and centres of a scheme's communes.
pub fn communes(conn: &mut DbConnection, scheme: Scheme, codes: &[i32]) -> Result<Vec<CommunePlace>, DbError> {
    let mut found = Vec::with_capacity(codes.len());
    // In chunks: both backends limit the bound parameters of one statement.
    for chunk in codes.chunks(500) {
        let names: Vec<(i32, String)> = admin_units::table
            .select((admin_units::code, admin_units::name))
            .filter(admin_units::scheme.eq(scheme))
            .filter(admin_units::level.eq(Level::Commune))
            .filter(admin_units::code.eq_any(chunk))
            .load(conn)?;
        let centres: Vec<(i32, i64, i64)> = commune_boxes::table
            .select((commune_boxes::code, commune_boxes::lat_e6, commune_boxes::lon_e6))
            .filter(commune_boxes::scheme.eq(scheme))
            .filter(commune_boxes::code.eq_any(chunk))
            .load(conn)?;
        let centre = |code: i32| centres.iter().find(|c| c.0 == code).map(|c| (c.1, c.2));
        found.extend(names.into_iter().map(|(code, name)| CommunePlace { code, name, centre: centre(code) }));
    }
    Ok(found)
}
