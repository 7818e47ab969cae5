//! Who is at the console: the session cookie (`HttpOnly`, `SameSite=Strict`, `__Host-`
//! and `Secure` when people use `https://`), read through the core's session store. Every
//! console page starts here; without a session it answers 303 to the sign-in page.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::domain::account::SessionStage;
use crate::domain::audit::Origin;
use crate::http::request_context::request_id;
use crate::services::console_sessions;
use crate::state::AppState;
use crate::web::context::{Ctx, PageSettings};

/// The session cookie's name.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure { "__Host-tinbao_staff" } else { "tinbao_staff" }
}

/// The cookie of a sign-in waiting for its code.
pub fn waiting_cookie(secure: bool) -> &'static str {
    if secure { "__Host-tinbao_staff_sign_in" } else { "tinbao_staff_sign_in" }
}

/// A console cookie holding `value`; the browser forgets it when it closes, and the
/// server's limits end it sooner.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value).path("/").same_site(SameSite::Strict).secure(secure).http_only(true).finish()
}

/// The same cookie, removed.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut gone = cookie(name, String::new(), secure);
    gone.set_max_age(Duration::ZERO);
    gone
}

/// A 303 to `location`, with `cookies`.
pub fn see_other(location: &str, cookies: &[Cookie<'static>]) -> HttpResponse {
    let mut res = HttpResponse::SeeOther();
    res.insert_header((header::LOCATION, location.to_owned())).insert_header((header::CACHE_CONTROL, "no-store"));
    for c in cookies {
        res.cookie(c.clone());
    }
    res.finish()
}

/// A console page's request: its words and chrome, and the signed-in caller.
pub struct Staff {
    pub ctx: Ctx,
    pub caller: Caller,
    /// Who acts, for the audit trail.
    pub origin: Origin,
}

/// The staff member signed in on this browser, or the answer that sends them to sign in
/// (or, with a session only for enrolment, to enrol).
pub async fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    settings: &PageSettings,
    path: &'static str,
) -> Result<Staff, HttpResponse> {
    let Some(value) = req.cookie(session_cookie(settings.secure_cookies)).map(|c| c.value().to_owned()) else {
        return Err(see_other("/staff/login", &[]));
    };
    let caller = match console_sessions::caller_of_cookie(state, value).await {
        Ok(Some(caller)) => caller,
        Ok(None) => {
            return Err(see_other(
                "/staff/login",
                &[removal(session_cookie(settings.secure_cookies), settings.secure_cookies)],
            ));
        }
        Err(e) => {
            let ctx = Ctx::new(req, state, settings, path);
            return Err(crate::web::pages::error_page(&ctx, &e, path));
        }
    };
    let enrolling = caller.stage == SessionStage::MfaEnrollment;
    if enrolling && path != "/staff/enrol" && path != "/staff/logout" {
        return Err(see_other("/staff/enrol", &[]));
    }
    let mut ctx = Ctx::new(req, state, settings, path);
    ctx.chrome.js = crate::web::assets::url("console.js");
    ctx.chrome.audit_link = authorize(&caller, Action::ReadAuditTrail).is_ok();
    ctx.chrome.overview_link = authorize(&caller, Action::ReadCases).is_ok();
    ctx.chrome.admin_link = authorize(&caller, Action::ManageAccounts).is_ok();
    ctx.chrome.report_link = authorize(&caller, Action::FileForResidents).is_ok();
    let origin = caller.origin(request_id(req));
    Ok(Staff { ctx, caller, origin })
}

/// The commune official signed in to the console on this browser, if any: the citizens'
/// report form then files the tip on a resident's behalf in the official's name, as
/// `POST /api/v1/reports` does with an official's token. Anyone else (no session, a
/// session of another role or only for enrolment) files as the form's visitor.
pub async fn official_here(req: &HttpRequest, state: &AppState, settings: &PageSettings) -> Option<Caller> {
    let value = req.cookie(session_cookie(settings.secure_cookies))?.value().to_owned();
    let caller = console_sessions::caller_of_cookie(state, value).await.ok().flatten()?;
    // The policy refuses a session only for enrolment too.
    authorize(&caller, Action::FileForResidents).is_ok().then_some(caller)
}
