//! `GET /track`, `POST /track` and `POST /track/messages`: a reporter follows a tip by
//! its reference and receipt code, which travel only in form bodies, through the same
//! use cases (and limits) as `/api/v1/tracking`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{Chrome, Ctx, PageSettings};
use super::fields::{Errors, Field, FieldMaker, SummaryItem, viet_nam_time};
use super::form::Form;
use super::html::Caching;
use super::pages::{error_page, posted};
use super::texts::T;
use crate::error::ErrorKind;
use crate::http::address::client_address;
use crate::services::dto::reports::TrackingView;
use crate::services::tracking;
use crate::state::AppState;

/// A message as the tracking page shows it.
pub struct MessageLine {
    pub from_staff: bool,
    pub body: String,
    pub at: String,
}

/// `track.html`: the form, and, once found, the tip.
#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    reference: Field,
    receipt_code: Field,
    found: Option<Found>,
    body: Field,
    sent: bool,
}

/// The tip found.
struct Found {
    reference: String,
    status: &'static str,
    submitted: String,
    authority: String,
    phone: String,
    messages: Vec<MessageLine>,
}

impl Found {
    fn of(view: TrackingView) -> Found {
        Found {
            reference: view.reference,
            status: view.status,
            submitted: viet_nam_time(view.submitted_at),
            authority: view.authority.name,
            phone: view.authority.phone.unwrap_or_default(),
            messages: view
                .messages
                .into_iter()
                .map(|m| MessageLine { from_staff: m.from == "staff", body: m.body, at: viet_nam_time(m.created_at) })
                .collect(),
        }
    }
}

fn page<'a>(ctx: &'a Ctx, form: &Form, errors: Errors, found: Option<Found>, sent: bool) -> TrackPage<'a> {
    let m = FieldMaker { form, errors: &errors, t: &ctx.t, focus: None };
    let (reference, receipt_code) =
        (m.field("reference", "track-reference", true), m.field("receipt_code", "track-receipt_code", true));
    let mut body = m.field("body", "track-body", true);
    if sent {
        body.value.clear();
    }
    TrackPage { t: &ctx.t, chrome: &ctx.chrome, reference, receipt_code, found, body, sent, errors: errors.summary() }
}

/// `GET /track`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let ctx = Ctx::new(&req, &state, &settings, "/track");
    let page = page(&ctx, &Form::default(), Errors::default(), None, false);
    ctx.render(StatusCode::OK, Caching::Revalidate, &page)
}

/// `POST /track`: the tip, by reference and receipt code.
pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (ctx, form) = match posted(&req, &state, &settings, "/track", &body) {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let address = client_address(&req, &state.trusted_proxies);
    match tracking::track(&state, address, form.value("reference").trim(), form.value("receipt_code")).await {
        Ok(view) => {
            let page = page(&ctx, &form, Errors::default(), Some(Found::of(view)), false);
            ctx.render(StatusCode::OK, Caching::NoStore, &page)
        }
        Err(err) if err.kind == ErrorKind::NotFound => {
            let errors = Errors::one("reference", &ctx.t, err.detail.get(ctx.lang()));
            ctx.render(StatusCode::NOT_FOUND, Caching::NoStore, &page(&ctx, &form, errors, None, false))
        }
        Err(err) => error_page(&ctx, &err, "/track"),
    }
}

/// `POST /track/messages`: the reporter adds information, then sees the tip again.
pub async fn add_message(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (ctx, form) = match posted(&req, &state, &settings, "/track", &body) {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let address = client_address(&req, &state.trusted_proxies);
    let (reference, code) = (form.value("reference").trim(), form.value("receipt_code"));
    match tracking::add_message_and_view(&state, address, reference, code, form.value("body")).await {
        Ok((added, view)) => {
            let (errors, sent, status) = match added {
                Ok(_) => (Errors::default(), true, StatusCode::OK),
                Err(err) => {
                    (Errors::from_core(&err.errors, &ctx.t, &["body"], "body"), false, StatusCode::UNPROCESSABLE_ENTITY)
                }
            };
            ctx.render(status, Caching::NoStore, &page(&ctx, &form, errors, Some(Found::of(view)), sent))
        }
        Err(err) if err.kind == ErrorKind::NotFound => {
            let errors = Errors::one("reference", &ctx.t, err.detail.get(ctx.lang()));
            ctx.render(StatusCode::NOT_FOUND, Caching::NoStore, &page(&ctx, &form, errors, None, false))
        }
        Err(err) => error_page(&ctx, &err, "/track"),
    }
}
