//! `GET /api/v1/authorities` and `GET /api/v1/authorities/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::page::{DEFAULT_LIMIT, Page};
use crate::domain::authority::AuthorityKind;
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::i18n::Msg;
use crate::services;
use crate::services::authorities::{AuthorityQuery, UnitSelector};
use crate::services::dto::authorities::AuthorityView;
use crate::state::AppState;

/// Lists authorities; with `unit_code` (and optionally `unit_scheme`, `unit_level`), those
/// whose jurisdiction holds that unit: names it or a unit above it.
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    let mut p = Params::query(&req);
    let unit_scheme = p.optional("unit_scheme", params::scheme);
    let unit_code = p.optional("unit_code", params::unit_code);
    let unit_level = p.optional("unit_level", params::level);
    let kind = p.optional("kind", kind);
    let name_contains = p.optional("q", params::search_text);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let after = p.optional("cursor", params::authority_cursor);
    p.finish()?;

    let units = UnitSelector { scheme: unit_scheme, level: unit_level, code: unit_code };
    let query = AuthorityQuery { units, kind, name_contains };
    let page = services::authorities::list(&state.db, query, after, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: page.items.into_iter().map(AuthorityView::from).collect::<Vec<_>>(),
        next_cursor: page.next_after,
    }))
}

/// One authority.
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    let id = params::path_id(&req)?;
    let authority = services::authorities::get(&state.db, id).await?;
    Ok(HttpResponse::Ok().json(AuthorityView::from(authority)))
}

fn kind(text: &str) -> Result<AuthorityKind, Msg> {
    AuthorityKind::parse(text).ok_or_else(|| Msg::of("authorities-must-be-district-province-border-guard"))
}
