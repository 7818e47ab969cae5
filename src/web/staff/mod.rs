//! The staff console (issue 16): the pages that police and district staff work cases
//! with, a face over the same use cases and access policy as the JSON API. Every page but
//! the sign-in pages needs a console session ([`session::signed_in`]); every form carries
//! the CSRF token; every page answers `Cache-Control: no-store`, so that nothing of a case
//! stays in a shared desktop's browser.

pub mod account;
pub mod admin_accounts;
pub mod admin_authorities;
pub mod admin_clients;
pub mod admin_forms;
pub mod admin_rules;
pub mod audit;
pub mod case_actions;
pub mod case_lists;
pub mod case_page;
pub mod chart;
pub mod enrol;
pub mod history_words;
pub mod login;
pub mod overview;
pub mod qr;
pub mod query;
pub mod reveal;
pub mod session;
pub mod work_list;

use actix_web::HttpRequest;
use actix_web::HttpResponse;

use self::session::Staff;
use crate::state::AppState;
use crate::web::context::PageSettings;
use crate::web::csrf;
use crate::web::form::Form;
use crate::web::pages::csrf_refused;

/// A console form's post: the signed-in staff member and the fields, or the answer that
/// sends them to sign in, or the 403 page for a post without this browser's token.
pub async fn signed_in_post(
    req: &HttpRequest,
    state: &AppState,
    settings: &PageSettings,
    path: &'static str,
    body: &[u8],
) -> Result<(Staff, Form), HttpResponse> {
    // A post without a session is answered 401 (a page that says to sign in again), not
    // sent to the sign-in page: what was typed is not silently dropped by a redirect.
    let staff = match session::signed_in(req, state, settings, path).await {
        Ok(staff) => staff,
        Err(answer) if answer.status() == actix_web::http::StatusCode::SEE_OTHER => {
            let ctx = crate::web::context::Ctx::new(req, state, settings, path);
            let expired = crate::error::ServiceError::unauthenticated(
                "sign_in_expired",
                crate::i18n::Msg::of("console-sign-in-again"),
            );
            return Err(crate::web::pages::error_page(&ctx, &expired, "/staff/login"));
        }
        Err(answer) => return Err(answer),
    };
    let form = Form::parse(body);
    if csrf::verify(req, &state.index_key, settings.secure_cookies, form.get(csrf::FIELD)) {
        Ok((staff, form))
    } else {
        Err(csrf_refused(&staff.ctx, path))
    }
}

/// [`signed_in_post`] for a form only some roles may use: the policy's refusal comes
/// before anything typed is read, so a refused member learns nothing from it.
pub async fn signed_in_post_for(
    req: &HttpRequest,
    state: &AppState,
    settings: &PageSettings,
    path: &'static str,
    body: &[u8],
    action: crate::auth::policy::Action,
) -> Result<(Staff, Form), HttpResponse> {
    let (staff, form) = signed_in_post(req, state, settings, path, body).await?;
    match crate::auth::policy::authorize(&staff.caller, action) {
        Ok(()) => Ok((staff, form)),
        Err(refused) => Err(crate::web::pages::error_page(&staff.ctx, &refused, path)),
    }
}
