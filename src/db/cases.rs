//! Cases: their rows, reading one (locked when it is to change), applying a change under
//! its version, the tips a case holds, and the escalation sweep's queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{cases, reports};
use crate::domain::admin_unit::Scheme;
use crate::domain::case::{Priority, Status};
use crate::domain::report::Matter;

/// What a work list shows of a case: fewer columns than a whole [`CaseRow`], because
/// every column of 50 cases is decoded on each page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct SummaryRow {
    pub id: Uuid,
    pub authority_id: Uuid,
    pub status: Status,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reference: Option<String>,
    pub matter: Option<Matter>,
    pub unit_scheme: Option<Scheme>,
    pub commune_code: Option<i32>,
    pub district_code: Option<i32>,
    pub province_code: Option<i32>,
    pub priority: Priority,
    pub priority_rank: i32,
    pub assignee_id: Option<Uuid>,
    pub outcome: Option<String>,
    pub version: i64,
    pub accept_due_at: Option<NaiveDateTime>,
    pub resolve_due_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
}

/// A case as stored: its summary's columns and the rest. It reads as a [`SummaryRow`]
/// too (`row.status`), through `Deref`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    #[diesel(embed)]
    pub summary: SummaryRow,
    pub routing_rule_id: Option<Uuid>,
    pub routing_explanation: String,
    pub location_flagged: bool,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub merged_into: Option<Uuid>,
}

impl std::ops::Deref for CaseRow {
    type Target = SummaryRow;

    fn deref(&self) -> &SummaryRow {
        &self.summary
    }
}

/// One case.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<CaseRow>, DbError> {
    Ok(cases::table.select(CaseRow::as_select()).filter(cases::id.eq(Id(id))).first(conn).optional()?)
}

/// One case, locked until the transaction ends (PostgreSQL: `FOR UPDATE`; SQLite's
/// write transaction already excludes every other writer).
pub fn lock(conn: &mut DbConnection, id: Uuid) -> Result<Option<CaseRow>, DbError> {
    match conn {
        DbConnection::Postgres(pg) => Ok(cases::table
            .select(CaseRow::as_select())
            .filter(cases::id.eq(Id(id)))
            .for_update()
            .first(pg)
            .optional()?),
        DbConnection::Sqlite(_) => find(conn, id),
    }
}

/// What a change sets, beside the version and the time.
#[derive(Debug, Default, Clone)]
pub struct Change {
    pub status: Option<Status>,
    pub outcome: Option<Option<String>>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<Option<Uuid>>,
    pub authority_id: Option<Uuid>,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    pub due: Option<(NaiveDateTime, NaiveDateTime)>,
    pub merged_into: Option<Uuid>,
}

#[derive(AsChangeset)]
#[diesel(table_name = cases)]
struct ChangeSet {
    status: Option<Status>,
    outcome: Option<Option<String>>,
    priority: Option<Priority>,
    priority_rank: Option<i32>,
    assignee_id: Option<Option<Id>>,
    authority_id: Option<Id>,
    accepted_at: Option<NaiveDateTime>,
    resolved_at: Option<Option<NaiveDateTime>>,
    accept_due_at: Option<NaiveDateTime>,
    resolve_due_at: Option<NaiveDateTime>,
    merged_into: Option<Id>,
    version: i64,
    updated_at: NaiveDateTime,
}

/// Applies a change to a case locked at `version`; the version goes up by one.
pub fn apply(
    conn: &mut DbConnection,
    id: Uuid,
    version: i64,
    change: Change,
    at: NaiveDateTime,
) -> Result<i64, DbError> {
    let set = ChangeSet {
        status: change.status,
        outcome: change.outcome,
        priority: change.priority,
        priority_rank: change.priority.map(Priority::rank),
        assignee_id: change.assignee_id.map(|a| a.map(Id)),
        authority_id: change.authority_id.map(Id),
        accepted_at: change.accepted_at,
        resolved_at: change.resolved_at,
        accept_due_at: change.due.map(|d| d.0),
        resolve_due_at: change.due.map(|d| d.1),
        merged_into: change.merged_into.map(Id),
        version: version + 1,
        updated_at: at,
    };
    let updated = diesel::update(cases::table.filter(cases::id.eq(Id(id))).filter(cases::version.eq(version)))
        .set(&set)
        .execute(conn)?;
    if updated != 1 {
        return Err(DbError::broken("a locked case changed under its lock"));
    }
    Ok(version + 1)
}

/// Open cases past a deadline that may still need escalating (checked one by one under
/// their lock, see `domain::case::missed_deadline`), oldest first.
pub fn escalation_candidates(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<Uuid>, DbError> {
    Ok(cases::table
        .select(cases::id)
        .filter(
            cases::status.eq(Status::New).and(cases::accept_due_at.lt(now)).and(cases::escalated_at.is_null()).or(
                cases::status
                    .eq_any(Status::OPEN)
                    .and(cases::resolve_due_at.lt(now))
                    .and(cases::escalated_at.is_null().or(cases::escalated_at.lt(cases::resolve_due_at.nullable()))),
            ),
        )
        .order(cases::id)
        .limit(limit)
        .load(conn)?)
}

/// Marks a locked case escalated. Not a change officers make: the version stays, so no
/// one's `If-Match` goes stale because a deadline passed.
pub fn mark_escalated(conn: &mut DbConnection, id: Uuid, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(cases::table.find(Id(id))).set(cases::escalated_at.eq(at)).execute(conn)?;
    Ok(())
}

/// A tip of a case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub id: Uuid,
    pub reference: String,
    pub matter: Matter,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub has_contact: bool,
}

/// The tips of a case, oldest first.
pub fn reports_of(conn: &mut DbConnection, case_id: Uuid) -> Result<Vec<CaseReport>, DbError> {
    use super::schema::reporter_contacts;
    let rows: Vec<(Uuid, String, Matter, String, NaiveDateTime, Option<Uuid>)> = reports::table
        .left_join(reporter_contacts::table.on(reporter_contacts::report_id.eq(reports::id)))
        .select((
            reports::id,
            reports::reference,
            reports::matter,
            reports::content,
            reports::created_at,
            reporter_contacts::report_id.nullable(),
        ))
        .filter(reports::case_id.eq(Id(case_id)))
        .order(reports::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, reference, matter, content, created_at, contact)| CaseReport {
            id,
            reference,
            matter,
            content,
            created_at,
            has_contact: contact.is_some(),
        })
        .collect())
}

/// Moves every tip of `from` to `into` (a merge).
pub fn move_reports(conn: &mut DbConnection, from: Uuid, into: Uuid) -> Result<usize, DbError> {
    Ok(diesel::update(reports::table.filter(reports::case_id.eq(Id(from))))
        .set(reports::case_id.eq(Id(into)))
        .execute(conn)?)
}

/// How many cases there are.
pub fn count(conn: &mut DbConnection) -> Result<u64, DbError> {
    let n: i64 = cases::table.count().get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
