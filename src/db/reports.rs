//! Tips, the cases they open, reporters' sealed contacts, and messages.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{cases, report_messages, reporter_contacts, reports};
use super::{DbConnection, on_backend};
use crate::domain::codes::new_reference;
use crate::error::ApiError;

/// A new case, routed.
pub struct NewCase<'a> {
    pub authority_id: Uuid,
    pub rule_id: Option<Uuid>,
    pub explanation: &'a str,
    pub location_flagged: bool,
}

/// Opens a case; returns its id.
pub fn insert_case(conn: &mut DbConnection, case: &NewCase<'_>, now: NaiveDateTime) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(id.to_string()),
            cases::authority_id.eq(case.authority_id.to_string()),
            cases::status.eq("new"),
            cases::routing_rule_id.eq(case.rule_id.map(|r| r.to_string())),
            cases::routing_explanation.eq(case.explanation),
            cases::location_flagged.eq(case.location_flagged),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A tip to store.
pub struct NewReport<'a> {
    pub case_id: Uuid,
    pub matter: &'a str,
    pub unit_scheme: &'a str,
    pub unit_code: i32,
    pub observed_from: NaiveDateTime,
    pub observed_to: NaiveDateTime,
    pub identity_mode: &'a str,
    pub content: &'a str,
    pub receipt_hash: Option<&'a str>,
    pub submitted_by_user: Option<Uuid>,
    pub submitted_by_client: Option<Uuid>,
}

/// Stores a tip under a fresh reference; returns its id and reference. A reference
/// that happens to exist already (40 random bits) is drawn again.
pub fn insert_report(
    conn: &mut DbConnection,
    new: &NewReport<'_>,
    now: NaiveDateTime,
) -> Result<(Uuid, String), ApiError> {
    let id = Uuid::now_v7();
    for _ in 0..5 {
        let reference = new_reference();
        // ON CONFLICT on the reference only: a drawn reference that exists already
        // inserts nothing, and another is drawn. (No savepoint round trips per tip.)
        let inserted = on_backend!(conn, |c| diesel::insert_into(reports::table)
            .values((
                reports::id.eq(id.to_string()),
                reports::reference.eq(&reference),
                reports::case_id.eq(new.case_id.to_string()),
                reports::matter.eq(new.matter),
                reports::unit_scheme.eq(new.unit_scheme),
                reports::unit_code.eq(new.unit_code),
                reports::observed_from.eq(new.observed_from),
                reports::observed_to.eq(new.observed_to),
                reports::identity_mode.eq(new.identity_mode),
                reports::content.eq(new.content),
                reports::receipt_hash.eq(new.receipt_hash),
                reports::submitted_by_user.eq(new.submitted_by_user.map(|u| u.to_string())),
                reports::submitted_by_client.eq(new.submitted_by_client.map(|c| c.to_string())),
                reports::created_at.eq(now),
            ))
            .on_conflict(reports::reference)
            .do_nothing()
            .execute(c))?;
        if inserted == 1 {
            return Ok((id, reference));
        }
    }
    Err(ApiError::internal("no free tip reference after five draws"))
}

/// Stores a reporter's sealed details, apart from the tip.
pub fn insert_contact(
    conn: &mut DbConnection,
    report_id: Uuid,
    name: Option<&str>,
    phone: Option<&str>,
    acting_as: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(reporter_contacts::table)
        .values((
            reporter_contacts::report_id.eq(report_id.to_string()),
            reporter_contacts::name_sealed.eq(name),
            reporter_contacts::phone_sealed.eq(phone),
            reporter_contacts::acting_as_sealed.eq(acting_as),
            reporter_contacts::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A stored tip, as its reporter may follow it.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub id: Uuid,
    pub reference: String,
    pub matter: String,
    pub receipt_hash: Option<String>,
    pub submitted_by_user: Option<String>,
    pub created_at: NaiveDateTime,
    /// The status of the case it belongs to.
    pub case_status: String,
}

type ReportColumns = (String, String, String, Option<String>, Option<String>, NaiveDateTime, String);

fn stored(row: ReportColumns) -> Result<StoredReport, ApiError> {
    let (id, reference, matter, receipt_hash, submitted_by_user, created_at, case_status) = row;
    Ok(StoredReport {
        id: Uuid::parse_str(&id).map_err(|_| ApiError::internal("a stored report id is not valid"))?,
        reference,
        matter,
        receipt_hash,
        submitted_by_user,
        created_at,
        case_status,
    })
}

macro_rules! report_query {
    () => {
        reports::table.inner_join(cases::table.on(cases::id.eq(reports::case_id))).select((
            reports::id,
            reports::reference,
            reports::matter,
            reports::receipt_hash,
            reports::submitted_by_user,
            reports::created_at,
            cases::status,
        ))
    };
}

/// A tip by its reference.
pub fn find_by_reference(conn: &mut DbConnection, reference: &str) -> Result<Option<StoredReport>, ApiError> {
    report_query!()
        .filter(reports::reference.eq(reference))
        .first::<ReportColumns>(conn)
        .optional()?
        .map(stored)
        .transpose()
}

/// A tip by id.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredReport>, ApiError> {
    report_query!()
        .filter(reports::id.eq(id.to_string()))
        .first::<ReportColumns>(conn)
        .optional()?
        .map(stored)
        .transpose()
}

/// A citizen's own tips, newest first, before `before` (an id).
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<StoredReport>, ApiError> {
    let mut query = report_query!().filter(reports::submitted_by_user.eq(user_id.to_string())).into_boxed();
    if let Some(before) = before {
        query = query.filter(reports::id.lt(before.to_string()));
    }
    query.order(reports::id.desc()).limit(limit).load::<ReportColumns>(conn)?.into_iter().map(stored).collect()
}

/// A message on a tip.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The messages of a tip, oldest first.
pub fn messages(conn: &mut DbConnection, report_id: Uuid) -> Result<Vec<Message>, ApiError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = report_messages::table
        .select((report_messages::id, report_messages::author, report_messages::body, report_messages::created_at))
        .filter(report_messages::report_id.eq(report_id.to_string()))
        .order((report_messages::created_at, report_messages::id))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, author, body, created_at)| {
            let id = Uuid::parse_str(&id).map_err(|_| ApiError::internal("a stored message id is not valid"))?;
            Ok(Message { id, author, body, created_at })
        })
        .collect()
}

/// Adds a message.
pub fn add_message(
    conn: &mut DbConnection,
    report_id: Uuid,
    author: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<Message, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(report_messages::table)
        .values((
            report_messages::id.eq(id.to_string()),
            report_messages::report_id.eq(report_id.to_string()),
            report_messages::author.eq(author),
            report_messages::body.eq(body),
            report_messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Message { id, author: author.to_owned(), body: body.to_owned(), created_at: now })
}

/// Everything staff may read of a tip (never the reporter's contact, only whether there
/// is one).
#[derive(Debug, Clone)]
pub struct ReportDetail {
    pub report: StoredReport,
    pub content: String,
    pub unit_scheme: String,
    pub unit_code: i32,
    pub authority_id: String,
    pub routing_explanation: String,
    pub location_flagged: bool,
    pub submitted_by_client: Option<String>,
    pub has_contact: bool,
}

/// A tip with its case's routing.
pub fn detail(conn: &mut DbConnection, id: Uuid) -> Result<Option<ReportDetail>, ApiError> {
    let Some(report) = find(conn, id)? else { return Ok(None) };
    let (content, unit_scheme, unit_code, authority_id, routing_explanation, location_flagged, submitted_by_client): (
        String,
        String,
        i32,
        String,
        String,
        bool,
        Option<String>,
    ) = reports::table
        .inner_join(cases::table.on(cases::id.eq(reports::case_id)))
        .select((
            reports::content,
            reports::unit_scheme,
            reports::unit_code,
            cases::authority_id,
            cases::routing_explanation,
            cases::location_flagged,
            reports::submitted_by_client,
        ))
        .filter(reports::id.eq(id.to_string()))
        .first(conn)?;
    let contacts: i64 =
        reporter_contacts::table.filter(reporter_contacts::report_id.eq(id.to_string())).count().get_result(conn)?;
    Ok(Some(ReportDetail {
        report,
        content,
        unit_scheme,
        unit_code,
        authority_id,
        routing_explanation,
        location_flagged,
        submitted_by_client,
        has_contact: contacts > 0,
    }))
}
