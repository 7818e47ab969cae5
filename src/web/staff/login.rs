//! `/staff/login`: the password, then the authenticator code (`/staff/login/code`), and
//! `/staff/logout`. A right password with a code still to come is carried by a cookie of
//! its own for five minutes, never by the password travelling twice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::{self, removal, see_other, session_cookie, waiting_cookie};
use crate::domain::account::SessionStage;
use crate::error::{ErrorKind, ServiceError};
use crate::http::address::client_address;
use crate::services::console_sessions::{self, SignIn};
use crate::state::AppState;
use crate::web::context::{Chrome, Ctx, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::{error_page, posted};
use crate::web::texts::T;

/// `staff/login.html`: the password step, or the code step.
#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    /// `false`: login and password; `true`: the code.
    code_step: bool,
    login: Field,
    password: Field,
    totp_code: Field,
    notice: String,
}

fn draw(ctx: &Ctx, status: StatusCode, form: &Form, errors: Errors, code_step: bool, notice: String) -> HttpResponse {
    let focus = errors.first_name().or(Some(if code_step { "totp_code" } else { "login" }.to_owned()));
    let make = FieldMaker { form, errors: &errors, t: &ctx.t, focus: focus.as_deref() };
    let mut password = make.field("password", "staff-password", false);
    // A password is never written back into a page.
    password.value.clear();
    let mut totp_code = make.field("totp_code", "staff-totp-code", true);
    totp_code.value.clear();
    let page = LoginPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        login: make.field("login", "staff-login", false),
        password,
        totp_code,
        code_step,
        notice,
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// `GET /staff/login`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let ctx = Ctx::new(&req, &state, &settings, "/staff/login");
    draw(&ctx, StatusCode::OK, &Form::default(), Errors::default(), false, String::new())
}

/// `POST /staff/login`: `login`, `password`, and `totp_code` when the form carried it.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (ctx, form) = match posted(&req, &state, &settings, "/staff/login", &body) {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let secure = settings.secure_cookies;
    let address = client_address(&req, &state.trusted_proxies);
    let code = form.get("totp_code").map(str::to_owned);
    let answer =
        console_sessions::with_password(&state, form.value("login"), form.value("password").to_owned(), code, address)
            .await;
    match answer {
        Ok(SignIn::Session { cookie, stage }) => {
            let next = if stage == SessionStage::Full { "/staff/cases" } else { "/staff/enrol" };
            see_other(
                next,
                &[session::cookie(session_cookie(secure), cookie, secure), removal(waiting_cookie(secure), secure)],
            )
        }
        Ok(SignIn::CodeNeeded { waiting }) => {
            see_other("/staff/login/code", &[session::cookie(waiting_cookie(secure), waiting, secure)])
        }
        Err(e) => refused(&ctx, &form, &e, "password", false),
    }
}

/// The page again after a refused step, the error on `field`.
fn refused(ctx: &Ctx, form: &Form, e: &ServiceError, field: &str, code_step: bool) -> HttpResponse {
    let status = match e.kind {
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        _ => return error_page(ctx, e, "/staff/login"),
    };
    let errors = Errors::one(field, &ctx.t, e.detail.get(ctx.lang()));
    draw(ctx, status, form, errors, code_step, String::new())
}

/// `GET /staff/login/code`.
pub async fn show_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
) -> HttpResponse {
    if req.cookie(waiting_cookie(settings.secure_cookies)).is_none() {
        return see_other("/staff/login", &[]);
    }
    let ctx = Ctx::new(&req, &state, &settings, "/staff/login/code");
    draw(&ctx, StatusCode::OK, &Form::default(), Errors::default(), true, String::new())
}

/// `POST /staff/login/code`: `totp_code`.
pub async fn post_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (ctx, form) = match posted(&req, &state, &settings, "/staff/login/code", &body) {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let secure = settings.secure_cookies;
    let Some(waiting) = req.cookie(waiting_cookie(secure)).map(|c| c.value().to_owned()) else {
        return see_other("/staff/login", &[]);
    };
    match console_sessions::with_code(&state, waiting, form.value("totp_code")).await {
        Ok(cookie) => see_other(
            "/staff/cases",
            &[session::cookie(session_cookie(secure), cookie, secure), removal(waiting_cookie(secure), secure)],
        ),
        Err(e) if e.code == "sign_in_expired" => {
            let mut res = draw(
                &ctx,
                StatusCode::UNAUTHORIZED,
                &Form::default(),
                Errors::default(),
                false,
                e.detail.get(ctx.lang()),
            );
            res.add_removal_cookie(&removal(waiting_cookie(secure), secure)).ok();
            res
        }
        Err(e) => refused(&ctx, &form, &e, "totp_code", true),
    }
}

/// `POST /staff/logout`.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, _) = match super::signed_in_post(&req, &state, &settings, "/staff/logout", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    if let Err(e) = console_sessions::sign_out(&state, &staff.caller).await {
        return error_page(&staff.ctx, &e, "/staff/cases");
    }
    see_other("/staff/login", &[removal(session_cookie(settings.secure_cookies), settings.secure_cookies)])
}
