//! Which language a page speaks: `?lang=` (the visible switch, then remembered in a
//! cookie), else the cookie, else `Accept-Language`, else Vietnamese; any language with
//! a catalogue in `locales/`.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;

use crate::i18n::Lang;

/// The cookie that remembers a chosen language. It holds a language's tag, nothing else.
pub const COOKIE: &str = "tinbao_lang";

/// The page's language, and the cookie to set when it was just chosen.
pub fn choose(req: &HttpRequest, secure: bool) -> (Lang, Option<Cookie<'static>>) {
    let asked =
        form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == "lang").and_then(|(_, v)| parse(&v));
    if let Some(lang) = asked {
        let cookie = Cookie::build(COOKIE, lang.tag())
            .path("/")
            .same_site(SameSite::Lax)
            .secure(secure)
            .http_only(true)
            .max_age(Duration::days(365))
            .finish();
        return (lang, Some(cookie));
    }
    if let Some(lang) = req.cookie(COOKIE).and_then(|c| parse(c.value())) {
        return (lang, None);
    }
    (Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())), None)
}

fn parse(tag: &str) -> Option<Lang> {
    // Only a tag exactly as the switch writes it: a cookie holds nothing else.
    Lang::from_tag(tag).filter(|lang| lang.tag() == tag)
}
