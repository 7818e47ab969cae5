//! The whole of what the case page embeds only the newest 50 of: `/staff/cases/{id}/notes`
//! and `/staff/cases/{id}/messages` (keyset pages of 50, newest first, as the API's
//! `GET /api/v1/cases/{id}/notes` and `…/messages`), and `/staff/cases/{id}/history`
//! (every event of the case's chain, in words). The same access as the case page: a case
//! the caller may not see is the 404 page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::case_page::{Line, case_to_work};
use super::history_words;
use super::session::{Staff, signed_in};
use crate::auth::policy::Action;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::{case_choices, case_views, conversations};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::viet_nam_time;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// Lines per page.
const PAGE: u32 = 50;

/// `staff/case_list.html`.
#[derive(Template)]
#[template(path = "staff/case_list.html")]
struct ListPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    id: String,
    title: String,
    lines: Vec<Line>,
    next: String,
}

/// Which list.
#[derive(Clone, Copy)]
enum Kind {
    Notes,
    Messages,
    History,
}

/// `GET /staff/cases/{id}/notes`.
pub async fn notes(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    show(req, state, settings, Kind::Notes).await
}

/// `GET /staff/cases/{id}/messages`.
pub async fn messages(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    show(req, state, settings, Kind::Messages).await
}

/// `GET /staff/cases/{id}/history`.
pub async fn history(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    show(req, state, settings, Kind::History).await
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    kind: Kind,
) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/cases").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let id = match case_to_work(&req, &staff, Action::ReadCases) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let (_, pairs) = super::query::api_query(req.query_string(), &[]);
    let cursor = super::query::value_of(&pairs, "cursor");
    let before = match (cursor.is_empty(), Uuid::try_parse(&cursor)) {
        (true, _) => None,
        (false, Ok(before)) => Some(before),
        (false, Err(_)) => {
            let wrong = ServiceError::invalid_parameters(vec![FieldError::new(
                "cursor",
                "invalid",
                Msg::of("work-list-is-not-a-cursor-of-this"),
            )]);
            return error_page(&staff.ctx, &wrong, "/staff/cases");
        }
    };
    match lines(&state, &staff, id, kind, before).await {
        Ok((title, lines, next)) => {
            let t = &staff.ctx.t;
            let path = format!(
                "/staff/cases/{id}/{}",
                match kind {
                    Kind::Notes => "notes",
                    Kind::Messages => "messages",
                    Kind::History => "history",
                }
            );
            let next = next.map(|c| super::query::link(&path, &[("cursor", &c)])).unwrap_or_default();
            let page = ListPage { t, chrome: &staff.ctx.chrome, id: id.to_string(), title, lines, next };
            staff.ctx.render(StatusCode::OK, Caching::NoStore, &page)
        }
        Err(e) => error_page(&staff.ctx, &e, "/staff/cases"),
    }
}

/// The page's heading, its lines and the next page's cursor.
async fn lines(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    kind: Kind,
    before: Option<Uuid>,
) -> Result<(String, Vec<Line>, Option<String>), ServiceError> {
    let (t, caller) = (&staff.ctx.t, &staff.caller);
    let me = caller.account().map(|a| a.id);
    // The case itself first: the caller's access, and the reference for the heading.
    let (detail, _) = case_views::read_with_abilities(state, caller, id).await?;
    let reference = detail.summary.reference.clone();
    let line = |who: String, at, text: String| Line { who, at: viet_nam_time(at), text, fresh: false };
    Ok(match kind {
        Kind::Notes => {
            let (notes, next) = conversations::notes_of_case(state, caller, id, before, PAGE).await?;
            let lines = notes
                .into_iter()
                .map(|n| line(n.author_name.unwrap_or_else(|| n.author_id.to_string()), n.created_at, n.body))
                .collect();
            (t.with("console-notes-of", "reference", &reference), lines, next)
        }
        Kind::Messages => {
            let (messages, next) = conversations::of_case(state, caller, id, before, PAGE).await?;
            let tip_of = |report: Uuid| {
                detail.reports.iter().find(|r| r.id == report).map(|r| r.reference.clone()).unwrap_or_default()
            };
            let lines = messages
                .into_iter()
                .map(|m| {
                    let from = if m.message.from == "staff" { "console-from-staff" } else { "console-from-reporter" };
                    let who =
                        format!("{} · {}", t.get(from), t.with("console-about-tip", "reference", &tip_of(m.report_id)));
                    line(who, m.message.created_at, m.message.body)
                })
                .collect();
            (t.with("console-messages-of", "reference", &reference), lines, next)
        }
        Kind::History => {
            let events = case_views::audit_of(state, caller, id).await?;
            // The authority's officers by name, for those who work the case.
            let officers = case_choices::for_case(state, caller, id).await?.officers;
            let name_of = |id: Uuid| officers.iter().find(|(o, _)| *o == id).map(|(_, name)| name.clone());
            let lines = events
                .iter()
                .rev()
                .map(|e| line(history_words::actor(t, e, me, &name_of), e.at, history_words::event(t, e, &name_of)))
                .collect();
            (t.with("console-history-of", "reference", &reference), lines, None)
        }
    })
}
