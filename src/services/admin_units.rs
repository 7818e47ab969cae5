//! Reading administrative units: the pickers of the clients.

use super::take_page;
use crate::db::Db;
use crate::db::admin_units;
use crate::domain::admin_unit::UnitFilter;
use crate::domain::admin_unit::{AdminUnit, UnitRef};
use crate::error::ServiceError;
use crate::i18n::Msg;

/// A page of units and, when more follow, the last unit of this page.
pub struct UnitPage {
    pub items: Vec<AdminUnit>,
    pub next_after: Option<UnitRef>,
}

/// Lists units matching `filter`, after `after`, at most `limit` of them.
pub async fn list(db: &Db, filter: UnitFilter, after: Option<UnitRef>, limit: u32) -> Result<UnitPage, ServiceError> {
    db.run(move |conn| {
        let rows = admin_units::list(conn, &filter, after, i64::from(limit) + 1)?;
        let (items, next_after) = take_page(rows, limit, |u| u.unit);
        Ok(UnitPage { items, next_after })
    })
    .await
}

/// One unit, or 404.
pub async fn get(db: &Db, unit: UnitRef) -> Result<AdminUnit, ServiceError> {
    db.run(move |conn| Ok(admin_units::find(conn, unit)?)).await?.ok_or_else(|| {
        ServiceError::not_found(
            Msg::of("admin-units-there-is-no-with-code-in")
                .arg("level", unit.level)
                .arg("code", unit.code)
                .arg("scheme", unit.scheme)
                .arg("level-vi", level_vi(unit)),
        )
    })
}

fn level_vi(unit: UnitRef) -> &'static str {
    use crate::domain::admin_unit::Level;
    match unit.level {
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã",
    }
}
