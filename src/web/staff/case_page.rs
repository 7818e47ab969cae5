//! `/staff/cases/{id}`: a case with everything in one place — its tips and why they went
//! where they did, duplicate candidates, transfers, notes, messages and history — and
//! only the forms that the caller may use now (the workflow's actions from the state
//! machine and the policy; the other forms from the policy's [`Abilities`]). A case the
//! caller may not see is the 404 page, whatever the address.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::history_words;
use super::session::{Staff, signed_in};
use crate::domain::case::{OUTCOMES, PRIORITIES};
use crate::domain::conversation::EMBEDDED;
use crate::domain::routing::Basis;
use crate::services::case_choices::{self, Choices};
use crate::services::case_views::{self, Abilities};
use crate::services::dto::cases::CaseDetail;
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, SummaryItem, viet_nam_time};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

/// The actions whose success the case page announces (`?done=`).
pub const DONE: [&str; 15] = [
    "accept",
    "start_investigation",
    "resolve",
    "reject",
    "close",
    "reopen",
    "assign",
    "assign_me",
    "unassign",
    "set_priority",
    "note",
    "message",
    "transfer",
    "decide_transfer",
    "merge",
];

/// A value and its words, for selects and lists.
pub struct Opt {
    pub value: String,
    pub label: String,
}

/// A tip of the case, as the page shows it.
pub struct TipView {
    pub id: String,
    pub reference: String,
    pub matter: String,
    pub submitted: String,
    pub observed: String,
    pub place: String,
    pub persons: String,
    pub narrative: String,
    pub left_contact: bool,
    pub messages: Vec<Line>,
    /// The tip embeds its newest messages: a link to all of the case's when there may be more.
    pub more_messages: bool,
}

/// One line of a list: who, when, what; `fresh` when it happened after the page the
/// officer was looking at.
pub struct Line {
    pub who: String,
    pub at: String,
    pub text: String,
    pub fresh: bool,
}

/// What the officer typed and had refused or interrupted, to show it again.
#[derive(Default)]
pub struct Outcome {
    pub status: Option<StatusCode>,
    /// A sentence above the page: done, or why not.
    pub notice: String,
    pub notice_is_error: bool,
    pub errors: Option<Errors>,
    pub form: Form,
    /// Someone else changed the case since this time: their changes are marked.
    pub seen_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `staff/case.html`.
#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    notice: String,
    notice_is_error: bool,
    id: String,
    version: i64,
    opened_at: String,
    reference: String,
    status: String,
    priority: String,
    priority_code: String,
    authority: String,
    assignee: String,
    assigned_to_me: bool,
    opened: String,
    due: String,
    overdue: bool,
    /// Why the tip came to this authority, in the page's language.
    routing: String,
    /// The same, as the router wrote it (rule and unit codes), for whoever checks it.
    routing_detail: String,
    merged_into: String,
    workflow: Vec<Opt>,
    outcomes: Vec<Opt>,
    priorities: Vec<Opt>,
    may: Abilities,
    pending_transfer: Option<(String, String, String)>,
    duplicates: Vec<Opt>,
    /// The officers the case may be assigned to, and the authorities it may go to.
    officers: Vec<Opt>,
    transfer_to: Vec<Opt>,
    typed_transfer_reason: String,
    /// The case embeds its newest notes and events: links to all of them when there
    /// may be more.
    more_notes: bool,
    more_history: bool,
    tips: Vec<TipView>,
    notes: Vec<Line>,
    history: Vec<Line>,
    typed_reason: String,
    typed_body: String,
    error_on: String,
}

/// The case `id` for the signed-in staff member, drawn with `outcome` (the result of a
/// form just posted, or nothing).
pub async fn draw(state: &AppState, staff: &Staff, id: Uuid, outcome: Outcome) -> HttpResponse {
    let ctx = &staff.ctx;
    let (detail, may) = match case_views::read_with_abilities(state, &staff.caller, id).await {
        Ok(found) => found,
        Err(e) => return error_page(ctx, &e, "/staff/cases"),
    };
    let choices = if may.change {
        match case_choices::for_case(state, &staff.caller, id).await {
            Ok(choices) => choices,
            Err(e) => return error_page(ctx, &e, "/staff/cases"),
        }
    } else {
        Choices::default()
    };
    let me = staff.caller.account().map(|a| a.id);
    let page = model(&ctx.t, &ctx.chrome, detail, may, choices, me, outcome);
    let status = page.1;
    ctx.render(status, Caching::NoStore, &page.0)
}

fn model<'a>(
    t: &'a T,
    chrome: &'a Chrome,
    d: CaseDetail,
    may: Abilities,
    choices: Choices,
    me: Option<Uuid>,
    outcome: Outcome,
) -> (CasePage<'a>, StatusCode) {
    let s = &d.summary;
    let fresh = |at: chrono::DateTime<chrono::Utc>| outcome.seen_at.is_some_and(|seen| at > seen);
    let tips = d
        .reports
        .iter()
        .map(|r| TipView {
            id: r.id.to_string(),
            reference: r.reference.clone(),
            matter: t.get(&format!("matter-{}", r.matter)),
            submitted: viet_nam_time(r.submitted_at),
            observed: format!("{} – {}", viet_nam_time(r.tip.observed_from), viet_nam_time(r.tip.observed_to)),
            place: r.tip.address_text.clone().unwrap_or_default(),
            persons: r.tip.persons_count.map(|n| n.to_string()).unwrap_or_default(),
            narrative: r.tip.narrative.clone(),
            left_contact: r.reporter_left_contact,
            more_messages: r.messages.len() >= EMBEDDED as usize,
            messages: r
                .messages
                .iter()
                .map(|m| Line {
                    who: t.get(if m.from == "staff" { "console-from-staff" } else { "console-from-reporter" }),
                    at: viet_nam_time(m.created_at),
                    text: m.body.clone(),
                    fresh: fresh(m.created_at),
                })
                .collect(),
        })
        .collect();
    let notes = d
        .notes
        .iter()
        .map(|n| Line {
            who: n.author_name.clone().unwrap_or_else(|| n.author_id.to_string()),
            at: viet_nam_time(n.created_at),
            text: n.body.clone(),
            fresh: fresh(n.created_at),
        })
        .collect();
    let name_of = |id: Uuid| choices.officers.iter().find(|(o, _)| *o == id).map(|(_, name)| name.clone());
    let history = d
        .history
        .iter()
        .rev()
        .map(|e| Line {
            who: history_words::actor(t, e, me, &name_of),
            at: viet_nam_time(e.at),
            text: history_words::event(t, e, &name_of),
            fresh: fresh(e.at),
        })
        .collect();
    let pending_transfer = d
        .transfers
        .iter()
        .find(|t| t.state == "proposed")
        .map(|p| (p.id.to_string(), p.to_authority.name.clone(), p.reason.clone()));
    let opt = |value: &str, prefix: &str| Opt { value: value.to_owned(), label: t.get(&format!("{prefix}-{value}")) };
    let errors = outcome.errors.unwrap_or_default();
    let error_on = errors.first_name().unwrap_or_default();
    let page = CasePage {
        t,
        chrome,
        notice: outcome.notice,
        notice_is_error: outcome.notice_is_error,
        id: s.id.to_string(),
        version: s.version,
        opened_at: chrono::Utc::now().to_rfc3339(),
        reference: s.reference.clone(),
        status: t.get(&format!("console-status-{}", s.status)),
        priority: t.get(&format!("console-priority-{}", s.priority)),
        priority_code: s.priority.clone(),
        authority: s.authority.name.clone(),
        assignee: s.assignee_id.map(|a| name_of(a).unwrap_or_else(|| a.to_string())).unwrap_or_default(),
        assigned_to_me: me.is_some() && s.assignee_id == me,
        opened: viet_nam_time(s.created_at),
        due: s.resolve_due_at.or(s.accept_due_at).map(viet_nam_time).unwrap_or_default(),
        overdue: s.overdue,
        routing: routing_in_words(t, &d.routing.explanation),
        routing_detail: d.routing.explanation.clone(),
        merged_into: d.merged_into.map(|m| m.to_string()).unwrap_or_default(),
        workflow: d.allowed_actions.iter().map(|a| opt(a, "console-action")).collect(),
        outcomes: OUTCOMES.iter().map(|o| opt(o, "console-outcome")).collect(),
        priorities: PRIORITIES.iter().map(|p| opt(p, "console-priority")).collect(),
        may,
        pending_transfer,
        duplicates: d
            .possible_duplicates
            .iter()
            .map(|c| Opt {
                value: c.id.to_string(),
                label: format!("{} ({})", c.reference, viet_nam_time(c.created_at)),
            })
            .collect(),
        officers: choices
            .officers
            .iter()
            .map(|(id, name)| Opt { value: id.to_string(), label: name.clone() })
            .collect(),
        transfer_to: choices
            .authorities
            .iter()
            .map(|(id, name)| Opt { value: id.to_string(), label: name.clone() })
            .collect(),
        typed_transfer_reason: outcome.form.value("transfer_reason").to_owned(),
        more_notes: d.notes.len() >= EMBEDDED as usize,
        more_history: d.history.len() >= EMBEDDED as usize,
        tips,
        notes,
        history,
        typed_reason: outcome.form.value("reason").to_owned(),
        typed_body: outcome.form.value("body").to_owned(),
        error_on,
        errors: errors.summary(),
    };
    (page, outcome.status.unwrap_or(StatusCode::OK))
}

/// The routing decision's ground in words; text of no known ground is shown as stored.
fn routing_in_words(t: &T, explanation: &str) -> String {
    match Basis::of(explanation) {
        Some(Basis::Rule) => t.get("console-routing-rule"),
        Some(Basis::DistrictDefault) => t.get("console-routing-district"),
        Some(Basis::TriageQueue) => t.get("console-routing-triage"),
        None => explanation.to_owned(),
    }
}

/// The case's id from the path; a malformed one is a case that does not exist.
pub fn case_id(req: &HttpRequest) -> Option<Uuid> {
    req.match_info().get("id").and_then(|id| Uuid::try_parse(id).ok())
}

/// The case the path names, for a staff member who may `action` cases; else the page
/// that says no. Who may work cases comes before which case, as on the API: a role that
/// handles no cases is refused (403), not told that the case does not exist (404).
pub fn case_to_work(
    req: &HttpRequest,
    staff: &Staff,
    action: crate::auth::policy::Action,
) -> Result<Uuid, HttpResponse> {
    if let Err(refused) = crate::auth::policy::authorize(&staff.caller, action) {
        return Err(error_page(&staff.ctx, &refused, "/staff/cases"));
    }
    case_id(req).ok_or_else(|| error_page(&staff.ctx, &crate::services::case_loading::not_found(), "/staff/cases"))
}

/// `GET /staff/cases/{id}`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, "/staff/cases").await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let id = match case_to_work(&req, &staff, crate::auth::policy::Action::ReadCases) {
        Ok(id) => id,
        Err(answer) => return answer,
    };
    let done = req.query_string().split('&').find_map(|p| p.strip_prefix("done=")).unwrap_or_default();
    let notice = if DONE.contains(&done) { staff.ctx.t.get(&format!("console-done-{done}")) } else { String::new() };
    draw(&state, &staff, id, Outcome { notice, ..Outcome::default() }).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::Role;
    use crate::domain::case::{Action, Status};
    use crate::i18n::{Lang, format_in};

    #[test]
    fn every_word_the_console_makes_from_a_code_is_in_each_catalogue() {
        let mut ids: Vec<String> = Vec::new();
        ids.extend(Status::ALL.iter().map(|s| format!("console-status-{}", s.as_str())));
        ids.extend(PRIORITIES.iter().map(|p| format!("console-priority-{p}")));
        ids.extend(OUTCOMES.iter().map(|o| format!("console-outcome-{o}")));
        ids.extend(Action::ALL.iter().map(|a| format!("console-action-{}", a.as_str())));
        ids.extend(DONE.iter().map(|d| format!("console-done-{d}")));
        ids.extend(Role::ALL.iter().map(|r| format!("console-role-{}", r.as_str())));
        ids.extend(["newest", "oldest", "due_soonest", "priority"].iter().map(|s| format!("console-sort-{s}")));
        for lang in Lang::all() {
            let missing: Vec<&String> = ids.iter().filter(|id| format_in(lang, id, &[]).is_none()).collect();
            assert!(missing.is_empty(), "{}: {missing:?}", lang.tag());
        }
    }
}
