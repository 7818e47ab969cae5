//! `/staff/enrol`: a new staff member's first sign-in sets up the authenticator app, from
//! a QR code or the secret typed in, and confirms it with a first code. The session then
//! becomes a full one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::{Staff, see_other, signed_in};
use crate::domain::account::SessionStage;
use crate::error::ErrorKind;
use crate::services::{console_sessions, me};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// `staff/enrol.html`.
#[derive(Template)]
#[template(path = "staff/enrol.html")]
struct EnrolPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    /// The QR code of the `otpauth://` address, as SVG.
    qr: String,
    /// The secret in groups of four.
    secret: String,
    totp_code: Field,
}

async fn draw(state: &AppState, staff: &Staff, status: StatusCode, errors: Errors) -> HttpResponse {
    let ctx = &staff.ctx;
    let enrolment = match me::enrolment(state, &staff.caller).await {
        Ok(enrolment) => enrolment,
        Err(e) => return error_page(ctx, &e, "/staff/enrol"),
    };
    let form = Form::default();
    let make = FieldMaker { form: &form, errors: &errors, t: &ctx.t, focus: Some("totp_code") };
    let page = EnrolPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        qr: super::qr::svg(&enrolment.otpauth_uri, 220, &ctx.t.get("console-enrol-qr")).unwrap_or_default(),
        secret: super::qr::grouped(&enrolment.secret),
        totp_code: make.field("totp_code", "staff-totp-code", true),
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// `GET /staff/enrol`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/enrol").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    if staff.caller.stage == SessionStage::Full {
        return see_other("/staff/cases", &[]);
    }
    draw(&state, &staff, StatusCode::OK, Errors::default()).await
}

/// `POST /staff/enrol`: `totp_code`, the app's first code.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) = match super::signed_in_post(&req, &state, &settings, "/staff/enrol", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    if staff.caller.stage == SessionStage::Full {
        return see_other("/staff/cases", &[]);
    }
    let code = form.value("totp_code").to_owned();
    match me::confirm_totp(&state, &staff.caller, staff.origin.clone(), code).await {
        Ok(()) => match console_sessions::enrolled(&state, &staff.caller).await {
            Ok(()) => see_other("/staff/cases", &[]),
            Err(e) => error_page(&staff.ctx, &e, "/staff/enrol"),
        },
        Err(e) if e.kind == ErrorKind::Invalid => {
            let message = e.errors.first().map(|f| f.message.get(staff.ctx.lang())).unwrap_or_default();
            let errors = Errors::one("totp_code", &staff.ctx.t, message);
            draw(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/enrol"),
    }
}
