//! The work list: cases in a caller's jurisdiction, filtered, sorted and paged by keyset.
//! Opening-time windows are id ranges as well (UUIDv7 ids sort like opening times).

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use uuid::Uuid;

use super::DbError;
use super::cases::SummaryRow;
use super::column_types::Id;
use super::schema::{authorities, cases};
use super::unplanned_values::Condition;
use super::{DbConnection, MultiBackend, case_search, counted_together, opened_ids, page_limit};
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
        // Not `IN (…)` on SQLite: diesel cannot cache a statement with `IN`, and SQLite
        // then prepares it anew each time (its planner weighs each of the cases' indexes;
        // four of the console's five counts have three statuses). `status = ? OR …` is one
        // cached statement per number of statuses, and SQLite reads it as the same `IN`.
        match filter.statuses.as_slice() {
            [] => {}
            [status] => query = query.filter(cases::status.eq(*status)),
            [first, rest @ ..] if matches!(conn, DbConnection::Sqlite(_)) => {
                let mut any: Box<dyn BoxableExpression<_, MultiBackend, SqlType = Bool>> =
                    Box::new(cases::status.eq(*first));
                for status in rest {
                    any = Box::new(any.or(cases::status.eq(*status)));
                }
                query = query.filter(any);
            }
            many => query = query.filter(cases::status.eq_any(many.to_vec())),
        }
        if let Some(priority) = filter.priority {
            // By its rank, which every write keeps beside it: the `(scope, priority_rank, id)`
            // indexes then read a priority's cases in id order (the console's urgent count
            // fetched four times fewer rows than through the scope's id index).
            query = query.filter(cases::priority_rank.eq(priority.rank()));
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

/// Narrows a work list's query to the cases holding the search's words, as `words` says
/// to look for them. A macro for the reason of `narrowed`.
macro_rules! searched {
    ($query:expr, $filter:expr, $sort:expr, $words:expr) => {{
        let (mut query, filter): (_, &ListFilter) = ($query, $filter);
        match $words {
            Words::Like | Words::LikeUpTo(None) => {}
            Words::LikeUpTo(Some(last)) => {
                query = match $sort {
                    Sort::Oldest => query.filter(cases::id.le(Id(last))),
                    _ => query.filter(cases::id.ge(Id(last))),
                };
            }
            Words::Among(ids) => query = query.filter(cases::id.eq_any(ids.into_iter().map(Id).collect::<Vec<_>>())),
        }
        for word in &filter.words {
            query = query.filter(cases::search_text.like(whole_words(word)).escape('\\'));
        }
        query
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
    let reading = Reading::default_for(conn);
    list_reading(conn, within, filter, sort, after, limit, reading)
}

/// How many cases each list holds, counting up to `cap`: the console's quick filters.
/// Lists without words are counted together in one statement (`counted_together`),
/// reading ids only, in the list's own order so that the same index serves; a search's
/// words are left to [`list`].
pub fn counts_up_to(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filters: &[ListFilter],
    cap: i64,
) -> Result<Vec<i64>, DbError> {
    let (plain, searches): (Vec<_>, Vec<_>) = filters.iter().enumerate().partition(|(_, f)| f.words.is_empty());
    let mut counts = vec![0; filters.len()];
    if !plain.is_empty() {
        let queries: Vec<_> = plain
            .iter()
            .map(|(_, filter)| {
                let query = cases::table.select(cases::id).into_boxed();
                narrowed!(query, conn, within, filter, Sort::Newest, None::<&Cursor>)
            })
            .collect();
        let answer: Vec<counted_together::Count> = counted_together::up_to(queries, cap).load(conn)?;
        for ((i, _), n) in plain.iter().zip(counted_together::in_order(answer, plain.len())) {
            counts[*i] = n;
        }
    }
    for (i, filter) in searches {
        counts[i] = list(conn, within, filter, Sort::Newest, None, cap)?.len() as i64;
    }
    Ok(counts)
}

/// How much of the scope a search reads in the page's order before it asks the word
/// index, and how many cases it takes from the index (`case_search`).
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// The newest (or oldest) cases of the scope read first, when the page is in id order:
    /// a page of common words is found among them, and the index is not asked. 0: none.
    pub slice: i64,
    /// The most cases taken from the word index; beyond them the scope is read in order.
    pub candidates: i64,
}

impl Reading {
    /// How each database reads best (docs/benchmarks.md, "Free text, the province's own
    /// words"): PostgreSQL reads the slice from the scope's indexes alone (migration
    /// 000015), and its word index costs a fetched row per candidate; SQLite's FTS5
    /// candidates cost a lookup each, while its slice would read a thousand whole rows
    /// (a rare word's p99 rose from 12 to 43 ms with it).
    pub fn default_for(conn: &DbConnection) -> Reading {
        let slice = match conn {
            DbConnection::Postgres(_) => SLICE,
            DbConnection::Sqlite(_) => 0,
        };
        Reading { slice, candidates: case_search::CANDIDATES }
    }
}

/// The cases a search reads in order before it asks the index, where the scope's indexes
/// hold the text (PostgreSQL): a page of words found in one case in twenty fills from
/// them, for less than asking the index (whose 600 candidates are 600 rows fetched, 1.7
/// ms for `ghe`), and a thousand of them cost 0.4 ms.
pub const SLICE: i64 = 1_000;

/// [`list`], reading as `reading` says; tests pass other numbers to take each way.
pub fn list_reading(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
    reading: Reading,
) -> Result<Vec<(SummaryRow, String)>, DbError> {
    if filter.words.is_empty() {
        return load(conn, page(conn, within, filter, sort, after, Words::Like), limit);
    }
    if reading.slice > 0 && matches!(sort, Sort::Newest | Sort::Oldest) {
        // The slice's last case bounds the page's reading; without one, the scope holds
        // fewer cases than the slice and the page read so is the whole answer.
        // Ids first, then their rows: PostgreSQL reads the slice's texts from the scope's
        // index (migration 000015), where fetching each row would cost ten times more.
        let last = slice_end(conn, within, filter, sort, after, reading.slice)?;
        let query = cases::table.select(cases::id).into_boxed();
        let query = narrowed!(query, conn, within, filter, sort, after);
        let found: Vec<Id> = searched!(query, filter, sort, Words::LikeUpTo(last)).limit(limit).load(conn)?;
        if last.is_none() || i64::try_from(found.len()).is_ok_and(|n| n >= limit) {
            let ids = found.into_iter().map(|id| id.0).collect();
            return load(conn, page(conn, within, filter, sort, after, Words::Among(ids)), limit);
        }
    }
    let scope = match within {
        Jurisdiction::Province { scheme, code } => case_search::Scope::Province(*scheme, *code),
        Jurisdiction::Authority(id) => case_search::Scope::Authority(*id),
        Jurisdiction::Everywhere => case_search::Scope::Everywhere,
    };
    let words = match case_search::candidates(conn, &filter.words, scope, &filter.statuses, reading.candidates)? {
        Some(ids) => Words::Among(ids),
        None => Words::Like,
    };
    load(conn, page(conn, within, filter, sort, after, words), limit)
}

/// The id of the `slice`-th case of the list in its order (words aside), if it holds so
/// many: ids only, from the order's index.
fn slice_end(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filter: &ListFilter,
    sort: Sort,
    after: Option<&Cursor>,
    slice: i64,
) -> Result<Option<Uuid>, DbError> {
    let query = cases::table.select(cases::id).into_boxed();
    let query = narrowed!(query, conn, within, filter, sort, after);
    let last: Option<Id> = query.offset(slice - 1).limit(1).first(conn).optional()?;
    Ok(last.map(|id| id.0))
}

/// How a page's query looks for the search's words.
enum Words {
    /// Each word a `LIKE` over the scope: every case of it is read in the page's order
    /// until the page is full (no words, or words common in the scope).
    Like,
    /// Each word a `LIKE`, over the scope up to this case in the page's order (id order),
    /// or the whole scope without one.
    LikeUpTo(Option<Uuid>),
    /// Each word a `LIKE`, among these cases alone: every case of the scope that holds
    /// the search's words, found by the word index.
    Among(Vec<Uuid>),
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
    let query = narrowed!(query, conn, within, filter, sort, after);
    searched!(query, filter, sort, words)
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
