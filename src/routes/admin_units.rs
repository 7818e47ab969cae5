//! `GET /api/v1/admin-units` and `GET /api/v1/admin-units/{scheme}/{code}`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::page::{DEFAULT_LIMIT, Page, unit_cursor};
use crate::domain::admin_unit::UnitFilter;
use crate::domain::admin_unit::UnitRef;
use crate::error::ServiceError;
use crate::http::params::{self, Params};
use crate::services;
use crate::services::dto::admin_units::AdminUnitView;
use crate::state::AppState;

/// Lists units, filtered by scheme, level, parent and name.
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    let mut p = Params::query(&req);
    let scheme = p.optional("scheme", params::scheme);
    let level = p.optional("level", params::level);
    let parent = p.optional("parent", params::unit_code);
    let parent_level = p.optional("parent_level", params::level);
    let name_contains = p.optional("q", params::search_text);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    let after = p.optional("cursor", params::unit_cursor);
    p.finish()?;

    // `parent=91&level=district` means province 91: the level above the one asked for.
    let implied = scheme.zip(level).and_then(|(s, l)| s.parent_level(l)).filter(|_| parent.is_some());
    let parent_level = parent_level.or(implied);
    let filter = UnitFilter { scheme, level, parent_code: parent, parent_level, name_contains };
    let page = services::admin_units::list(&state.db, filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: page.items.into_iter().map(AdminUnitView::from).collect::<Vec<_>>(),
        next_cursor: page.next_after.map(unit_cursor),
    }))
}

/// One unit. Codes repeat across levels, so `level` is required.
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    let mut p = Params::path(&req);
    let scheme = p.required("scheme", params::scheme);
    let code = p.required("code", params::unit_code);
    let mut query = Params::query(&req);
    let level = query.required("level", params::level);
    p.absorb(query).finish()?;
    let (Some(scheme), Some(code), Some(level)) = (scheme, code, level) else {
        return Err(ServiceError::internal("parameters passed their checks but are missing"));
    };
    let unit = services::admin_units::get(&state.db, UnitRef { scheme, level, code }).await?;
    Ok(HttpResponse::Ok().json(AdminUnitView::from(unit)))
}

/// `GET /api/v1/admin-units/locate`: the 2024 communes whose box holds a point, nearest
/// centre first.
pub async fn locate(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ServiceError> {
    let mut p = Params::query(&req);
    let latitude = p.required("latitude", |t| params::coordinate(t, crate::domain::report::LATITUDE));
    let longitude = p.required("longitude", |t| params::coordinate(t, crate::domain::report::LONGITUDE));
    let limit = p.optional("limit", params::limit).unwrap_or(10);
    p.finish()?;
    let (Some(lat), Some(lon)) = (latitude, longitude) else {
        return Err(ServiceError::internal("parameters passed their checks but are missing"));
    };
    let found = services::locate::locate(&state, lat, lon, limit as usize).await?;
    let items: Vec<serde_json::Value> = found
        .into_iter()
        .map(|l| {
            let mut unit = serde_json::to_value(AdminUnitView::from(l.unit)).unwrap_or_default();
            unit["distance_m"] = serde_json::Value::from(l.distance_m);
            unit
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}
