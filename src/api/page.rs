//! Keyset pagination: `{"items": [...], "next_cursor": "..."}`. A cursor names the last
//! item of the previous page in a plain, documented form (`2024.district.902` for units,
//! an authority's code for authorities): any well-formed cursor is a valid position, so a
//! client can never be stuck with one that the server refuses.

use serde::Serialize;

use crate::domain::admin_unit::UnitRef;

/// The default and the largest page size (every face reads `limit` through `http::params`).
pub use crate::http::params::{DEFAULT_LIMIT, MAX_LIMIT};

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The cursor that continues after `unit`.
pub fn unit_cursor(unit: UnitRef) -> String {
    format!("{}.{}.{}", unit.scheme, unit.level, unit.code)
}
