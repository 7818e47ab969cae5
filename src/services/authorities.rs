//! Reading authorities and finding who covers a place.

use uuid::Uuid;

use super::take_page;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::db::Db;
use crate::db::admin_units;
use crate::db::authorities::{self, AuthorityFilter};
use crate::domain::admin_unit::{Level, Scheme};
use crate::domain::audit::Origin;
use crate::domain::authority::{Authority, AuthorityKind, valid_phone};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;

/// Units named by the caller. Each part narrows independently.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitSelector {
    pub scheme: Option<Scheme>,
    pub level: Option<Level>,
    pub code: Option<i32>,
}

/// What the caller asks of the list.
#[derive(Debug, Default, Clone)]
pub struct AuthorityQuery {
    /// With a code: only authorities whose jurisdiction holds such a unit (names it or a
    /// unit above it). Without: only authorities whose jurisdiction names a unit of that
    /// scheme or level.
    pub units: UnitSelector,
    pub kind: Option<AuthorityKind>,
    pub name_contains: Option<String>,
}

/// A page of authorities and, when more follow, the code of the last one.
pub struct AuthorityPage {
    pub items: Vec<Authority>,
    pub next_after: Option<String>,
}

/// Lists authorities by code.
pub async fn list(
    db: &Db,
    query: AuthorityQuery,
    after: Option<String>,
    limit: u32,
) -> Result<AuthorityPage, ServiceError> {
    db.run(move |conn| {
        let sel = query.units;
        let mut filter = AuthorityFilter { kind: query.kind, name_contains: query.name_contains, ..Default::default() };
        match sel.code {
            Some(code) => {
                let mut units = Vec::new();
                for unit in admin_units::find_by_code(conn, sel.scheme, sel.level, code)? {
                    units.extend(admin_units::self_and_ancestors(conn, unit.unit)?);
                }
                filter.covering_any = Some(units);
            }
            None => (filter.jurisdiction_scheme, filter.jurisdiction_level) = (sel.scheme, sel.level),
        }
        let rows = authorities::list(conn, &filter, after.as_deref(), i64::from(limit) + 1)?;
        let (items, next_after) = take_page(rows, limit, |a| a.code.clone());
        Ok(AuthorityPage { items, next_after })
    })
    .await
}

/// One authority, or 404.
pub async fn get(db: &Db, id: Uuid) -> Result<Authority, ServiceError> {
    db.run(move |conn| Ok(authorities::find(conn, id)?))
        .await?
        .ok_or_else(|| ServiceError::not_found(Msg::of("authorities-there-is-no-authority-with-this")))
}

/// The authority with this code (`2024-D902`), if any: how people name one in a form.
pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Authority>, ServiceError> {
    let code = code.trim().to_owned();
    db.run(move |conn| Ok(authorities::find_by_code(conn, &code)?)).await
}

/// The names of authorities, by id (one query for a page).
pub async fn names(db: &Db, ids: Vec<Uuid>) -> Result<Vec<(Uuid, String)>, ServiceError> {
    db.run(move |conn| Ok(authorities::names(conn, &ids)?)).await
}

/// An admin sets the phone number that the citizens' pages show for an authority (blank:
/// none), in words people dial (`0297 3852 113`); audited.
pub async fn set_phone(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    id: Uuid,
    phone: &str,
) -> Result<(), ServiceError> {
    authorize(caller, Action::ManageAuthorities)?;
    let phone = Some(phone.trim().to_owned()).filter(|p| !p.is_empty());
    if phone.as_deref().is_some_and(|p| !valid_phone(p)) {
        return Err(ServiceError::validation(vec![FieldError::new(
            "phone",
            "invalid",
            Msg::of("authorities-must-be-a-phone-number"),
        )]));
    }
    let found = state
        .db
        .transaction(move |conn| Ok(authorities::set_phone(conn, id, phone.as_deref(), &origin, crate::clock::now())?))
        .await?;
    if found { Ok(()) } else { Err(ServiceError::not_found(Msg::of("authorities-there-is-no-authority-with-this"))) }
}
