//! HTTP: the route table, extractors, status codes and headers. No SQL here.
//!
//! [`endpoints`] is the single list of what the server serves. [`configure`] registers
//! exactly that list, and the contract test compares it with `openapi.yaml`, so the
//! document and the server cannot drift apart unnoticed.

pub mod admin_units;
pub mod audit;
pub mod auth;
pub mod authorities;
pub mod body;
pub mod caller;
pub mod case_command;
pub mod cases;
pub mod clients;
pub mod conversations;
pub mod extract;
pub mod me;
pub mod middleware;
pub mod ops;
pub mod problem;
pub mod reports;
pub mod routing_rules;
pub mod users;

use actix_web::http::Method;
use actix_web::{HttpResponse, Route, web};

use crate::error::ServiceError;

/// One method on one path, and how to attach its handler.
pub struct Endpoint {
    pub method: Method,
    /// The path in OpenAPI form, e.g. `/api/v1/admin-units/{scheme}/{code}`.
    pub path: &'static str,
    attach: fn(Route) -> Route,
}

impl Endpoint {
    fn new(method: Method, path: &'static str, attach: fn(Route) -> Route) -> Self {
        Endpoint { method, path, attach }
    }

    fn get(path: &'static str, attach: fn(Route) -> Route) -> Self {
        Self::new(Method::GET, path, attach)
    }

    fn post(path: &'static str, attach: fn(Route) -> Route) -> Self {
        Self::new(Method::POST, path, attach)
    }
}

/// Every route the server serves.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/healthz", |r| r.to(ops::healthz)),
        Endpoint::get("/readyz", |r| r.to(ops::readyz)),
        Endpoint::get("/metrics", |r| r.to(ops::metrics)),
        Endpoint::get("/openapi.yaml", |r| r.to(ops::openapi)),
        Endpoint::get("/api/v1/admin-units", |r| r.to(admin_units::list)),
        Endpoint::get("/api/v1/admin-units/locate", |r| r.to(admin_units::locate)),
        Endpoint::get("/api/v1/admin-units/{scheme}/{code}", |r| r.to(admin_units::get)),
        Endpoint::get("/api/v1/authorities", |r| r.to(authorities::list)),
        Endpoint::get("/api/v1/authorities/{id}", |r| r.to(authorities::get)),
        Endpoint::post("/api/v1/auth/register", |r| r.to(auth::register)),
        Endpoint::post("/api/v1/auth/register/verify", |r| r.to(auth::verify)),
        Endpoint::post("/api/v1/auth/password-reset", |r| r.to(auth::password_reset)),
        Endpoint::post("/api/v1/auth/password-reset/confirm", |r| r.to(auth::password_reset_confirm)),
        Endpoint::post("/api/v1/auth/login", |r| r.to(auth::login)),
        Endpoint::post("/api/v1/auth/refresh", |r| r.to(auth::refresh)),
        Endpoint::post("/api/v1/auth/logout", |r| r.to(auth::logout)),
        Endpoint::post("/api/v1/auth/token", |r| r.to(auth::token)),
        Endpoint::get("/api/v1/me", |r| r.to(me::profile)),
        Endpoint::post("/api/v1/me/password", |r| r.to(me::change_password)),
        Endpoint::post("/api/v1/me/mfa/totp", |r| r.to(me::enrol_totp)),
        Endpoint::post("/api/v1/me/mfa/totp/confirm", |r| r.to(me::confirm_totp)),
        Endpoint::get("/api/v1/users", |r| r.to(users::list)),
        Endpoint::post("/api/v1/users", |r| r.to(users::create)),
        Endpoint::get("/api/v1/users/{id}", |r| r.to(users::get)),
        Endpoint::new(Method::PATCH, "/api/v1/users/{id}", |r| r.to(users::update)),
        Endpoint::post("/api/v1/users/{id}/mfa/reset", |r| r.to(users::reset_mfa)),
        Endpoint::get("/api/v1/clients", |r| r.to(clients::list)),
        Endpoint::post("/api/v1/clients", |r| r.to(clients::create)),
        Endpoint::get("/api/v1/clients/{id}", |r| r.to(clients::get)),
        Endpoint::post("/api/v1/clients/{id}/revoke", |r| r.to(clients::revoke)),
        Endpoint::post("/api/v1/reports", |r| r.to(reports::submit)),
        Endpoint::get("/api/v1/reports/{id}", |r| r.to(reports::read)),
        Endpoint::post("/api/v1/tracking", |r| r.to(reports::track)),
        Endpoint::post("/api/v1/tracking/messages", |r| r.to(reports::track_message)),
        Endpoint::get("/api/v1/me/reports", |r| r.to(reports::mine)),
        Endpoint::get("/api/v1/me/reports/{id}", |r| r.to(reports::one_of_mine)),
        Endpoint::post("/api/v1/me/reports/{id}/messages", |r| r.to(reports::my_message)),
        Endpoint::get("/api/v1/me/reports/{id}/messages", |r| r.to(conversations::my_report_messages)),
        Endpoint::get("/api/v1/cases", |r| r.to(cases::list)),
        Endpoint::get("/api/v1/cases/{id}", |r| r.to(cases::get)),
        Endpoint::post("/api/v1/cases/{id}/transitions", |r| r.to(cases::transition)),
        Endpoint::post("/api/v1/cases/{id}/assignment", |r| r.to(cases::assign)),
        Endpoint::post("/api/v1/cases/{id}/notes", |r| r.to(cases::add_note)),
        Endpoint::get("/api/v1/cases/{id}/notes", |r| r.to(conversations::case_notes)),
        Endpoint::post("/api/v1/cases/{id}/messages", |r| r.to(cases::message)),
        Endpoint::get("/api/v1/cases/{id}/messages", |r| r.to(conversations::case_messages)),
        Endpoint::post("/api/v1/cases/{id}/reporter-contact", |r| r.to(cases::reveal)),
        Endpoint::get("/api/v1/cases/{id}/audit", |r| r.to(cases::audit)),
        Endpoint::post("/api/v1/cases/{id}/transfers", |r| r.to(cases::propose_transfer)),
        Endpoint::post("/api/v1/cases/{id}/transfers/{transfer_id}/decision", |r| r.to(cases::decide_transfer)),
        Endpoint::post("/api/v1/cases/{id}/merge", |r| r.to(cases::merge)),
        Endpoint::get("/api/v1/transfers", |r| r.to(cases::transfers)),
        Endpoint::get("/api/v1/stats/cases", |r| r.to(cases::stats)),
        Endpoint::get("/api/v1/audit", |r| r.to(audit::list)),
        Endpoint::get("/api/v1/audit/verify", |r| r.to(audit::verify)),
        Endpoint::get("/api/v1/routing-rules", |r| r.to(routing_rules::list)),
        Endpoint::post("/api/v1/routing-rules", |r| r.to(routing_rules::create)),
        Endpoint::get("/api/v1/routing-rules/{id}", |r| r.to(routing_rules::get)),
        Endpoint::new(Method::DELETE, "/api/v1/routing-rules/{id}", |r| r.to(routing_rules::delete)),
    ]
}

/// Registers every endpoint. A known path asked with another method gets 405 with `Allow`;
/// an unknown path gets the 404 of [`not_found`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    let endpoints = endpoints();
    let mut paths: Vec<&'static str> = Vec::new();
    for endpoint in &endpoints {
        if !paths.contains(&endpoint.path) {
            paths.push(endpoint.path);
        }
    }
    // Fixed paths first: actix tries resources in order, and each path with a `{…}`
    // segment costs a regular-expression match, on every request that reaches it.
    paths.sort_by_key(|path| path.contains('{'));
    for path in paths {
        let on_path: Vec<&Endpoint> = endpoints.iter().filter(|e| e.path == path).collect();
        let allow = on_path.iter().map(|e| e.method.as_str()).collect::<Vec<_>>().join(", ");
        let mut resource = web::resource(path);
        for endpoint in on_path {
            resource = resource.route((endpoint.attach)(web::route().method(endpoint.method.clone())));
        }
        cfg.service(resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ServiceError::method_not_allowed(&allow)) }
        })));
    }
}

/// The answer for paths no route has.
pub async fn not_found() -> Result<HttpResponse, ServiceError> {
    Err(ServiceError::route_not_found())
}
