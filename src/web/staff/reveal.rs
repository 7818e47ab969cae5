//! `POST /staff/cases/{id}/reveal`: the reporters' contact, for an officer of the holding
//! authority who states why and gives a fresh authenticator code. It is shown once, on a
//! page the browser keeps nowhere (`no-store`), and the reveal goes into the audit trail.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::case_page::{Outcome, case_to_work, draw};
use crate::error::ErrorKind;
use crate::services::cases;
use crate::services::dto::cases::RevealedContact;
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::Errors;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// `staff/reveal.html`.
#[derive(Template)]
#[template(path = "staff/reveal.html")]
struct RevealPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    id: String,
    contacts: Vec<RevealedContact>,
}

/// `POST /staff/cases/{id}/reveal`: `reason`, `totp_code`.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) = match super::signed_in_post(&req, &state, &settings, "/staff/cases", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    let id = match case_to_work(&req, &staff, crate::auth::policy::Action::ChangeCases) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let reason = form.value("reason").trim().to_owned();
    let t = &staff.ctx.t;
    if reason.chars().count() < 10 || reason.chars().count() > 500 {
        let errors = Errors::one("reveal_reason", t, t.get("console-reveal-reason-length"));
        let outcome = Outcome {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            errors: Some(errors),
            form,
            ..Outcome::default()
        };
        return draw(&state, &staff, id, outcome).await;
    }
    let code = form.get("totp_code").map(str::to_owned);
    match cases::reveal_reporters(&state, &staff.caller, staff.origin.clone(), id, reason, code).await {
        Ok(view) => {
            let page = RevealPage { t, chrome: &staff.ctx.chrome, id: id.to_string(), contacts: view.contacts };
            staff.ctx.render(StatusCode::OK, Caching::NoStore, &page)
        }
        Err(e) if e.code == "step_up_required" => {
            let errors = Errors::one("totp_code", t, e.detail.get(staff.ctx.lang()));
            let outcome =
                Outcome { status: Some(StatusCode::FORBIDDEN), errors: Some(errors), form, ..Outcome::default() };
            draw(&state, &staff, id, outcome).await
        }
        Err(e) if e.kind == ErrorKind::Forbidden => {
            let outcome = Outcome {
                status: Some(StatusCode::FORBIDDEN),
                notice: e.detail.get(staff.ctx.lang()),
                notice_is_error: true,
                form,
                ..Outcome::default()
            };
            draw(&state, &staff, id, outcome).await
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/cases"),
    }
}
