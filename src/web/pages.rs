//! The simple pages: home, guidance, and the pages that answer an error.

use std::path::Path;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{Chrome, Ctx, PageSettings};
use super::csrf;
use super::form::Form;
use super::html::Caching;
use super::texts::T;
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Lang;
use crate::state::AppState;

/// `home.html`.
#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
}

/// `GET /`.
pub async fn home(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let ctx = Ctx::new(&req, &state, &settings, "/");
    ctx.render(StatusCode::OK, Caching::Revalidate, &HomePage { t: &ctx.t, chrome: &ctx.chrome })
}

/// `guidance.html`.
#[derive(Template)]
#[template(path = "guidance.html")]
struct GuidancePage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    /// HTML made from the operator's Markdown, raw HTML in it escaped.
    body: String,
}

/// The guidance shipped with the binary, for an operator who wrote none.
const SHIPPED_GUIDANCE: [(&str, &str); 2] =
    [("vi", include_str!("../../guidance/vi.md")), ("en", include_str!("../../guidance/en.md"))];

/// `GET /guidance`: `<data_dir>/guidance/<lang>.md`, read on each request so that an
/// operator's edit shows at once, or the shipped text.
pub async fn guidance(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let ctx = Ctx::new(&req, &state, &settings, "/guidance");
    let tag = ctx.lang().tag();
    let path = settings.data_dir.join("guidance").join(format!("{tag}.md"));
    let markdown = web::block(move || read_guidance(&path)).await.ok().flatten().unwrap_or_else(|| {
        SHIPPED_GUIDANCE.iter().find(|(t, _)| *t == tag).map(|(_, text)| (*text).to_owned()).unwrap_or_default()
    });
    let body = super::markdown::to_html(&markdown);
    ctx.render(StatusCode::OK, Caching::Revalidate, &GuidancePage { t: &ctx.t, chrome: &ctx.chrome, body })
}

fn read_guidance(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            tracing::warn!(error = %e, "the operator's guidance page cannot be read; the shipped one is shown");
            None
        }
    }
}

/// `error.html`.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    title: String,
    text: String,
    /// Where "try again" leads.
    again: &'static str,
}

/// The page that answers a failed use case, in the page's language.
pub fn error_page(ctx: &Ctx, err: &ServiceError, again: &'static str) -> HttpResponse {
    let lang: Lang = ctx.lang();
    let (status, title) = match err.kind {
        ErrorKind::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too-many-title"),
        ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable-title"),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found-title"),
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "error-title"),
        ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, "error-title"),
        ErrorKind::Invalid | ErrorKind::BadRequest => (StatusCode::UNPROCESSABLE_ENTITY, "error-title"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "error-title"),
    };
    // "See errors" means nothing on a page: the fields' own messages are what to fix.
    let text = if err.errors.is_empty() {
        err.detail.get(lang)
    } else {
        err.errors.iter().map(|e| e.message.get(lang)).collect::<Vec<_>>().join(" ")
    };
    let page = ErrorPage { t: &ctx.t, chrome: &ctx.chrome, title: ctx.t.get(title), text, again };
    let mut res = ctx.render(status, Caching::NoStore, &page);
    if let Some(seconds) = err.retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, value);
    }
    res
}

/// A post to the page at `path`: its words and its fields, or, when it lacks this
/// browser's CSRF token, the 403 page that says to reload.
pub fn posted(
    req: &HttpRequest,
    state: &AppState,
    settings: &PageSettings,
    path: &'static str,
    body: &[u8],
) -> Result<(Ctx, Form), HttpResponse> {
    let ctx = Ctx::new(req, state, settings, path);
    let form = Form::parse(body);
    if csrf::verify(req, &state.index_key, settings.secure_cookies, form.get(csrf::FIELD)) {
        Ok((ctx, form))
    } else {
        Err(csrf_refused(&ctx, path))
    }
}

/// The page that answers a post without this browser's CSRF token: 403, and a way back.
pub fn csrf_refused(ctx: &Ctx, again: &'static str) -> HttpResponse {
    let page = ErrorPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        title: ctx.t.get("csrf-title"),
        text: ctx.t.get("csrf-text"),
        again,
    };
    ctx.render(StatusCode::FORBIDDEN, Caching::NoStore, &page)
}
