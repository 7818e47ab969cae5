//! `/staff/cases`: the work list. Its filters are the API's query parameters, read by the
//! same parser (`http::list_queries::work_list_query`), so a link copied from the console and a
//! call to `GET /api/v1/cases` mean the same cases. Quick filters show how many cases each
//! holds; `assets/console.js` refreshes the list every few seconds (see decisions).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::query::{api_query, next_link};
use super::session::signed_in;
use crate::domain::case::{PRIORITIES, Priority, Status};
use crate::domain::report::MATTERS;
use crate::error::ErrorKind;
use crate::http::list_queries::work_list_query;
use crate::services::dto::cases::CaseSummary;
use crate::services::work_list::{self, Query};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, SummaryItem, viet_nam_time};
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// Counted up to this, then "100+".
const COUNT_CAP: u32 = 100;
/// Cases per page.
const PAGE: u32 = 50;

/// A quick filter: its link, its name, how many cases it holds, whether it is the one shown.
pub struct Quick {
    pub href: String,
    pub label: String,
    pub count: String,
    pub on: bool,
}

/// A case as a row of the list.
pub struct Row {
    pub id: String,
    pub reference: String,
    pub status: String,
    pub priority: String,
    pub urgent: bool,
    pub overdue: bool,
    pub matter: String,
    pub authority: String,
    pub opened: String,
    pub due: String,
    pub mine: bool,
}

/// A choice of a filter's select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub on: bool,
}

/// `staff/cases.html`.
#[derive(Template)]
#[template(path = "staff/cases.html")]
struct ListPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    quick: Vec<Quick>,
    rows: Vec<Row>,
    q: String,
    statuses: Vec<Opt>,
    priorities: Vec<Opt>,
    matters: Vec<Opt>,
    sorts: Vec<Opt>,
    overdue: bool,
    created_from: String,
    created_to: String,
    next: String,
}

fn link(pairs: &[(&str, &str)]) -> String {
    super::query::link("/staff/cases", pairs)
}

/// `GET /staff/cases`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/cases").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    // Where signing in lands: an admin, who handles no cases, is sent to the accounts.
    let may = |action| crate::auth::policy::authorize(&staff.caller, action).is_ok();
    if !may(crate::auth::policy::Action::ReadCases) && may(crate::auth::policy::Action::ManageAccounts) {
        return super::session::see_other("/staff/admin/accounts", &[]);
    }
    // A commune official files tips for residents on the citizens' form, in their name.
    if staff.ctx.chrome.report_link {
        return super::session::see_other("/report", &[]);
    }
    let ctx = &staff.ctx;
    let t = &ctx.t;
    let (query_string, pairs) = api_query(req.query_string(), &["created_from", "created_to"]);
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (query, errors, status) = match work_list_query(&query_string) {
        Ok(mut query) => {
            query.limit = query.limit.min(PAGE);
            (Some(query), Errors::default(), StatusCode::OK)
        }
        Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::BadRequest) => {
            let shown = ["q", "status", "priority", "matter", "sort", "created_from", "created_to"];
            (None, Errors::from_core(&e.errors, t, &shown, "q"), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return error_page(ctx, &e, "/staff/cases"),
    };
    let me = staff.caller.account().map(|a| a.id);
    let me_text = me.map(|id| id.to_string()).unwrap_or_default();
    let open = [Status::New, Status::Accepted, Status::Investigating].to_vec();
    let quick_queries = vec![
        Query { statuses: open.clone(), limit: COUNT_CAP, ..Query::default() },
        Query { statuses: vec![Status::New], limit: COUNT_CAP, ..Query::default() },
        Query { statuses: open.clone(), priority: Some(Priority::Urgent), limit: COUNT_CAP, ..Query::default() },
        Query { statuses: open.clone(), overdue: true, limit: COUNT_CAP, ..Query::default() },
        Query { statuses: open.clone(), assignee_id: me, limit: COUNT_CAP, ..Query::default() },
    ];
    let (found, counts) = match work_list::page_and_counts(&state, &staff.caller, query, quick_queries, COUNT_CAP).await
    {
        Ok(answer) => answer,
        Err(e) => return error_page(ctx, &e, "/staff/cases"),
    };
    let links = [
        ("console-quick-open", link(&[("status", "new"), ("status", "accepted"), ("status", "investigating")])),
        ("console-quick-new", link(&[("status", "new")])),
        (
            "console-quick-urgent",
            link(&[("status", "new"), ("status", "accepted"), ("status", "investigating"), ("priority", "urgent")]),
        ),
        (
            "console-quick-overdue",
            link(&[("status", "new"), ("status", "accepted"), ("status", "investigating"), ("overdue", "true")]),
        ),
        (
            "console-quick-mine",
            link(&[("status", "new"), ("status", "accepted"), ("status", "investigating"), ("assignee_id", &me_text)]),
        ),
    ];
    let here = format!("/staff/cases?{query_string}");
    let quick = links
        .into_iter()
        .zip(counts)
        .map(|((label, href), n)| Quick {
            on: href == here,
            label: t.get(label),
            count: if n >= COUNT_CAP { format!("{COUNT_CAP}+") } else { n.to_string() },
            href,
        })
        .collect();
    let (cases, next_cursor) = found.unwrap_or_default();
    let rows = cases.iter().map(|c| row(t, c, me)).collect();
    let next = next_cursor.map(|cursor| next_link("/staff/cases", &pairs, &cursor)).unwrap_or_default();
    let chosen: Vec<String> = pairs.iter().filter(|(k, _)| k == "status").map(|(_, v)| v.clone()).collect();
    let options = |values: &[&str], prefix: &str, on: &dyn Fn(&str) -> bool| -> Vec<Opt> {
        values
            .iter()
            .map(|v| Opt { value: (*v).to_owned(), label: t.get(&format!("{prefix}-{v}")), on: on(v) })
            .collect()
    };
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let page = ListPage {
        t,
        chrome: &ctx.chrome,
        quick,
        rows,
        q: value("q"),
        statuses: options(&statuses, "console-status", &|v| chosen.iter().any(|c| c == v)),
        priorities: options(&PRIORITIES, "console-priority", &|v| value("priority") == v),
        matters: options(&MATTERS, "matter", &|v| value("matter") == v),
        sorts: options(&["newest", "oldest", "due_soonest", "priority"], "console-sort", &|v| value("sort") == v),
        overdue: value("overdue") == "true",
        created_from: value("created_from").get(..10).unwrap_or_default().to_owned(),
        created_to: value("created_to").get(..10).unwrap_or_default().to_owned(),
        next,
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

pub fn row(t: &T, c: &CaseSummary, me: Option<uuid::Uuid>) -> Row {
    Row {
        id: c.id.to_string(),
        reference: c.reference.clone(),
        status: t.get(&format!("console-status-{}", c.status)),
        priority: t.get(&format!("console-priority-{}", c.priority)),
        urgent: c.priority == "urgent",
        overdue: c.overdue,
        matter: c.matter.as_deref().map(|m| t.get(&format!("matter-{m}"))).unwrap_or_default(),
        authority: c.authority.name.clone(),
        opened: viet_nam_time(c.created_at),
        due: c.resolve_due_at.or(c.accept_due_at).map(viet_nam_time).unwrap_or_default(),
        mine: me.is_some() && c.assignee_id == me,
    }
}
