//! Cross-site posting: every page form carries a token bound to a `SameSite=Strict`
//! cookie (the token is a keyed digest of the cookie's random value). Another site can
//! make a browser post, but cannot read the token, and the browser does not send a strict
//! cookie with a post that starts elsewhere. The key is the one every instance shares, so
//! any instance checks what another issued.

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

/// The token for this browser, and the cookie to set if it had none.
pub fn issue(req: &HttpRequest, key: &IndexKey, secure: bool) -> (String, Option<Cookie<'static>>) {
    if let Some(value) = current(req, secure) {
        return (token_for(key, &value), None);
    }
    let value = secrets::generate("c");
    let cookie = Cookie::build(cookie_name(secure), value.clone())
        .path("/")
        .same_site(SameSite::Strict)
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
