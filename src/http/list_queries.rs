//! The lists' query strings as the use cases' queries: the work list's filters and the
//! audit trail's. The JSON API and the staff console read the same names through the
//! same parsers (and the same messages), so that a link copied from the console and an
//! API call ask for the same cases.

use crate::domain::audit::{Checkpoint, Filter, ObjectType};
use crate::domain::case::{PRIORITIES, Priority, Sort, Status};
use crate::domain::report::{MATTERS, Matter};
use crate::error::ServiceError;
use crate::http::params::{self, DEFAULT_LIMIT, Params, boolean, instant};
use crate::i18n::Msg;
use crate::services::audit::AuditQuery;
use crate::services::work_list::Query;

/// The work list's filters (`GET /api/v1/cases`, `/staff/cases`).
pub fn work_list_query(query: &str) -> Result<Query, ServiceError> {
    let mut p = Params::of_query(query);
    let query = Query {
        statuses: p.list("status", Status::ALL.len(), status),
        priority: p.optional("priority", one_of(&PRIORITIES, Priority::parse)),
        authority_id: p.optional("authority_id", params::uuid),
        unit: p.optional("unit", params::unit_cursor),
        assignee_id: p.optional("assignee_id", params::uuid),
        matter: p.optional("matter", one_of(&MATTERS, Matter::parse)),
        overdue: p.optional("overdue", boolean).unwrap_or(false),
        escalated: p.optional("escalated", boolean).unwrap_or(false),
        created_from: p.optional("created_from", instant),
        created_to: p.optional("created_to", instant),
        text: p.optional("q", params::search_text).filter(|q| !q.is_empty()),
        sort: p.optional("sort", sort),
        cursor: p.optional("cursor", |c| Ok(c.to_owned())),
        limit: p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT),
    };
    p.finish()?;
    Ok(query)
}

/// A code of one of the domain's vocabularies (`names` are its codes, for the message).
fn one_of<T>(names: &'static [&'static str], parse: fn(&str) -> Option<T>) -> impl Fn(&str) -> Result<T, Msg> {
    move |text| parse(text).ok_or_else(|| Msg::of("cases-must-be-one-of").arg("value", names.join(", ")))
}

fn status(text: &str) -> Result<Status, Msg> {
    match Status::parse(text) {
        Some(status) => Ok(status),
        None => Err(Msg::of("cases-must-be-statuses-repeated-or-separated")),
    }
}

fn sort(text: &str) -> Result<Sort, Msg> {
    match text {
        "newest" => Ok(Sort::Newest),
        "oldest" => Ok(Sort::Oldest),
        "due_soonest" => Ok(Sort::DueSoonest),
        "priority" => Ok(Sort::Priority),
        _ => Err(Msg::of("cases-must-be-newest-oldest-due-soonest")),
    }
}

fn object_type(text: &str) -> Result<ObjectType, Msg> {
    ObjectType::parse(text).ok_or_else(|| Msg::of("audit-must-be-case-account-routing-rule"))
}

/// Short plain text: an actor (`user:<id>`), an action (`case.accept`), an object id.
fn token(text: &str) -> Result<String, Msg> {
    if text.len() <= 100 && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err(Msg::of("audit-must-be-at-most-100-visible"))
    }
}

/// `newest` (true) or `oldest`.
fn order(text: &str) -> Result<bool, Msg> {
    match text {
        "newest" => Ok(true),
        "oldest" => Ok(false),
        _ => Err(Msg::of("audit-must-be-oldest-or-newest")),
    }
}

fn sequence(text: &str) -> Result<i64, Msg> {
    text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| Msg::of("audit-is-not-a-cursor-of-this"))
}

/// The trail's filters (`GET /api/v1/audit`, `/staff/audit`).
pub fn audit_query(query: &str) -> Result<AuditQuery, ServiceError> {
    let mut p = Params::of_query(query);
    let filter = Filter {
        object_type: p.optional("object_type", object_type),
        object_id: p.optional("object_id", token),
        actor: p.optional("actor", token),
        action: p.optional("action", token),
        from: p.optional("from", instant),
        to: p.optional("to", instant),
        newest_first: p.optional("order", order).unwrap_or(false),
    };
    let after = p.optional("cursor", sequence);
    let limit = p.optional("limit", params::limit).unwrap_or(DEFAULT_LIMIT);
    p.finish()?;
    Ok(AuditQuery { filter, after, limit })
}

/// A checkpoint as `tinbao audit checkpoint` prints it.
pub fn checkpoint(text: &str) -> Result<Checkpoint, Msg> {
    Checkpoint::parse(text).ok_or_else(|| Msg::of("audit-must-be-a-checkpoint-as-tinbao"))
}
