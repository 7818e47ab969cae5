//! `/staff/audit`: the audit trail for auditors — filtered as the API's `GET /api/v1/audit`
//! (the same parser and messages), one object's chain with each link shown, and
//! `/staff/audit/verify`, which recomputes every chain (against a checkpoint kept
//! elsewhere, when one is pasted) and says the result in words.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::query::{api_query, next_link, value_of};
use super::session::{Staff, signed_in};
use crate::auth::policy::{Action, authorize};
use crate::domain::audit::{Checkpoint, ObjectType};
use crate::error::ErrorKind;
use crate::http::list_queries::{audit_query, checkpoint};
use crate::services::audit::{self, Verification};
use crate::services::dto::cases::EventView;
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem, viet_nam_time};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// Events per page.
const PAGE: u32 = 50;
/// The filters the page shows (an error on another goes on the first).
const SHOWN: [&str; 6] = ["object_type", "object_id", "actor", "action", "from", "to"];

/// An event as a row of the trail.
pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub object: String,
    pub chain_href: String,
    pub position: i64,
    pub actor: String,
    pub action: String,
    pub summary: String,
    pub hash: String,
    pub prev_hash: String,
    /// In a chain: this event names the one above it as its predecessor.
    pub links_up: bool,
}

/// A choice of the object-type filter.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub on: bool,
}

/// `staff/audit.html`.
#[derive(Template)]
#[template(path = "staff/audit.html")]
struct TrailPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    object_types: Vec<Opt>,
    object_id: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    /// When the filters name one object: the heading of its chain.
    chain: String,
    rows: Vec<EventRow>,
    next: String,
}

/// `GET /staff/audit`: `object_type`, `object_id`, `actor`, `action`, `from`, `to`
/// (dates), `cursor`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/audit").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let ctx = &staff.ctx;
    let t = &ctx.t;
    let (mut query_string, mut pairs) = api_query(req.query_string(), &["from", "to"]);
    // The latest first, unless the page shows one object's chain (read in its order).
    let names_one_object = ["object_type", "object_id"].iter().all(|k| pairs.iter().any(|(name, _)| name == k));
    if !names_one_object && !pairs.iter().any(|(name, _)| name == "order") {
        pairs.push(("order".to_owned(), "newest".to_owned()));
        query_string = super::query::encode(&pairs);
    }
    let value = |name: &str| value_of(&pairs, name);
    let (found, errors, status) = match audit_query(&query_string) {
        Ok(mut query) => {
            query.limit = query.limit.min(PAGE);
            match audit::list(&state, &staff.caller, query).await {
                Ok(found) => (found, Errors::default(), StatusCode::OK),
                Err(e) => return error_page(ctx, &e, "/staff/audit"),
            }
        }
        Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::BadRequest) => {
            // Who may read comes first, as on the API: a refused caller sees the refusal.
            if let Some(refused) = refused(&staff, "/staff/audit") {
                return refused;
            }
            let errors = Errors::from_core(&e.errors, t, &SHOWN, "object_type");
            ((Vec::new(), None), errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return error_page(ctx, &e, "/staff/audit"),
    };
    let (events, next_cursor) = found;
    let one_object = !value("object_type").is_empty() && !value("object_id").is_empty();
    let rows = rows(t, &events, one_object);
    let chain = if one_object {
        let object = format!("{} {}", object_label(t, &value("object_type")), value("object_id"));
        t.with("console-audit-chain-of", "object", &object)
    } else {
        String::new()
    };
    let chosen = value("object_type");
    let object_types = ObjectType::ALL
        .iter()
        .map(|o| Opt { value: o.as_str().to_owned(), label: object_label(t, o.as_str()), on: chosen == o.as_str() })
        .collect();
    let page = TrailPage {
        t,
        chrome: &ctx.chrome,
        errors: errors.summary(),
        object_types,
        object_id: value("object_id"),
        actor: value("actor"),
        action: value("action"),
        from: value("from").get(..10).unwrap_or_default().to_owned(),
        to: value("to").get(..10).unwrap_or_default().to_owned(),
        chain,
        rows,
        next: next_cursor.map(|c| next_link("/staff/audit", &pairs, &c)).unwrap_or_default(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// The policy's refusal page for a caller who may not read the trail. The services
/// check again; this is for the answers a page gives before it reaches them (the form,
/// a wrong filter), so that a refused caller never learns more than the refusal.
fn refused(staff: &Staff, path: &'static str) -> Option<HttpResponse> {
    authorize(&staff.caller, Action::ReadAuditTrail).err().map(|e| error_page(&staff.ctx, &e, path))
}

fn object_label(t: &T, object_type: &str) -> String {
    t.get(&format!("console-audit-object-{object_type}"))
}

fn rows(t: &T, events: &[EventView], one_object: bool) -> Vec<EventRow> {
    let short = |hash: &str| hash.get(..16).unwrap_or(hash).to_owned();
    let mut rows: Vec<EventRow> = Vec::with_capacity(events.len());
    for e in events {
        let prev_hash = e.prev_hash.as_deref().map(short).unwrap_or_default();
        let links_up = one_object && !prev_hash.is_empty() && rows.last().is_some_and(|above| above.hash == prev_hash);
        rows.push(EventRow {
            seq: e.seq,
            at: viet_nam_time(e.at),
            object: format!("{} {}", object_label(t, &e.object_type), e.object_id),
            chain_href: super::query::link(
                "/staff/audit",
                &[("object_type", e.object_type.as_str()), ("object_id", e.object_id.as_str())],
            ),
            position: e.position,
            actor: if e.actor_masked { t.get("console-audit-actor-masked") } else { e.actor.clone() },
            action: e.action.clone(),
            summary: e.summary.to_string(),
            hash: short(&e.hash),
            prev_hash,
            links_up,
        });
    }
    rows
}

/// The verification's result, in words.
pub struct Outcome {
    pub intact: bool,
    pub lines: Vec<String>,
}

/// `staff/audit_verify.html`.
#[derive(Template)]
#[template(path = "staff/audit_verify.html")]
struct VerifyPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    checkpoint: Field,
    outcome: Option<Outcome>,
}

fn draw_verify(
    staff: &Staff,
    status: StatusCode,
    form: &Form,
    errors: Errors,
    outcome: Option<Outcome>,
) -> HttpResponse {
    let ctx = &staff.ctx;
    let focus = errors.first_name();
    let make = FieldMaker { form, errors: &errors, t: &ctx.t, focus: focus.as_deref() };
    let page = VerifyPage {
        t: &ctx.t,
        chrome: &ctx.chrome,
        checkpoint: make.field("checkpoint", "console-audit-checkpoint", true),
        errors: errors.summary(),
        outcome,
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// `GET /staff/audit/verify`: the form.
pub async fn show_verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/audit/verify").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    if let Some(refused) = refused(&staff, "/staff/audit/verify") {
        return refused;
    }
    draw_verify(&staff, StatusCode::OK, &Form::default(), Errors::default(), None)
}

/// `POST /staff/audit/verify`: `checkpoint` (optional).
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) = match super::signed_in_post(&req, &state, &settings, "/staff/audit/verify", &body).await {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    let t = &staff.ctx.t;
    let pasted = form.value("checkpoint").trim().to_owned();
    let against = if pasted.is_empty() {
        None
    } else {
        match checkpoint(&pasted) {
            Ok(c) => Some(c),
            Err(message) => {
                if let Some(refused) = refused(&staff, "/staff/audit/verify") {
                    return refused;
                }
                let errors = Errors::one("checkpoint", t, message.get(t.language()));
                return draw_verify(&staff, StatusCode::UNPROCESSABLE_ENTITY, &form, errors, None);
            }
        }
    };
    let upto = against.as_ref().map(|c: &Checkpoint| c.upto_seq);
    match audit::verify_trail(&state, &staff.caller, against).await {
        Ok(found) => {
            let outcome = in_words(t, &found, upto);
            draw_verify(&staff, StatusCode::OK, &form, Errors::default(), Some(outcome))
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/audit/verify"),
    }
}

/// What a verification found, as an auditor reads it out in a report.
fn in_words(t: &T, v: &Verification, upto: Option<i64>) -> Outcome {
    let mut lines = Vec::new();
    let checked = v.checked.to_string();
    match &v.first_damaged {
        None => lines.push(t.with("console-audit-intact", "count", &checked)),
        Some((event, damage)) => {
            let object = format!("{} {}", object_label(t, &event.event.object_type), event.event.object_id);
            lines.push(t.with_args(
                "console-audit-damaged",
                &[
                    ("seq", &event.seq.to_string()),
                    ("position", &event.event.position.to_string()),
                    ("object", &object),
                    ("problem", &t.get(&format!("console-audit-damage-{}", damage.code()))),
                ],
            ));
            lines.push(t.with("console-audit-checked", "count", &checked));
        }
    }
    let upto = upto.unwrap_or_default().to_string();
    match v.checkpoint_matches {
        Some(true) => lines.push(t.with("console-audit-checkpoint-matches", "seq", &upto)),
        Some(false) => lines.push(t.with("console-audit-checkpoint-differs", "seq", &upto)),
        None => lines.push(t.get("console-audit-no-checkpoint")),
    }
    Outcome { intact: v.intact(), lines }
}
