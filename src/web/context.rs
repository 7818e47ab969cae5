//! What every page needs from its request: the language and its words, the CSRF token,
//! the assets' addresses, and the cookies to set with the answer.

use std::path::PathBuf;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::html::{Caching, page};
use super::texts::T;
use super::{assets, csrf, lang};
use crate::i18n::Lang;
use crate::state::AppState;

/// The pages' own settings, beside the core's `AppState`.
pub struct PageSettings {
    /// Cookies are `Secure` (and the CSRF cookie `__Host-`) when people use `https://`.
    pub secure_cookies: bool,
    /// Where an operator's own guidance pages live (`guidance/<lang>.md`).
    pub data_dir: PathBuf,
    /// The overview map's tile server, if one is configured (`TINBAO_MAP_TILES`).
    pub map_tiles: Option<crate::config::MapTiles>,
}

/// The frame around every page: what the layout template reads.
pub struct Chrome {
    pub css: String,
    pub js: String,
    /// The token that this browser's forms carry.
    pub csrf: String,
    /// This page in each other language: address, tag, and the language's own name.
    pub languages: Vec<(String, &'static str, String)>,
    /// The path of the page, to mark its link in the navigation.
    pub path: &'static str,
    /// The console's navigation offers the audit trail (the signed-in member may read it).
    pub audit_link: bool,
    /// … and the overview (the signed-in member handles or reads cases).
    pub overview_link: bool,
    /// … and the administration (an admin).
    pub admin_link: bool,
    /// … and the citizens' form, filed in the member's name (a commune official).
    pub report_link: bool,
    /// The citizens' form is filed by this commune official, on a resident's behalf
    /// (empty for everyone else).
    pub filing_as: String,
}

/// One request's view of the pages.
pub struct Ctx {
    pub t: T,
    pub chrome: Chrome,
    pub cookies: Vec<Cookie<'static>>,
}

impl Ctx {
    /// Reads the language and the CSRF cookie of `req`, for the page at `path`.
    pub fn new(req: &HttpRequest, state: &AppState, settings: &PageSettings, path: &'static str) -> Ctx {
        let (lang, lang_cookie) = lang::choose(req, settings.secure_cookies);
        let (csrf, csrf_cookie) = csrf::issue(req, &state.index_key, settings.secure_cookies);
        let languages = Lang::all()
            .filter(|other| *other != lang)
            .map(|other| (format!("{path}?lang={}", other.tag()), other.tag(), T::of(other).get("lang-name")))
            .collect();
        Ctx {
            t: T::of(lang),
            chrome: Chrome {
                css: assets::url("site.css"),
                js: assets::url("app.js"),
                csrf,
                languages,
                path,
                audit_link: false,
                overview_link: false,
                admin_link: false,
                filing_as: String::new(),
                report_link: false,
            },
            cookies: lang_cookie.into_iter().chain(csrf_cookie).collect(),
        }
    }

    /// The page's language.
    pub fn lang(&self) -> Lang {
        self.t.language()
    }

    /// Renders `template` as the answer. A template that fails to render (a bug) is
    /// logged and answered with a plain 500 page.
    pub fn render(&self, status: StatusCode, caching: Caching, template: &impl Template) -> HttpResponse {
        match template.render() {
            Ok(body) => page(status, self.lang(), caching, &self.cookies, body),
            Err(e) => {
                tracing::error!(error = %e, "a page template failed to render");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    self.lang(),
                    Caching::NoStore,
                    &[],
                    format!("<!doctype html><title>500</title><p>{}</p>", self.t.get("error-title")),
                )
            }
        }
    }
}
