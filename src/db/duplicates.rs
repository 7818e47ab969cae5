//! Possible duplicates of a case: cases nearby, opened close in time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbError;
use super::cases::CaseRow;
use super::column_types::Id;
use super::schema::cases;
use super::{DbConnection, opened_ids};
use crate::domain::case::Status;

/// Open cases that may be about the same group: in the same district (`same_district`;
/// else, or when the case lies in no district, the same commune), opened within `window`
/// of `around`, newest first.
pub fn near(
    conn: &mut DbConnection,
    case: &CaseRow,
    same_district: bool,
    around: NaiveDateTime,
    window: chrono::Duration,
    limit: i64,
) -> Result<Vec<CaseRow>, DbError> {
    let mut query = cases::table
        .select(CaseRow::as_select())
        .filter(cases::id.ne(Id(case.id)))
        .filter(cases::status.eq_any(Status::OPEN))
        .filter(cases::created_at.ge(around - window))
        .filter(cases::created_at.le(around + window))
        .filter(cases::id.ge(Id(opened_ids::lowest_opened_since(around - window))))
        .filter(cases::id.lt(Id(opened_ids::above_opened_before(around + window))))
        .into_boxed();
    let district = case.district_code.filter(|_| same_district);
    query = match (case.unit_scheme, case.province_code, district, case.commune_code) {
        (Some(scheme), Some(province), Some(district), _) => query
            .filter(cases::unit_scheme.eq(scheme))
            .filter(cases::province_code.eq(province))
            .filter(cases::district_code.eq(district)),
        (Some(scheme), _, None, Some(commune)) => {
            query.filter(cases::unit_scheme.eq(scheme)).filter(cases::commune_code.eq(commune))
        }
        _ => return Ok(Vec::new()),
    };
    Ok(query.order(cases::id.desc()).limit(limit).load(conn)?)
}
