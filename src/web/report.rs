//! `GET /report` and `POST /report`: the tip form, its reloads (a province's districts, a
//! district's communes), "check your answers", and the receipt. Every step is a post to
//! the same address, so nothing typed ever goes into a URL; the last step files the tip
//! through the same use case as `POST /api/v1/reports`, with the form's one-time
//! submission token as its `Idempotency-Key`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{Chrome, Ctx, PageSettings};
use super::fields::Errors;
use super::form::Form;
use super::html::Caching;
use super::pages::{error_page, posted};
use super::report_form::{CheckPage, ReportPage, SHOWN, scheme_of};
use super::staff::session::official_here;
use super::texts::T;
use crate::auth::caller::Caller;
use crate::domain::admin_unit::Scheme;
use crate::domain::secrets;
use crate::domain::submission::ReportRequest;
use crate::error::{ErrorKind, FieldError};
use crate::http::address::client_address;
use crate::http::request_context::request_id;
use crate::services::dto::reports::ReportCreated;
use crate::services::{intake, places, tip_review};
use crate::state::AppState;

/// `GET /report`: an empty form, with a fresh submission token.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let mut ctx = Ctx::new(&req, &state, &settings, "/report");
    filing_as(&mut ctx, official_here(&req, &state, &settings).await.as_ref());
    let mut form = Form::default();
    form.set("submission_token", &secrets::generate("f"));
    form_page(&ctx, &state, &form, Errors::default(), None, StatusCode::OK).await
}

/// `POST /report`.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (mut ctx, mut form) = match posted(&req, &state, &settings, "/report", &body) {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let official = official_here(&req, &state, &settings).await;
    filing_as(&mut ctx, official.as_ref());
    if !is_token(form.value("submission_token")) {
        form.set("submission_token", &secrets::generate("f"));
    }
    let action = form.value("action").to_owned();
    match action.as_str() {
        "send" => send(&req, &ctx, &state, &form, official.as_ref()).await,
        "review" => review(&ctx, &state, &form).await,
        // "Change" on the check page focuses the answer to change.
        edit if edit.starts_with("edit:") => {
            let focus = edit.trim_start_matches("edit:");
            let focus = SHOWN.iter().find(|name| **name == focus).copied();
            form_page(&ctx, &state, &form, Errors::default(), focus, StatusCode::OK).await
        }
        // The picker's reloads, and anything else: the form again, as typed.
        _ => form_page(&ctx, &state, &form, Errors::default(), None, StatusCode::OK).await,
    }
}

/// A submission token is one the form made: long enough to be an `Idempotency-Key`.
fn is_token(token: &str) -> bool {
    (22..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The field the check page asks for itself.
const ACKNOWLEDGEMENT: &str = "acknowledged_false_report_warning";

/// The form again, with the core's `errors` beside their fields.
async fn with_errors(ctx: &Ctx, state: &AppState, form: &Form, errors: &[FieldError]) -> HttpResponse {
    let errors = Errors::from_core(errors, &ctx.t, &SHOWN, "narrative");
    form_page(ctx, state, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn review(ctx: &Ctx, state: &AppState, form: &Form) -> HttpResponse {
    // Read the way the API reads its body.
    let request = match ReportRequest::read(form.report_document()) {
        Ok(request) => request,
        Err(errors) => return with_errors(ctx, state, form, &errors).await,
    };
    match tip_review::review(state, &request).await {
        Ok(reviewed) => {
            let page = CheckPage::new(&ctx.t, &ctx.chrome, form, &reviewed, Errors::default());
            ctx.render(StatusCode::OK, Caching::NoStore, &page)
        }
        Err(err) if err.kind == ErrorKind::Invalid => with_errors(ctx, state, form, &err.errors).await,
        Err(err) => error_page(ctx, &err, "/report"),
    }
}

/// Says on the page who files the tip, when a commune official does.
fn filing_as(ctx: &mut Ctx, official: Option<&Caller>) {
    if let Some(account) = official.and_then(Caller::account) {
        let name = account.display_name.clone().unwrap_or_else(|| account.login.clone());
        ctx.chrome.filing_as = ctx.t.with("report-filing-as", "name", &name);
    }
}

async fn send(req: &HttpRequest, ctx: &Ctx, state: &AppState, form: &Form, official: Option<&Caller>) -> HttpResponse {
    let document = form.report_document();
    let digest = secrets::digest(&document.to_string());
    let request = match ReportRequest::read(document) {
        Ok(request) => request,
        Err(errors) => return with_errors(ctx, state, form, &errors).await,
    };
    let address = client_address(req, &state.trusted_proxies);
    let key = form.value("submission_token").to_owned();
    let filed =
        intake::submit(state, official, request.clone(), Some(digest), Some(key), address, request_id(req)).await;
    match filed {
        Ok(created) => receipt(ctx, &created),
        Err(err) if err.code == "idempotency_key_reused" => {
            // The token filed another tip already: a new one, so that this form can be
            // sent if it is a new tip.
            let mut renewed = form.clone();
            renewed.set("submission_token", &secrets::generate("f"));
            let errors = Errors::one("submission", &ctx.t, ctx.t.get("submission-reused"));
            form_page(ctx, state, &renewed, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) if err.kind == ErrorKind::Invalid => {
            if err.errors.iter().all(|e| e.field == ACKNOWLEDGEMENT)
                && let Ok(reviewed) = tip_review::review(state, &request).await
            {
                let errors = Errors::from_core(&err.errors, &ctx.t, &[ACKNOWLEDGEMENT], ACKNOWLEDGEMENT);
                let page = CheckPage::new(&ctx.t, &ctx.chrome, form, &reviewed, errors);
                return ctx.render(StatusCode::UNPROCESSABLE_ENTITY, Caching::NoStore, &page);
            }
            // Back to the form, whose answers need changing; the acknowledgement is asked
            // again on the check page.
            let rest: Vec<FieldError> = err.errors.iter().filter(|e| e.field != ACKNOWLEDGEMENT).cloned().collect();
            with_errors(ctx, state, form, &rest).await
        }
        Err(err) => error_page(ctx, &err, "/report"),
    }
}

/// The form, with the place picker's lists for what was chosen so far.
async fn form_page(
    ctx: &Ctx,
    state: &AppState,
    form: &Form,
    errors: Errors,
    focus: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let scheme = Scheme::parse(&scheme_of(form)).unwrap_or(Scheme::S2024);
    let code = |name: &str| form.value(name).trim().parse::<i32>().ok();
    // A province changed since the district was chosen drops the district, and so on.
    let picked = places::picker(
        state,
        scheme,
        code("place.province"),
        code("place.district"),
        // A reload follows the province and district just chosen, not the commune chosen
        // under the ones before.
        code("location.commune_code").filter(|_| !matches!(form.value("action"), "districts" | "communes")),
    )
    .await;
    let picker = match picked {
        Ok(picker) => picker,
        Err(err) => return error_page(ctx, &err, "/report"),
    };
    let page = ReportPage::new(&ctx.t, &ctx.chrome, form, errors, &picker, focus);
    // The form holds what the reporter typed (after a reload or an error): never stored.
    ctx.render(status, Caching::NoStore, &page)
}

/// `receipt.html`: shown once, as the answer to the post that filed the tip.
#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    reference: String,
    receipt_code: String,
    authority: String,
    phone: String,
}

fn receipt(ctx: &Ctx, created: &ReportCreated) -> HttpResponse {
    let page = ReceiptPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        reference: created.reference.clone(),
        receipt_code: created.receipt_code.clone().unwrap_or_default(),
        authority: created.authority.name.clone(),
        phone: created.authority.phone.clone().unwrap_or_default(),
    };
    ctx.render(StatusCode::OK, Caching::NoStore, &page)
}
