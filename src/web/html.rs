//! How every page is answered: HTML with the headers that keep it safe. Nothing is loaded
//! from another origin, no inline script runs, the page cannot be framed, forms post only
//! here, and no address leaks to another site in a `Referer`.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::i18n::Lang;

/// The Content-Security-Policy of every page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
     frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The policy of a page that also shows images from `origin` (the overview map's tiles,
/// `TINBAO_MAP_TILES`): only there, and only in `img-src`.
pub fn policy_with_images_from(origin: &str) -> String {
    CONTENT_SECURITY_POLICY.replacen("img-src 'self' data:", &format!("img-src 'self' data: {origin}"), 1)
}

/// Only the page itself may ask for the phone's position; nothing may use camera or
/// microphone.
pub const PERMISSIONS_POLICY: &str = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()";

/// Whether a page may be kept by the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// A page that holds nothing personal: kept, but checked again before use.
    Revalidate,
    /// A page that holds what a reporter typed, a receipt code, or a tip's messages.
    NoStore,
}

/// An HTML answer.
pub fn page(
    status: StatusCode,
    lang: Lang,
    caching: Caching,
    cookies: &[Cookie<'static>],
    body: String,
) -> HttpResponse {
    let mut res = HttpResponseBuilder::new(status);
    secure_headers(&mut res);
    res.content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::VARY, "Accept-Language, Cookie"))
        .insert_header((
            header::CACHE_CONTROL,
            match caching {
                Caching::Revalidate => "no-cache",
                Caching::NoStore => "no-store",
            },
        ));
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            res.append_header((header::SET_COOKIE, value));
        }
    }
    res.body(body)
}

/// The headers every HTML answer carries.
pub fn secure_headers(res: &mut HttpResponseBuilder) {
    res.insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY))
        .insert_header((header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"));
}
