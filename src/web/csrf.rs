//! Cross-site posting: every page form carries a token bound to a `SameSite=Lax` cookie
//! (the token is a keyed digest of the cookie's random value). Another site can make a
//! browser post, but cannot read the token, and the browser sends no `Lax` cookie with a
//! post that starts elsewhere. (`Strict` would also withhold it when a resident arrives
//! by a link from a chat app, and the new cookie set then would expire every form open in
//! other tabs.) The key is the one every instance shares, so any instance checks what
//! another issued. The cookie is set again on each page, so it lasts a week from the last
//! visit.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration};

use crate::auth::index_key::IndexKey;
use crate::domain::secrets;

/// The field every state-changing form carries.
pub const FIELD: &str = "csrf_token";

/// The cookie's name: `__Host-` prefixed where cookies are `Secure` (the browser then
/// refuses it from a subdomain or over plain HTTP).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-tinbao_csrf" } else { "tinbao_csrf" }
}

/// The token for this browser, and its cookie (new if it had none, renewed if it had).
pub fn issue(req: &HttpRequest, key: &IndexKey, secure: bool) -> (String, Option<Cookie<'static>>) {
    let value = current(req, secure).unwrap_or_else(|| secrets::generate("c"));
    let cookie = Cookie::build(cookie_name(secure), value.clone())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .http_only(true)
        .max_age(Duration::days(7))
        .finish();
    (token_for(key, &value), Some(cookie))
}

/// Whether the form's token matches this browser's cookie.
pub fn verify(req: &HttpRequest, key: &IndexKey, secure: bool, sent: Option<&str>) -> bool {
    match (current(req, secure), sent) {
        (Some(value), Some(sent)) => secrets::constant_time_eq(token_for(key, &value).as_bytes(), sent.as_bytes()),
        _ => false,
    }
}

fn current(req: &HttpRequest, secure: bool) -> Option<String> {
    req.cookie(cookie_name(secure)).map(|c| c.value().to_owned()).filter(|v| v.len() >= 16 && v.len() <= 128)
}

fn token_for(key: &IndexKey, value: &str) -> String {
    key.digest("csrf", value)
}
