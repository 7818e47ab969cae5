//! `/staff/account`: one's own open sessions (this browser marked), "sign out
//! everywhere", and a new password (which, as on the API, ends every session).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::{Staff, removal, see_other, session_cookie, signed_in};
use crate::error::ErrorKind;
use crate::services::dto::accounts::ChangePasswordRequest;
use crate::services::{console_sessions, me};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem, viet_nam_time};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// A session as the page lists it.
pub struct SessionLine {
    pub this_one: bool,
    pub browser: bool,
    pub created: String,
    pub last_seen: String,
    pub ends: String,
}

/// `staff/account.html`.
#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    login: String,
    role: String,
    errors: Vec<SummaryItem>,
    sessions: Vec<SessionLine>,
    current_password: Field,
    new_password: Field,
}

async fn draw(state: &AppState, staff: &Staff, status: StatusCode, errors: Errors) -> HttpResponse {
    let ctx = &staff.ctx;
    let sessions = match console_sessions::of_caller(state, &staff.caller).await {
        Ok(sessions) => sessions,
        Err(e) => return error_page(ctx, &e, "/staff/account"),
    };
    let when = |t: chrono::NaiveDateTime| viet_nam_time(t.and_utc());
    let sessions = sessions
        .into_iter()
        .map(|s| SessionLine {
            this_one: s.id == staff.caller.session_id,
            browser: s.browser,
            created: when(s.created_at),
            last_seen: s.last_seen_at.map(when).unwrap_or_default(),
            ends: when(s.expires_at),
        })
        .collect();
    let form = Form::default();
    let focus = errors.first_name();
    let make = FieldMaker { form: &form, errors: &errors, t: &ctx.t, focus: focus.as_deref() };
    let account = staff.caller.account();
    let page = AccountPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        login: account.map(|a| a.login.clone()).unwrap_or_default(),
        role: account.map(|a| ctx.t.get(&format!("console-role-{}", a.role.as_str()))).unwrap_or_default(),
        sessions,
        current_password: make.field("current_password", "staff-current-password", false),
        new_password: make.field("new_password", "staff-new-password", true),
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// `GET /staff/account`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    match signed_in(&req, &state, &settings, "/staff/account").await {
        Ok(staff) => draw(&state, &staff, StatusCode::OK, Errors::default()).await,
        Err(answer) => answer,
    }
}

/// `POST /staff/account/password`: `current_password`, `new_password`.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) = match super::signed_in_post(&req, &state, &settings, "/staff/account", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    let request = ChangePasswordRequest {
        current_password: form.value("current_password").to_owned(),
        new_password: form.value("new_password").to_owned(),
    };
    match me::change_password(&state, &staff.caller, staff.origin.clone(), request).await {
        // Every session ended, this one too: sign in again with the new password.
        Ok(()) => {
            see_other("/staff/login", &[removal(session_cookie(settings.secure_cookies), settings.secure_cookies)])
        }
        Err(e) if e.kind == ErrorKind::Invalid => {
            let shown = ["current_password", "new_password"];
            let errors = Errors::from_core(&e.errors, &staff.ctx.t, &shown, "new_password");
            draw(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/account"),
    }
}

/// `POST /staff/account/sign-out-everywhere`.
pub async fn sign_out_everywhere(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, _) = match super::signed_in_post(&req, &state, &settings, "/staff/account", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    match console_sessions::sign_out_everywhere(&state, &staff.caller, staff.origin.clone()).await {
        Ok(()) => {
            see_other("/staff/login", &[removal(session_cookie(settings.secure_cookies), settings.secure_cookies)])
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/account"),
    }
}
