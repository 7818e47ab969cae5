//! The citizens' pages and the staff console (`staff`): a second face over `services`, beside the JSON API. Pages are
//! drawn on the server from templates checked at compile time (`templates/`), in the
//! words of a catalogue (`locales/`), and work without JavaScript; `assets/app.js` only
//! adds to them (dependent selects, the phone's position, drafts kept offline).
//!
//! [`pages`] is the list of what this face serves, for the contract test beside the
//! API's `routes::endpoints`.

pub mod assets;
pub mod context;
pub mod csrf;
pub mod fields;
pub mod form;
pub mod html;
pub mod lang;
pub mod markdown;
pub mod pages;
pub mod report;
pub mod report_form;
pub mod staff;
pub mod texts;
pub mod track;

use actix_web::http::Method;
use actix_web::middleware::Compress;
use actix_web::{HttpResponse, Route, web};

use crate::error::ServiceError;

/// One page: method, path, handler.
pub struct Page {
    pub method: Method,
    pub path: &'static str,
    attach: fn(Route) -> Route,
}

/// Every page this face serves.
pub fn pages() -> Vec<Page> {
    let page = |method, path, attach| Page { method, path, attach };
    vec![
        page(Method::GET, "/", |r| r.to(pages::home)),
        page(Method::GET, "/report", |r| r.to(report::show)),
        page(Method::POST, "/report", |r| r.to(report::post)),
        page(Method::GET, "/track", |r| r.to(track::show)),
        page(Method::POST, "/track", |r| r.to(track::post)),
        page(Method::POST, "/track/messages", |r| r.to(track::add_message)),
        page(Method::GET, "/guidance", |r| r.to(pages::guidance)),
        page(Method::GET, "/assets/{name}", |r| r.to(assets::file)),
        page(Method::GET, "/sw.js", |r| r.to(assets::service_worker)),
        page(Method::GET, "/staff", |r| r.to(|| async { staff::session::see_other("/staff/cases", &[]) })),
        page(Method::GET, "/staff/login", |r| r.to(staff::login::show)),
        page(Method::POST, "/staff/login", |r| r.to(staff::login::post)),
        page(Method::GET, "/staff/login/code", |r| r.to(staff::login::show_code)),
        page(Method::POST, "/staff/login/code", |r| r.to(staff::login::post_code)),
        page(Method::POST, "/staff/logout", |r| r.to(staff::login::logout)),
        page(Method::GET, "/staff/enrol", |r| r.to(staff::enrol::show)),
        page(Method::POST, "/staff/enrol", |r| r.to(staff::enrol::post)),
        page(Method::GET, "/staff/account", |r| r.to(staff::account::show)),
        page(Method::POST, "/staff/account/password", |r| r.to(staff::account::change_password)),
        page(Method::POST, "/staff/account/sign-out-everywhere", |r| r.to(staff::account::sign_out_everywhere)),
        page(Method::GET, "/staff/audit", |r| r.to(staff::audit::show)),
        page(Method::GET, "/staff/audit/verify", |r| r.to(staff::audit::show_verify)),
        page(Method::POST, "/staff/audit/verify", |r| r.to(staff::audit::verify)),
        page(Method::GET, "/staff/cases", |r| r.to(staff::work_list::show)),
        page(Method::GET, "/staff/overview", |r| r.to(staff::overview::show)),
        page(Method::GET, "/staff/admin/accounts", |r| r.to(staff::admin_accounts::show)),
        page(Method::POST, "/staff/admin/accounts", |r| r.to(staff::admin_accounts::create)),
        page(Method::POST, "/staff/admin/accounts/{id}", |r| r.to(staff::admin_accounts::change)),
        page(Method::GET, "/staff/admin/clients", |r| r.to(staff::admin_clients::show)),
        page(Method::POST, "/staff/admin/clients", |r| r.to(staff::admin_clients::create)),
        page(Method::POST, "/staff/admin/clients/{id}", |r| r.to(staff::admin_clients::change)),
        page(Method::GET, "/staff/admin/routing-rules", |r| r.to(staff::admin_rules::show)),
        page(Method::POST, "/staff/admin/routing-rules", |r| r.to(staff::admin_rules::create)),
        page(Method::POST, "/staff/admin/routing-rules/{id}", |r| r.to(staff::admin_rules::change)),
        page(Method::GET, "/staff/admin/authorities", |r| r.to(staff::admin_authorities::show)),
        page(Method::POST, "/staff/admin/authorities/{id}", |r| r.to(staff::admin_authorities::set_phone)),
        page(Method::GET, "/staff/cases/{id}", |r| r.to(staff::case_page::show)),
        page(Method::POST, "/staff/cases/{id}", |r| r.to(staff::case_actions::post)),
        page(Method::POST, "/staff/cases/{id}/reveal", |r| r.to(staff::reveal::post)),
        page(Method::GET, "/staff/cases/{id}/notes", |r| r.to(staff::case_lists::notes)),
        page(Method::GET, "/staff/cases/{id}/messages", |r| r.to(staff::case_lists::messages)),
        page(Method::GET, "/staff/cases/{id}/history", |r| r.to(staff::case_lists::history)),
    ]
}

/// Registers every page, compressed on the wire (a weak signal is the common case); a
/// known path asked with another method gets 405 with `Allow`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let pages = pages();
    let mut paths: Vec<&'static str> = pages.iter().map(|p| p.path).collect();
    paths.dedup();
    for path in paths {
        let on_path: Vec<&Page> = pages.iter().filter(|p| p.path == path).collect();
        let allow = on_path.iter().map(|p| p.method.as_str()).collect::<Vec<_>>().join(", ");
        let mut resource = web::resource(path).wrap(Compress::default());
        for page in on_path {
            resource = resource.route((page.attach)(web::route().method(page.method.clone())));
        }
        cfg.service(resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ServiceError::method_not_allowed(&allow)) }
        })));
    }
}
