//! `/staff/overview`: what a supervisor watches over a province — the statistics of the
//! cases opened lately, tips per day over 90 days (an SVG chart drawn here), where the
//! open cases are (a table, and a Leaflet map over it when scripts run), the escalated
//! cases and the transfers that wait for a decision. Officers see their authority's and
//! auditors everyone's, as `GET /api/v1/stats/cases` answers them.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::chart;
use super::session::signed_in;
use super::work_list::{Row, row};
use crate::domain::case::{Sort, Status};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::case_moves;
use crate::services::overview::{self, CHART_DAYS, DayCount};
use crate::services::work_list::{self, Query};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::viet_nam_time;
use crate::web::html::{Caching, policy_with_images_from};
use crate::web::pages::error_page;
use crate::web::texts::T;

/// The windows the statistics may cover, in days.
const WINDOWS: [i64; 4] = [7, 30, 90, 365];
/// Escalated cases and waiting transfers shown here; the rest are a link away.
const SHORT_LIST: u32 = 10;

/// A line of a counts table: what, how many, and where the cases are listed.
pub struct CountRow {
    pub label: String,
    pub count: u64,
    pub href: String,
}

/// A commune on the map and in its table.
pub struct PlaceRow {
    pub name: String,
    pub open: u64,
    pub href: String,
    /// `data-lat`/`data-lon` for the map; empty where no centre is known.
    pub lat: String,
    pub lon: String,
}

/// A transfer waiting for a decision.
pub struct TransferRow {
    pub href: String,
    pub route: String,
    pub reason: String,
    pub proposed: String,
}

/// A status's colour in the chart and its name in the legend.
pub struct Legend {
    pub class: String,
    pub label: String,
}

/// `staff/overview.html`.
#[derive(Template)]
#[template(path = "staff/overview.html")]
struct OverviewPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    leaflet_js: String,
    leaflet_css: String,
    windows: Vec<(String, String, bool)>,
    total: u64,
    overdue: u64,
    to_accept: String,
    to_resolve: String,
    by_status: Vec<CountRow>,
    by_authority: Vec<CountRow>,
    by_unit: Vec<CountRow>,
    chart: String,
    chart_summary: String,
    legend: Vec<Legend>,
    days: Vec<(String, Vec<u64>, u64)>,
    places: Vec<PlaceRow>,
    unplaced: u64,
    off_map: usize,
    tiles: String,
    attribution: String,
    escalated: Vec<Row>,
    escalated_href: String,
    transfers: Vec<TransferRow>,
}

/// A duration in words: `3 d 4 h`, `2 h 5 min`, `40 min`.
pub fn duration(t: &T, seconds: Option<i64>) -> String {
    let Some(seconds) = seconds else {
        return t.get("console-overview-none-yet");
    };
    let minutes = seconds.max(0) / 60;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let word = |key: &str, n: i64| t.with(key, "n", &n.to_string());
    match (days, hours) {
        (0, 0) => word("console-duration-minutes", minutes),
        (0, _) => format!("{} {}", word("console-duration-hours", hours), word("console-duration-minutes", minutes)),
        _ => format!("{} {}", word("console-duration-days", days), word("console-duration-hours", hours)),
    }
}

/// `GET /staff/overview?days=7|30|90|365`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/overview").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let ctx = &staff.ctx;
    let t = &ctx.t;
    let (_, pairs) = super::query::api_query(req.query_string(), &[]);
    let asked = super::query::value_of(&pairs, "days");
    let window = match (asked.is_empty(), asked.parse::<i64>()) {
        (true, _) => 90,
        (false, Ok(days)) if WINDOWS.contains(&days) => days,
        _ => {
            let refused = ServiceError::invalid_parameters(vec![FieldError::new(
                "days",
                "not_a_window",
                Msg::of("console-overview-days-must-be"),
            )]);
            return error_page(ctx, &refused, "/staff/overview");
        }
    };
    let found = match overview::overview(&state, &staff.caller, window).await {
        Ok(found) => found,
        Err(e) => return error_page(ctx, &e, "/staff/overview"),
    };
    let escalated_query = Query {
        statuses: Status::OPEN.to_vec(),
        escalated: true,
        sort: Some(Sort::DueSoonest),
        limit: SHORT_LIST,
        ..Query::default()
    };
    let escalated = match work_list::list(&state, &staff.caller, escalated_query).await {
        Ok((cases, _)) => cases,
        Err(e) => return error_page(ctx, &e, "/staff/overview"),
    };
    let transfers = match case_moves::list(&state, &staff.caller, None, true, None, SHORT_LIST).await {
        Ok((transfers, _)) => transfers,
        Err(e) => return error_page(ctx, &e, "/staff/overview"),
    };
    let open_pairs = [("status", "new"), ("status", "accepted"), ("status", "investigating")];
    let list = |extra: &[(&str, &str)]| super::query::link("/staff/cases", extra);
    let since =
        (crate::clock::now() - chrono::TimeDelta::days(window)).and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let stats = &found.stats;
    let by_status = Status::ALL
        .iter()
        .map(|s| CountRow {
            label: t.get(&format!("console-status-{}", s.as_str())),
            count: stats.by_status.get(s.as_str()).copied().unwrap_or_default(),
            href: list(&[("status", s.as_str()), ("created_from", &since)]),
        })
        .collect();
    let by_authority = stats
        .by_authority
        .iter()
        .map(|a| CountRow {
            label: a.authority.name.clone(),
            count: a.count,
            href: list(&[("authority_id", &a.authority.id.to_string()), ("created_from", &since)]),
        })
        .collect();
    let by_unit = found
        .units
        .iter()
        .map(|u| CountRow {
            label: if u.name.is_empty() { t.get("console-overview-unit-unknown") } else { u.name.clone() },
            count: u.count,
            href: if u.name.is_empty() { String::new() } else { list(&[("unit", &u.unit), ("created_from", &since)]) },
        })
        .collect();
    let places: Vec<PlaceRow> = found
        .places
        .iter()
        .map(|p| {
            let unit = format!("{}.commune.{}", p.unit.scheme, p.unit.code);
            let mut pairs = open_pairs.to_vec();
            pairs.push(("unit", &unit));
            PlaceRow {
                name: if p.name.is_empty() { unit.clone() } else { p.name.clone() },
                open: p.open,
                href: list(&pairs),
                lat: p.centre.map(|c| format!("{:.5}", c.0)).unwrap_or_default(),
                lon: p.centre.map(|c| format!("{:.5}", c.1)).unwrap_or_default(),
            }
        })
        .collect();
    let off_map = places.iter().filter(|p| p.lat.is_empty()).count();
    let me = staff.caller.account().map(|a| a.id);
    let mut escalated_pairs = open_pairs.to_vec();
    escalated_pairs.extend([("escalated", "true"), ("sort", "due_soonest")]);
    let page = OverviewPage {
        t,
        chrome: &ctx.chrome,
        leaflet_js: crate::web::assets::url("leaflet.js"),
        leaflet_css: crate::web::assets::url("leaflet.css"),
        windows: WINDOWS
            .iter()
            .map(|d| {
                (
                    format!("/staff/overview?days={d}"),
                    t.with("console-overview-window", "n", &d.to_string()),
                    *d == window,
                )
            })
            .collect(),
        total: stats.total,
        overdue: stats.overdue,
        to_accept: duration(t, stats.median_seconds_to_accept),
        to_resolve: duration(t, stats.median_seconds_to_resolve),
        by_status,
        by_authority,
        by_unit,
        chart: chart::tips_per_day(&found.days, "chart-title chart-summary"),
        chart_summary: chart_summary(t, &found.days),
        legend: Status::ALL
            .iter()
            .map(|s| Legend {
                class: format!("s-{}", s.as_str()),
                label: t.get(&format!("console-status-{}", s.as_str())),
            })
            .collect(),
        days: found
            .days
            .iter()
            .filter(|d| d.total() > 0)
            .map(|d| (d.day.format("%d/%m/%Y").to_string(), d.by_status.to_vec(), d.total()))
            .collect(),
        places,
        unplaced: found.unplaced,
        off_map,
        tiles: settings.map_tiles.as_ref().map(|m| m.template.clone()).unwrap_or_default(),
        attribution: settings.map_tiles.as_ref().map(|m| m.attribution.clone()).unwrap_or_default(),
        escalated: escalated.iter().map(|c| row(t, c, me)).collect(),
        escalated_href: list(&escalated_pairs),
        transfers: transfers
            .iter()
            .map(|x| TransferRow {
                href: format!("/staff/cases/{}", x.case_id),
                route: format!("{} → {}", x.from_authority.name, x.to_authority.name),
                reason: x.reason.clone(),
                proposed: viet_nam_time(x.created_at),
            })
            .collect(),
    };
    let mut answer = ctx.render(StatusCode::OK, Caching::NoStore, &page);
    if let Some(tiles) = &settings.map_tiles
        && let Ok(policy) = HeaderValue::from_str(&policy_with_images_from(&tiles.origin))
    {
        answer.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    answer
}

/// What the chart shows, in one sentence.
fn chart_summary(t: &T, days: &[DayCount]) -> String {
    let total: u64 = days.iter().map(DayCount::total).sum();
    let busiest = days.iter().max_by_key(|d| (d.total(), d.day));
    match busiest {
        Some(day) if total > 0 => t.with_args(
            "console-overview-chart-summary",
            &[
                ("total", &total.to_string()),
                ("days", &CHART_DAYS.to_string()),
                ("day", &day.day.format("%d/%m/%Y").to_string()),
                ("most", &day.total().to_string()),
            ],
        ),
        _ => t.with("console-overview-chart-empty", "days", &CHART_DAYS.to_string()),
    }
}
