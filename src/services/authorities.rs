//! Reading authorities and finding who covers a place.

use uuid::Uuid;

use crate::db::Db;
use crate::db::admin_units;
use crate::db::authorities::{self, AuthorityFilter};
use crate::domain::admin_unit::{Level, Scheme};
use crate::domain::authority::{Authority, AuthorityKind};
use crate::error::ApiError;
use crate::i18n::Msg;

/// A place named by the caller: a code in a scheme, at one level or at any level.
#[derive(Debug, Clone, Copy)]
pub struct UnitSelector {
    pub scheme: Scheme,
    pub level: Option<Level>,
    pub code: i32,
}

/// What the caller asks of the list.
#[derive(Debug, Default, Clone)]
pub struct AuthorityQuery {
    /// Only authorities whose jurisdiction holds this unit (the unit itself or a unit above it).
    pub holding: Option<UnitSelector>,
    pub kind: Option<AuthorityKind>,
    pub name_contains: Option<String>,
}

/// A page of authorities and, when more follow, the code of the last one.
pub struct AuthorityPage {
    pub items: Vec<Authority>,
    pub next_after: Option<String>,
}

/// Lists authorities by code.
pub async fn list(db: &Db, query: AuthorityQuery, after: Option<String>, limit: u32) -> Result<AuthorityPage, ApiError> {
    db.run(move |conn| {
        let covering_any = match query.holding {
            None => None,
            Some(sel) => {
                let mut units = Vec::new();
                for unit in admin_units::find_by_code(conn, sel.scheme, sel.level, sel.code)? {
                    units.extend(admin_units::self_and_ancestors(conn, unit.unit)?);
                }
                Some(units)
            }
        };
        let filter = AuthorityFilter { kind: query.kind, covering_any, name_contains: query.name_contains };
        let mut items = authorities::list(conn, &filter, after.as_deref(), i64::from(limit) + 1)?;
        let next_after = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|a| a.code.clone())
        } else {
            None
        };
        Ok(AuthorityPage { items, next_after })
    })
    .await
}

/// One authority, or 404.
pub async fn get(db: &Db, id: Uuid) -> Result<Authority, ApiError> {
    db.run(move |conn| authorities::find(conn, id)).await?.ok_or_else(|| {
        ApiError::not_found(Msg::new("There is no authority with this id.", "Không có cơ quan nào có mã định danh này."))
    })
}
