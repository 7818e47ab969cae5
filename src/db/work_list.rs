//! The work list: cases in a caller's jurisdiction, filtered, sorted and paged by keyset.
//! Opening-time windows are id ranges as well (UUIDv7 ids sort like opening times).

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use uuid::Uuid;

use super::DbError;
use super::cases::SummaryRow;
use super::column_types::{Id, UuidText};
use super::schema::{authorities, cases};
use super::unplanned_values::Condition;
use super::{DbConnection, MultiBackend, case_search, opened_ids, page_limit};
use crate::domain::admin_unit::Scheme;
use crate::domain::case::{Priority, Sort, Status};
use crate::domain::report::Matter;
use crate::domain::text::escape_like;

/// The overdue condition around its two moments: new and late to be accepted, or open
/// and late to be resolved. Statuses come from `Status`; the text is the same for every
/// request, so the statement stays one cached statement.
static OVERDUE_SQL: LazyLock<(String, String)> = LazyLock::new(|| {
    let open: Vec<String> = Status::OPEN.iter().map(|s| format!("'{}'", s.as_str())).collect();
    (
        format!("((cases.status = '{}' AND cases.accept_due_at < ", Status::New.as_str()),
        format!(") OR (cases.status IN ({}) AND cases.resolve_due_at < ", open.join(", ")),
    )
});
/// Where a work list may look: the caller's jurisdiction.
#[derive(Debug, Clone)]
pub enum Jurisdiction {
    Authority(Uuid),
    Province { scheme: Scheme, code: i32 },
    Everywhere,
}

/// Narrows a boxed query of `cases` to a jurisdiction's cases. One rule for every query
/// of cases (the work list, statistics); a macro because the work list's query joins the
/// authorities and the statistics' does not, so their types differ.
macro_rules! within_jurisdiction {
    ($query:expr, $within:expr) => {
        match $within {
            $crate::db::work_list::Jurisdiction::Authority(id) => {
                $query.filter($crate::db::schema::cases::authority_id.eq($crate::db::column_types::Id(*id)))
            }
            $crate::db::work_list::Jurisdiction::Province { scheme, code } => $query
                .filter($crate::db::schema::cases::unit_scheme.eq(*scheme))
                .filter($crate::db::schema::cases::province_code.eq(*code)),
            $crate::db::work_list::Jurisdiction::Everywhere => $query,
        }
    };
}
pub(crate) use within_jurisdiction;

/// A unit to filter by, at any level.
#[derive(Debug, Clone, Copy)]
pub enum UnitFilter {
    Province(i32),
    District(i32),
    Commune(i32),
}

/// Where the previous page ended: the last case's id, with its sort key for the sorts
/// that are not by id.
#[derive(Debug, Clone)]
pub enum Cursor {
    Id(Uuid),
    Due(NaiveDateTime, Uuid),
    Rank(i32, Uuid),
}

/// The filters of a work list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub priority: Option<Priority>,
    pub authority_id: Option<Uuid>,
    pub unit: Option<(Scheme, UnitFilter)>,
    pub assignee_id: Option<Uuid>,
    pub matter: Option<Matter>,
    /// Cases past a due time at this moment.
    pub overdue_at: Option<NaiveDateTime>,
    /// Cases escalated for a missed deadline.
    pub escalated: bool,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
    /// Phrases of whole words (`services::work_list::search_words`), all of which the
    /// case's text must hold.
    pub words: Vec<String>,
}

/// Narrows a boxed query of `cases` to a work list's jurisdiction and filters (all but
/// the words), after its cursor and in its order. A macro for the reason of
/// [`within_jurisdiction`]: the page's query and its slice select different columns.
macro_rules! narrowed {
    ($query:expr, $conn:expr, $within:expr, $filter:expr, $sort:expr, $after:expr) => {{
        let (conn, within, filter): (&DbConnection, &Jurisdiction, &ListFilter) = ($conn, $within, $filter);
        let mut query = within_jurisdiction!($query, within);
        // One status is `=`, not `IN (…)`: SQLite prepares a statement with `IN` anew each
        // time (diesel cannot cache it), and one status is the common case.
        match filter.statuses.as_slice() {
            [] => {}
            [status] => query = query.filter(cases::status.eq(*status)),
            many => query = query.filter(cases::status.eq_any(many.to_vec())),
        }
        if let Some(priority) = filter.priority {
            query = query.filter(cases::priority.eq(priority));
        }
        if let Some(id) = filter.authority_id {
            query = query.filter(cases::authority_id.eq(Id(id)));
        }
        if let Some((scheme, unit)) = &filter.unit {
            // Not twice: PostgreSQL's generic plan counts `unit_scheme = $1 AND unit_scheme = $4`
            // as two conditions, guesses a quarter of the rows it should, and then sorts the
            // whole district instead of reading its index in order (the supervisor's district
            // list, docs/benchmarks.md).
            let scheme_already_required = matches!(within, Jurisdiction::Province { scheme: s, .. } if s == scheme);
            if !scheme_already_required {
                query = query.filter(cases::unit_scheme.eq(*scheme));
            }
            query = match unit {
                UnitFilter::Province(code) => query.filter(cases::province_code.eq(*code)),
                UnitFilter::District(code) => query.filter(cases::district_code.eq(*code)),
                UnitFilter::Commune(code) => query.filter(cases::commune_code.eq(*code)),
            };
        }
        if let Some(id) = filter.assignee_id {
            query = query.filter(cases::assignee_id.eq(Some(Id(id))));
        }
        if let Some(matter) = filter.matter {
            query = query.filter(cases::matter.eq(Some(matter)));
        }
        // The moment and a cursor's values are written so that PostgreSQL keeps one plan for
        // the statement instead of planning each execution (see `unplanned_values`).
        if let Some(now) = filter.overdue_at {
            query = query.filter(
                Condition::on(conn)
                    .sql(OVERDUE_SQL.0.as_str())
                    .value(now)
                    .sql(OVERDUE_SQL.1.as_str())
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
        query = match ($sort, $after) {
            (Sort::Newest, Some(Cursor::Id(id))) => query.filter(Condition::on(conn).sql("cases.id < ").value(*id)),
            (Sort::Oldest, Some(Cursor::Id(id))) => query.filter(Condition::on(conn).sql("cases.id > ").value(*id)),
            // Row values, not `a > x OR (a = x AND id > y)`: both backends start an index range
            // scan at a row value, but only filter with the OR (reading every earlier entry).
            (Sort::DueSoonest, Some(Cursor::Due(due, id))) => query.filter(
                Condition::on(conn).sql("(cases.resolve_due_at, cases.id) > (").value(*due).sql(", ").value(*id).sql(")"),
            ),
            (Sort::Priority, Some(Cursor::Rank(rank, id))) => query.filter(
                Condition::on(conn).sql("(cases.priority_rank, cases.id) > (").value(*rank).sql(", ").value(*id).sql(")"),
            ),
            _ => query,
        };
        // Each order is an index's order within an authority and within a province (migrations
        // 000004 to 000006), so that a page reads its rows and no more.
        match $sort {
            Sort::Newest => query.order(cases::id.desc()),
            Sort::Oldest => query.order(cases::id.asc()),
            Sort::DueSoonest => query.order((cases::resolve_due_at.asc(), cases::id.asc())),
            Sort::Priority => query.order((cases::priority_rank.asc(), cases::id.asc())),
        }
    }};
}

/// One page of a work list (at most `limit` cases): each case with its authority's name.
pub fn list(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<(SummaryRow, String)>, DbError> {
    list_with_candidates(conn, within, filter, sort, after, limit, case_search::CANDIDATES)
}

/// How many cases of the list there are, counting up to `cap`: the console's quick
/// filters. Only ids are read (no row, no authority's name), in the list's own order so
/// that the same index serves; a search's words are left to [`list`].
pub fn count_up_to(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    cap: i64,
) -> Result<i64, DbError> {
    if !filter.words.is_empty() {
        return Ok(list(conn, within, filter, Sort::Newest, None, cap)?.len() as i64);
    }
    let query = cases::table.select(cases::id).into_boxed();
    let query = narrowed!(query, conn, within, filter, Sort::Newest, None::<&Cursor>);
    let ids: Vec<Id> = query.limit(cap).load(conn)?;
    Ok(ids.len() as i64)
}

/// [`list`], with a search on SQLite reading at most `candidates` cases through the
/// index (see `case_search`); tests pass other numbers to take each way.
pub fn list_with_candidates(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
    candidates: i64,
) -> Result<Vec<(SummaryRow, String)>, DbError> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let scope = match within {
        Jurisdiction::Province { scheme, code } => case_search::Scope::Province(*scheme, *code),
        Jurisdiction::Authority(id) => case_search::Scope::Authority(*id),
        Jurisdiction::Everywhere => case_search::Scope::Everywhere,
    };
    let words = if postgres {
        match case_search::ts_query(&filter.words) {
            Some(ts_query) => Words::Vector(ts_query),
            None => Words::Like,
        }
    } else {
        match case_search::match_expression(&filter.words, scope, &filter.statuses) {
            Some(index_query) => match indexed_cases(conn, &index_query, candidates)? {
                Some(ids) => Words::Among(ids),
                None => Words::Like,
            },
            None => Words::Like,
        }
    };
    load(conn, page(conn, within, filter, sort, after, words), limit)
}

/// The cases that the word index finds for `index_query`, when there are at most
/// `candidates`; `None` when there are more.
fn indexed_cases(conn: &mut DbConnection, index_query: &str, candidates: i64) -> Result<Option<Vec<Uuid>>, DbError> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = UuidText)]
        case_id: Uuid,
    }
    let found: Vec<Found> = diesel::sql_query(
        "SELECT case_id FROM case_search_keys WHERE key IN \
         (SELECT rowid FROM case_search WHERE case_search MATCH ? LIMIT ?)",
    )
    .bind::<Text, _>(index_query)
    .bind::<BigInt, _>(candidates + 1)
    .load(conn)?;
    let within_bound = i64::try_from(found.len()).is_ok_and(|n| n <= candidates);
    Ok(within_bound.then(|| found.into_iter().map(|f| f.case_id).collect()))
}

/// How a page's query looks for the search's words.
enum Words {
    /// Each word a `LIKE` over the scope: every case of it is read until the page is full.
    Like,
    /// Each word a `LIKE`, among these cases alone: every case of the scope that holds
    /// the search's words, found by the word index.
    Among(Vec<Uuid>),
    /// PostgreSQL: the stored words match this `tsquery` (migration 000014).
    Vector(String),
}

/// The `LIKE` pattern of a phrase of whole words (`services::work_list::search_words`):
/// a case's text is its words between single spaces, with one at each end.
fn whole_words(phrase: &str) -> String {
    format!("% {} %", escape_like(phrase))
}

/// A page's query: the work list's cases, each with its authority's name.
fn page<'a>(
    conn: &DbConnection,
    within: &'a Jurisdiction,
    filter: &'a ListFilter,
    sort: Sort,
    after: Option<&'a Cursor>,
    words: Words,
) -> PageQuery<'a> {
    let query = cases::table
        .inner_join(authorities::table.on(authorities::id.eq(cases::authority_id)))
        .select((SummaryRow::as_select(), authorities::name))
        .into_boxed();
    let mut query = narrowed!(query, conn, within, filter, sort, after);
    let like = |word: &String| cases::search_text.like(whole_words(word)).escape('\\');
    match words {
        // PostgreSQL's planner must see the words: whether the word index or the order's
        // index is the cheaper way depends on how common they are, which a generic plan
        // cannot know. A literal keeps the statement from being cached, so PostgreSQL
        // plans each search for its words.
        Words::Vector(ts_query) => {
            query = query.filter(
                diesel::dsl::sql::<Bool>("cases.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(ts_query)
                    .sql(")"),
            );
        }
        Words::Like => {
            for word in &filter.words {
                query = query.filter(like(word));
            }
        }
        Words::Among(ids) => {
            query = query.filter(cases::id.eq_any(ids.into_iter().map(Id).collect::<Vec<_>>()));
            for word in &filter.words {
                query = query.filter(like(word));
            }
        }
    }
    query
}

type PageQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::Select<
        diesel::dsl::InnerJoin<
            cases::table,
            diesel::dsl::On<authorities::table, diesel::dsl::Eq<authorities::id, cases::authority_id>>,
        >,
        (diesel::dsl::AsSelect<SummaryRow, MultiBackend>, authorities::name),
    >,
    MultiBackend,
>;

/// The first `limit` rows of a page's query.
fn load(conn: &mut DbConnection, query: PageQuery<'_>, limit: i64) -> Result<Vec<(SummaryRow, String)>, DbError> {
    // The limit as a number in the SQL: see `page_limit` (PostgreSQL planned every page anew).
    let mut rows: Vec<(SummaryRow, String)> = page_limit::at_least(query, limit).load(conn)?;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

/// Cases opened at or after `from`: exactly by `created_at`, and also by the id, which is
/// the order of every `(scope, id)` index (see `opened_ids`), so that only the window's
/// part of the index is read.
pub(crate) fn opened_since(
    from: NaiveDateTime,
) -> dsl::And<dsl::GtEq<cases::created_at, NaiveDateTime>, dsl::GtEq<cases::id, Id>> {
    cases::created_at.ge(from).and(cases::id.ge(Id(opened_ids::lowest_opened_since(from))))
}

/// Cases opened before `to`, bounded as in [`opened_since`].
pub(crate) fn opened_before(
    to: NaiveDateTime,
) -> dsl::And<dsl::Lt<cases::created_at, NaiveDateTime>, dsl::Lt<cases::id, Id>> {
    cases::created_at.lt(to).and(cases::id.lt(Id(opened_ids::above_opened_before(to))))
}
