//! Communes' approximate centres and boxes, for turning a phone's position into a commune.

use diesel::prelude::*;

use super::DbError;
use super::schema::commune_boxes;
use super::{DbConnection, on_backend};
use crate::domain::admin_unit::Scheme;

const INSERT_CHUNK: usize = 500;

/// A commune's centre and box, in microdegrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct CommuneBox {
    pub code: i32,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub min_lat_e6: i64,
    pub min_lon_e6: i64,
    pub max_lat_e6: i64,
    pub max_lon_e6: i64,
}

#[derive(Insertable)]
#[diesel(table_name = commune_boxes)]
struct NewBox {
    scheme: Scheme,
    code: i32,
    lat_e6: i64,
    lon_e6: i64,
    min_lat_e6: i64,
    min_lon_e6: i64,
    max_lat_e6: i64,
    max_lon_e6: i64,
}

const COLUMNS: (
    commune_boxes::code,
    commune_boxes::lat_e6,
    commune_boxes::lon_e6,
    commune_boxes::min_lat_e6,
    commune_boxes::min_lon_e6,
    commune_boxes::max_lat_e6,
    commune_boxes::max_lon_e6,
) = (
    commune_boxes::code,
    commune_boxes::lat_e6,
    commune_boxes::lon_e6,
    commune_boxes::min_lat_e6,
    commune_boxes::min_lon_e6,
    commune_boxes::max_lat_e6,
    commune_boxes::max_lon_e6,
);

/// Whether the scheme has no boxes yet.
pub fn is_empty(conn: &mut DbConnection, scheme: Scheme) -> Result<bool, DbError> {
    let count: i64 = commune_boxes::table.filter(commune_boxes::scheme.eq(scheme)).count().get_result(conn)?;
    Ok(count == 0)
}

/// Stores boxes (of communes that exist in `scheme`).
pub fn insert_all(conn: &mut DbConnection, scheme: Scheme, boxes: &[CommuneBox]) -> Result<usize, DbError> {
    let rows: Vec<NewBox> = boxes
        .iter()
        .map(|b| NewBox {
            scheme,
            code: b.code,
            lat_e6: b.lat_e6,
            lon_e6: b.lon_e6,
            min_lat_e6: b.min_lat_e6,
            min_lon_e6: b.min_lon_e6,
            max_lat_e6: b.max_lat_e6,
            max_lon_e6: b.max_lon_e6,
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(commune_boxes::table).values(chunk).execute(c))?;
    }
    Ok(rows.len())
}

/// The boxes that hold a point.
pub fn holding(conn: &mut DbConnection, scheme: Scheme, lat_e6: i64, lon_e6: i64) -> Result<Vec<CommuneBox>, DbError> {
    Ok(commune_boxes::table
        .select(COLUMNS)
        .filter(commune_boxes::scheme.eq(scheme))
        .filter(commune_boxes::min_lat_e6.le(lat_e6).and(commune_boxes::max_lat_e6.ge(lat_e6)))
        .filter(commune_boxes::min_lon_e6.le(lon_e6).and(commune_boxes::max_lon_e6.ge(lon_e6)))
        .load::<CommuneBox>(conn)?)
}

/// One commune's box.
pub fn find(conn: &mut DbConnection, scheme: Scheme, code: i32) -> Result<Option<CommuneBox>, DbError> {
    Ok(commune_boxes::table
        .select(COLUMNS)
        .filter(commune_boxes::scheme.eq(scheme).and(commune_boxes::code.eq(code)))
        .first::<CommuneBox>(conn)
        .optional()?)
}
