//! Cases in the database: reading one, locking one for a change, changing it under its
//! version, and the staff's work list (keyset pages on indexed columns, never OFFSET).

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{authorities, case_notes, case_transfers, cases, reports, users};
use super::unplanned_values::Condition;
use super::{DbConnection, opened_ids, page_limit};
use crate::error::ApiError;

/// What a work list shows of a case: fewer columns than a whole [`CaseRow`], because
/// every column of 50 cases is decoded on each page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct SummaryRow {
    pub id: String,
    pub authority_id: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reference: Option<String>,
    pub matter: Option<String>,
    pub unit_scheme: Option<String>,
    pub commune_code: Option<i32>,
    pub district_code: Option<i32>,
    pub province_code: Option<i32>,
    pub priority: String,
    pub priority_rank: i32,
    pub assignee_id: Option<String>,
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
    pub routing_rule_id: Option<String>,
    pub routing_explanation: String,
    pub location_flagged: bool,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub merged_into: Option<String>,
}

impl std::ops::Deref for CaseRow {
    type Target = SummaryRow;

    fn deref(&self) -> &SummaryRow {
        &self.summary
    }
}

/// One case.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<CaseRow>, ApiError> {
    Ok(cases::table.select(CaseRow::as_select()).filter(cases::id.eq(id.to_string())).first(conn).optional()?)
}

/// One case, locked until the transaction ends (PostgreSQL: `FOR UPDATE`; SQLite's
/// write transaction already excludes every other writer).
pub fn lock(conn: &mut DbConnection, id: Uuid) -> Result<Option<CaseRow>, ApiError> {
    match conn {
        DbConnection::Postgres(pg) => Ok(cases::table
            .select(CaseRow::as_select())
            .filter(cases::id.eq(id.to_string()))
            .for_update()
            .first(pg)
            .optional()?),
        DbConnection::Sqlite(_) => find(conn, id),
    }
}

/// What a change sets, beside the version and the time.
#[derive(Debug, Default, Clone)]
pub struct Change {
    pub status: Option<String>,
    pub outcome: Option<Option<String>>,
    pub priority: Option<(String, i32)>,
    pub assignee_id: Option<Option<String>>,
    pub authority_id: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    pub due: Option<(NaiveDateTime, NaiveDateTime)>,
    pub merged_into: Option<String>,
}

#[derive(AsChangeset)]
#[diesel(table_name = cases)]
struct ChangeSet {
    status: Option<String>,
    outcome: Option<Option<String>>,
    priority: Option<String>,
    priority_rank: Option<i32>,
    assignee_id: Option<Option<String>>,
    authority_id: Option<String>,
    accepted_at: Option<NaiveDateTime>,
    resolved_at: Option<Option<NaiveDateTime>>,
    accept_due_at: Option<NaiveDateTime>,
    resolve_due_at: Option<NaiveDateTime>,
    merged_into: Option<String>,
    version: i64,
    updated_at: NaiveDateTime,
}

/// Applies a change to a case locked at `version`; the version goes up by one.
pub fn apply(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    change: Change,
    at: NaiveDateTime,
) -> Result<i64, ApiError> {
    let set = ChangeSet {
        status: change.status,
        outcome: change.outcome,
        priority: change.priority.as_ref().map(|p| p.0.clone()),
        priority_rank: change.priority.map(|p| p.1),
        assignee_id: change.assignee_id,
        authority_id: change.authority_id,
        accepted_at: change.accepted_at,
        resolved_at: change.resolved_at,
        accept_due_at: change.due.map(|d| d.0),
        resolve_due_at: change.due.map(|d| d.1),
        merged_into: change.merged_into,
        version: version + 1,
        updated_at: at,
    };
    let updated = diesel::update(cases::table.filter(cases::id.eq(id)).filter(cases::version.eq(version)))
        .set(&set)
        .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::internal("a locked case changed under its lock"));
    }
    Ok(version + 1)
}

/// Open cases past a deadline that may still need escalating (checked one by one under
/// their lock, see `domain::case::missed_deadline`), oldest first.
pub fn escalation_candidates(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<String>, ApiError> {
    Ok(cases::table
        .select(cases::id)
        .filter(
            cases::status.eq("new").and(cases::accept_due_at.lt(now)).and(cases::escalated_at.is_null()).or(
                cases::status
                    .eq_any(["new", "accepted", "investigating"])
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
pub fn mark_escalated(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<(), ApiError> {
    diesel::update(cases::table.find(id)).set(cases::escalated_at.eq(at)).execute(conn)?;
    Ok(())
}

/// A tip of a case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub id: String,
    pub reference: String,
    pub matter: String,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub has_contact: bool,
}

/// The tips of a case, oldest first.
pub fn reports_of(conn: &mut DbConnection, case_id: &str) -> Result<Vec<CaseReport>, ApiError> {
    use super::schema::reporter_contacts;
    let rows: Vec<(String, String, String, String, NaiveDateTime, Option<String>)> = reports::table
        .left_join(reporter_contacts::table.on(reporter_contacts::report_id.eq(reports::id)))
        .select((
            reports::id,
            reports::reference,
            reports::matter,
            reports::content,
            reports::created_at,
            reporter_contacts::report_id.nullable(),
        ))
        .filter(reports::case_id.eq(case_id))
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

/// An internal note.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub author_id: String,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Adds a note.
pub fn add_note(
    conn: &mut DbConnection,
    case_id: &str,
    author_id: Uuid,
    body: &str,
    at: NaiveDateTime,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::id.eq(id.to_string()),
            case_notes::case_id.eq(case_id),
            case_notes::author_id.eq(author_id.to_string()),
            case_notes::body.eq(body),
            case_notes::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The notes of a case, oldest first.
pub fn notes_of(conn: &mut DbConnection, case_id: &str) -> Result<Vec<Note>, ApiError> {
    let rows: Vec<(String, String, Option<String>, String, NaiveDateTime)> = case_notes::table
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .select((case_notes::id, case_notes::author_id, users::display_name, case_notes::body, case_notes::created_at))
        .filter(case_notes::case_id.eq(case_id))
        .order(case_notes::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author_id, author_name, body, created_at)| Note { id, author_id, author_name, body, created_at })
        .collect())
}

/// Where a work list may look: the caller's jurisdiction.
#[derive(Debug, Clone)]
pub enum Jurisdiction {
    Authority(String),
    Province { scheme: String, code: i32 },
    Everywhere,
}

/// A unit to filter by, at any level.
#[derive(Debug, Clone, Copy)]
pub enum UnitFilter {
    Province(i32),
    District(i32),
    Commune(i32),
}

/// The order of a work list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Oldest,
    /// The earliest time to resolve first.
    DueSoonest,
    /// The most urgent first; within a priority, the longest waiting first (a queue).
    Priority,
}

/// Where the previous page ended: the last case's id, with its sort key for the sorts
/// that are not by id.
#[derive(Debug, Clone)]
pub enum Cursor {
    Id(String),
    Due(NaiveDateTime, String),
    Rank(i32, String),
}

/// The filters of a work list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<String>,
    pub priority: Option<String>,
    pub authority_id: Option<String>,
    pub unit: Option<(String, UnitFilter)>,
    pub assignee_id: Option<String>,
    pub matter: Option<String>,
    /// Cases past a due time at this moment.
    pub overdue_at: Option<NaiveDateTime>,
    /// Cases escalated for a missed deadline.
    pub escalated: bool,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
    /// Lower-case ASCII words, all of which must appear.
    pub words: Vec<String>,
}

/// One page of a work list (at most `limit` cases): each case with its authority's name.
pub fn list(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<(SummaryRow, String)>, ApiError> {
    let mut query = cases::table
        .inner_join(authorities::table.on(authorities::id.eq(cases::authority_id)))
        .select((SummaryRow::as_select(), authorities::name))
        .into_boxed();
    query = match within {
        Jurisdiction::Authority(id) => query.filter(cases::authority_id.eq(id.clone())),
        Jurisdiction::Province { scheme, code } => {
            query.filter(cases::unit_scheme.eq(scheme.clone())).filter(cases::province_code.eq(*code))
        }
        Jurisdiction::Everywhere => query,
    };
    // One status is `=`, not `IN (…)`: SQLite prepares a statement with `IN` anew each
    // time (diesel cannot cache it), and one status is the common case.
    match filter.statuses.as_slice() {
        [] => {}
        [status] => query = query.filter(cases::status.eq(status.clone())),
        many => query = query.filter(cases::status.eq_any(many.to_vec())),
    }
    if let Some(priority) = &filter.priority {
        query = query.filter(cases::priority.eq(priority.clone()));
    }
    if let Some(id) = &filter.authority_id {
        query = query.filter(cases::authority_id.eq(id.clone()));
    }
    if let Some((scheme, unit)) = &filter.unit {
        // Not twice: PostgreSQL's generic plan counts `unit_scheme = $1 AND unit_scheme = $4`
        // as two conditions, guesses a quarter of the rows it should, and then sorts the
        // whole district instead of reading its index in order (the supervisor's district
        // list, docs/benchmarks.md).
        let scheme_already_required = matches!(within, Jurisdiction::Province { scheme: s, .. } if s == scheme);
        if !scheme_already_required {
            query = query.filter(cases::unit_scheme.eq(scheme.clone()));
        }
        query = match unit {
            UnitFilter::Province(code) => query.filter(cases::province_code.eq(*code)),
            UnitFilter::District(code) => query.filter(cases::district_code.eq(*code)),
            UnitFilter::Commune(code) => query.filter(cases::commune_code.eq(*code)),
        };
    }
    if let Some(id) = &filter.assignee_id {
        query = query.filter(cases::assignee_id.eq(id.clone()));
    }
    if let Some(matter) = &filter.matter {
        query = query.filter(cases::matter.eq(matter.clone()));
    }
    // The moment and a cursor's values are written so that PostgreSQL keeps one plan for
    // the statement instead of planning each execution (see `unplanned_values`).
    if let Some(now) = filter.overdue_at {
        query = query.filter(
            Condition::on(conn)
                .sql("((cases.status = 'new' AND cases.accept_due_at < ")
                .value(now)
                .sql(") OR (cases.status IN ('new', 'accepted', 'investigating') AND cases.resolve_due_at < ")
                .value(now)
                .sql("))"),
        );
    }
    if filter.escalated {
        query = query.filter(cases::escalated_at.is_not_null());
    }
    if let Some(from) = filter.created_from {
        query = query.filter(opened_since(from));
    }
    if let Some(to) = filter.created_to {
        query = query.filter(opened_before(to));
    }
    for word in &filter.words {
        query = query.filter(cases::search_text.like(format!("%{}%", escape_like(word))).escape('\\'));
    }
    query = match (sort, after) {
        (Sort::Newest, Some(Cursor::Id(id))) => query.filter(Condition::on(conn).sql("cases.id < ").value(id.clone())),
        (Sort::Oldest, Some(Cursor::Id(id))) => query.filter(Condition::on(conn).sql("cases.id > ").value(id.clone())),
        // Row values, not `a > x OR (a = x AND id > y)`: both backends start an index range
        // scan at a row value, but only filter with the OR (reading every earlier entry).
        (Sort::DueSoonest, Some(Cursor::Due(due, id))) => query.filter(
            Condition::on(conn)
                .sql("(cases.resolve_due_at, cases.id) > (")
                .value(*due)
                .sql(", ")
                .value(id.clone())
                .sql(")"),
        ),
        (Sort::Priority, Some(Cursor::Rank(rank, id))) => query.filter(
            Condition::on(conn)
                .sql("(cases.priority_rank, cases.id) > (")
                .value(*rank)
                .sql(", ")
                .value(id.clone())
                .sql(")"),
        ),
        _ => query,
    };
    // Each order is an index's order within an authority and within a province (migrations
    // 000004 to 000006), so that a page reads its rows and no more.
    query = match sort {
        Sort::Newest => query.order(cases::id.desc()),
        Sort::Oldest => query.order(cases::id.asc()),
        Sort::DueSoonest => query.order((cases::resolve_due_at.asc(), cases::id.asc())),
        Sort::Priority => query.order((cases::priority_rank.asc(), cases::id.asc())),
    };
    // The limit as a number in the SQL: see `page_limit` (PostgreSQL planned every page anew).
    let mut rows: Vec<(SummaryRow, String)> = page_limit::at_least(query, limit).load(conn)?;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

/// Cases opened at or after `from`: exactly by `created_at`, and also by the id, which is
/// the order of every `(scope, id)` index (see `opened_ids`), so that only the window's
/// part of the index is read.
fn opened_since(
    from: NaiveDateTime,
) -> dsl::And<dsl::GtEq<cases::created_at, NaiveDateTime>, dsl::GtEq<cases::id, String>> {
    cases::created_at.ge(from).and(cases::id.ge(opened_ids::lowest_opened_since(from)))
}

/// Cases opened before `to`, bounded as in [`opened_since`].
fn opened_before(to: NaiveDateTime) -> dsl::And<dsl::Lt<cases::created_at, NaiveDateTime>, dsl::Lt<cases::id, String>> {
    cases::created_at.lt(to).and(cases::id.lt(opened_ids::above_opened_before(to)))
}

/// `%` and `_` in a search word are plain characters.
fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A proposed, accepted or declined transfer.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_transfers)]
pub struct TransferRow {
    pub id: String,
    pub case_id: String,
    pub from_authority_id: String,
    pub to_authority_id: String,
    pub reason: String,
    pub state: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// A new transfer.
pub struct NewTransfer<'a> {
    pub case_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub reason: &'a str,
    pub proposed_by: Uuid,
    /// Set when a supervisor decides at once.
    pub decided: Option<(&'a str, Uuid)>,
}

/// Records a transfer; returns its id.
pub fn insert_transfer(conn: &mut DbConnection, new: &NewTransfer<'_>, at: NaiveDateTime) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(case_transfers::table)
        .values((
            case_transfers::id.eq(id.to_string()),
            case_transfers::case_id.eq(new.case_id),
            case_transfers::from_authority_id.eq(new.from),
            case_transfers::to_authority_id.eq(new.to),
            case_transfers::reason.eq(new.reason),
            case_transfers::state.eq(new.decided.map_or("proposed", |d| d.0)),
            case_transfers::proposed_by.eq(new.proposed_by.to_string()),
            case_transfers::decided_by.eq(new.decided.map(|d| d.1.to_string())),
            case_transfers::created_at.eq(at),
            case_transfers::decided_at.eq(new.decided.map(|_| at)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Settles a proposed transfer.
pub fn decide_transfer(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    decided_by: Uuid,
    note: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let updated = diesel::update(case_transfers::table.find(id).filter(case_transfers::state.eq("proposed")))
        .set((
            case_transfers::state.eq(state),
            case_transfers::decided_by.eq(decided_by.to_string()),
            case_transfers::decision_note.eq(note),
            case_transfers::decided_at.eq(at),
        ))
        .execute(conn)?;
    if updated != 1 {
        return Err(ApiError::internal("a proposed transfer changed under its case's lock"));
    }
    Ok(())
}

/// The transfers of a case, oldest first.
pub fn transfers_of(conn: &mut DbConnection, case_id: &str) -> Result<Vec<TransferRow>, ApiError> {
    Ok(case_transfers::table
        .select(TransferRow::as_select())
        .filter(case_transfers::case_id.eq(case_id))
        .order(case_transfers::id)
        .load(conn)?)
}

/// Transfers in `state` (any when `None`), newest first, after `before` (an id): to or
/// from an authority (`incoming_only` picks a direction), or of the cases in a province.
pub fn list_transfers(
    conn: &mut DbConnection,
    scope: &Jurisdiction,
    incoming_only: Option<bool>,
    state: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<TransferRow>, ApiError> {
    let mut query = case_transfers::table
        .inner_join(cases::table.on(cases::id.eq(case_transfers::case_id)))
        .select(TransferRow::as_select())
        .into_boxed();
    query = match (scope, incoming_only) {
        (Jurisdiction::Authority(id), Some(true)) => query.filter(case_transfers::to_authority_id.eq(id.clone())),
        (Jurisdiction::Authority(id), Some(false)) => query.filter(case_transfers::from_authority_id.eq(id.clone())),
        (Jurisdiction::Authority(id), None) => query.filter(
            case_transfers::to_authority_id.eq(id.clone()).or(case_transfers::from_authority_id.eq(id.clone())),
        ),
        (Jurisdiction::Province { scheme, code }, _) => {
            query.filter(cases::unit_scheme.eq(scheme.clone())).filter(cases::province_code.eq(*code))
        }
        (Jurisdiction::Everywhere, _) => query,
    };
    if let Some(state) = state {
        query = query.filter(case_transfers::state.eq(state.to_owned()));
    }
    if let Some(before) = before {
        query = query.filter(case_transfers::id.lt(before.to_owned()));
    }
    Ok(query.order(case_transfers::id.desc()).limit(limit).load(conn)?)
}

/// Moves every tip of `from` to `into` (a merge).
pub fn move_reports(conn: &mut DbConnection, from: &str, into: &str) -> Result<usize, ApiError> {
    Ok(diesel::update(reports::table.filter(reports::case_id.eq(from))).set(reports::case_id.eq(into)).execute(conn)?)
}

/// Open cases that may be about the same group: in the same district (`same_district`;
/// else, or when the case lies in no district, the same commune), opened within `window`
/// of `around`, newest first.
pub fn near(
    conn: &mut DbConnection,
    case: &CaseRow,
    same_district: bool,
    around: NaiveDateTime,
    window: chrono::Duration,
    limit: i64,
) -> Result<Vec<CaseRow>, ApiError> {
    let mut query = cases::table
        .select(CaseRow::as_select())
        .filter(cases::id.ne(case.id.clone()))
        .filter(cases::status.eq_any(["new", "accepted", "investigating"]))
        .filter(cases::created_at.ge(around - window))
        .filter(cases::created_at.le(around + window))
        .filter(cases::id.ge(opened_ids::lowest_opened_since(around - window)))
        .filter(cases::id.lt(opened_ids::above_opened_before(around + window)))
        .into_boxed();
    let district = case.district_code.filter(|_| same_district);
    query = match (&case.unit_scheme, case.province_code, district, case.commune_code) {
        (Some(scheme), Some(province), Some(district), _) => query
            .filter(cases::unit_scheme.eq(scheme.clone()))
            .filter(cases::province_code.eq(province))
            .filter(cases::district_code.eq(district)),
        (Some(scheme), _, None, Some(commune)) => {
            query.filter(cases::unit_scheme.eq(scheme.clone())).filter(cases::commune_code.eq(commune))
        }
        _ => return Ok(Vec::new()),
    };
    Ok(query.order(cases::id.desc()).limit(limit).load(conn)?)
}

/// What case statistics need of one case.
#[derive(Debug, Clone, Queryable)]
pub struct StatsRow {
    pub authority_id: String,
    pub status: String,
    pub unit_scheme: Option<String>,
    pub district_code: Option<i32>,
    pub commune_code: Option<i32>,
    pub created_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub accept_due_at: Option<NaiveDateTime>,
    pub resolve_due_at: Option<NaiveDateTime>,
}

/// The cases of a jurisdiction opened in `[from, to)`, for statistics.
pub fn stats_rows(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<StatsRow>, ApiError> {
    let mut query = cases::table
        .select((
            cases::authority_id,
            cases::status,
            cases::unit_scheme,
            cases::district_code,
            cases::commune_code,
            cases::created_at,
            cases::accepted_at,
            cases::resolved_at,
            cases::accept_due_at,
            cases::resolve_due_at,
        ))
        .filter(opened_since(from))
        .filter(opened_before(to))
        .into_boxed();
    query = match within {
        Jurisdiction::Authority(id) => query.filter(cases::authority_id.eq(id.clone())),
        Jurisdiction::Province { scheme, code } => {
            query.filter(cases::unit_scheme.eq(scheme.clone())).filter(cases::province_code.eq(*code))
        }
        Jurisdiction::Everywhere => query,
    };
    Ok(query.load(conn)?)
}

/// How many cases there are.
pub fn count(conn: &mut DbConnection) -> Result<u64, ApiError> {
    let n: i64 = cases::table.count().get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
