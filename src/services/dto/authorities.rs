//! Authorities as clients see them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::admin_units::AdminUnitView;
use crate::domain::authority::Authority;

/// An authority and the units of its jurisdiction.
#[derive(Debug, Serialize)]
pub struct AuthorityView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    /// The number residents call, or null.
    pub phone: Option<String>,
    pub jurisdiction: Vec<AdminUnitView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Authority> for AuthorityView {
    fn from(a: Authority) -> Self {
        AuthorityView {
            id: a.id,
            code: a.code,
            name: a.name,
            kind: a.kind.as_str(),
            phone: a.phone,
            jurisdiction: a.jurisdiction.into_iter().map(AdminUnitView::from).collect(),
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}
