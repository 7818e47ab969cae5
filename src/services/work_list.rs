//! The staff's work list: `GET /api/v1/cases`, always within the caller's jurisdiction,
//! with filters, four orders and keyset pages.

use chrono::NaiveDateTime;

use super::take_page;
use crate::auth::caller::Caller;
use crate::auth::policy::{CaseScope, case_scope};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::cases::SummaryRow;
use crate::db::work_list::{self, Cursor, Jurisdiction, ListFilter, UnitFilter};
use crate::domain::admin_unit::{Level, UnitRef};
use crate::domain::case::{Priority, Sort, Status};
use crate::domain::report::Matter;
use crate::domain::text::{fold, words_of};
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::services::case_views::summary;
use crate::services::dto::cases::CaseSummary;
use crate::services::dto::reports::AuthorityRef;
use crate::state::AppState;

/// The filters as asked (already parsed from the query).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub statuses: Vec<Status>,
    pub priority: Option<Priority>,
    pub authority_id: Option<uuid::Uuid>,
    pub unit: Option<UnitRef>,
    pub assignee_id: Option<uuid::Uuid>,
    pub matter: Option<Matter>,
    pub overdue: bool,
    pub escalated: bool,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
    pub text: Option<String>,
    pub sort: Option<Sort>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// Parses a cursor: `KEY.ID`, the last case's sort key and id. The key is the due time
/// in microseconds for due_soonest, the priority's rank (0 urgent … 3 low) for priority,
/// and 0 (unused) for the orders by id. Any such cursor is a valid position, whatever the
/// order, so that no client is ever stuck with a cursor the server refuses.
pub fn parse_cursor(sort: Sort, text: &str) -> Option<Cursor> {
    let (key, id) = text.split_once('.')?;
    let key: i64 = key.parse().ok().filter(|k| (0..=9_999_999_999_999_999).contains(k))?;
    let id = uuid::Uuid::try_parse(id).ok().filter(|_| id.len() == 36)?;
    Some(match sort {
        Sort::Newest | Sort::Oldest => Cursor::Id(id),
        Sort::DueSoonest => Cursor::Due(chrono::DateTime::from_timestamp_micros(key)?.naive_utc(), id),
        Sort::Priority => Cursor::Rank(key.min(4) as i32, id),
    })
}

fn cursor_after(sort: Sort, row: &SummaryRow) -> String {
    let key = match sort {
        Sort::Newest | Sort::Oldest => 0,
        Sort::DueSoonest => row.resolve_due_at.unwrap_or(row.created_at).and_utc().timestamp_micros().max(0),
        Sort::Priority => i64::from(row.priority_rank),
    };
    format!("{key}.{}", row.id)
}

/// The most words a work-list search looks for, and the fewest characters a word needs.
pub const MAX_SEARCH_WORDS: usize = 8;
const MIN_WORD_CHARS: usize = 2;

/// What a search looks for: each word typed, folded and cut into words as a case's text
/// is (`text::searchable`; `TB-AB12` is the phrase `tb ab12`), of at least two characters
/// (one letter finds nearly every case), and at most the eight longest, each once. A case
/// matches when its text holds every one as whole words.
pub fn search_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = fold(text)
        .split_whitespace()
        .map(|typed| words_of(typed).join(" "))
        .filter(|phrase| phrase.chars().count() >= MIN_WORD_CHARS)
        .collect();
    words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    words.dedup();
    words.truncate(MAX_SEARCH_WORDS);
    words
}

/// Where the caller's case work lies, as the database filters it; 403 for callers who
/// handle no cases.
pub fn jurisdiction(caller: &Caller) -> Result<Jurisdiction, ServiceError> {
    match case_scope(caller) {
        Some(CaseScope::Authority(id)) => Ok(Jurisdiction::Authority(id)),
        Some(CaseScope::Province(p)) => Ok(Jurisdiction::Province { scheme: p.scheme, code: p.code }),
        Some(CaseScope::Everywhere) => Ok(Jurisdiction::Everywhere),
        None => Err(ServiceError::forbidden(Msg::of("work-list-your-account-does-not-handle-cases"))),
    }
}

/// One page of the caller's work list, and where the next begins.
pub type Page = (Vec<CaseSummary>, Option<String>);

/// One page of the caller's work list.
pub async fn list(state: &AppState, caller: &Caller, query: Query) -> Result<Page, ServiceError> {
    let within = jurisdiction(caller)?;
    let reading = PageReading::of(query)?;
    state.db.run(move |conn| reading.read(conn, &within)).await
}

/// How many cases each of the quick filters holds, counted up to `cap` ("100+" says
/// enough, and counting a province's million would not be quick), and the page of
/// `query` when there is one: the console's work list, in one turn at the database.
pub async fn page_and_counts(
    state: &AppState,
    caller: &Caller,
    query: Option<Query>,
    quick: Vec<Query>,
    cap: u32,
) -> Result<(Option<Page>, Vec<u32>), ServiceError> {
    let within = jurisdiction(caller)?;
    let reading = query.map(PageReading::of).transpose()?;
    let filters: Vec<ListFilter> = quick.into_iter().map(list_filter).collect();
    state
        .db
        .run(move |conn| {
            let counts = count(conn, &within, &filters, cap)?;
            let page = reading.map(|r| r.read(conn, &within)).transpose()?;
            Ok((page, counts))
        })
        .await
}

/// A page to read: the query's filter, sort, cursor and size, checked.
struct PageReading {
    filter: ListFilter,
    sort: Sort,
    after: Option<Cursor>,
    limit: u32,
}

impl PageReading {
    fn of(query: Query) -> Result<PageReading, ServiceError> {
        let sort = query.sort.unwrap_or(Sort::Newest);
        let after = match query.cursor.as_deref() {
            None => None,
            Some(text) => Some(parse_cursor(sort, text).ok_or_else(|| {
                ServiceError::invalid_parameters(vec![crate::error::FieldError::new(
                    "cursor",
                    "invalid",
                    Msg::of("work-list-is-not-a-cursor-of-this"),
                )])
            })?),
        };
        let limit = query.limit;
        Ok(PageReading { filter: list_filter(query), sort, after, limit })
    }

    fn read(&self, conn: &mut DbConnection, within: &Jurisdiction) -> Result<Page, ServiceError> {
        let (sort, limit) = (self.sort, self.limit);
        let rows = work_list::list(conn, within, &self.filter, sort, self.after.as_ref(), i64::from(limit) + 1)?;
        let (rows, next) = take_page(rows, limit, |(r, _)| cursor_after(sort, r));
        let items =
            rows.into_iter().map(|(row, name)| summary(&row, AuthorityRef { id: row.authority_id, name })).collect();
        Ok((items, next))
    }
}

fn count(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    filters: &[ListFilter],
    cap: u32,
) -> Result<Vec<u32>, ServiceError> {
    let counts = work_list::counts_up_to(conn, within, filters, i64::from(cap))?;
    Ok(counts.into_iter().map(|n| u32::try_from(n).unwrap_or(cap)).collect())
}

fn list_filter(query: Query) -> ListFilter {
    ListFilter {
        statuses: query.statuses,
        priority: query.priority,
        authority_id: query.authority_id,
        unit: query.unit.map(|u| {
            let level = match u.level {
                Level::Province => UnitFilter::Province(u.code),
                Level::District => UnitFilter::District(u.code),
                Level::Commune => UnitFilter::Commune(u.code),
            };
            (u.scheme, level)
        }),
        assignee_id: query.assignee_id,
        matter: query.matter,
        overdue_at: query.overdue.then(now),
        escalated: query.escalated,
        created_from: query.created_from,
        created_to: query.created_to,
        words: search_words(query.text.as_deref().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_takes_the_eight_longest_words_of_two_characters_or_more() {
        assert_eq!(search_words("  Kiên   Lương  x "), ["luong", "kien"]);
        let many = search_words("a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj bb");
        assert_eq!(many.len(), MAX_SEARCH_WORDS);
        assert!(!many.contains(&"bb".to_owned()) && many.contains(&"jjjjjjjjjj".to_owned()), "{many:?}");
        assert!(search_words("a b c").is_empty(), "single letters are not searched");
        assert_eq!(search_words("TB-AB12-CD34 Kiệt, -- 50%"), ["tb ab12 cd34", "kiet", "50"]);
    }

    #[test]
    fn cursors_belong_to_their_order() {
        let id = "019abcde-0000-7000-8000-000000000000";
        assert!(matches!(parse_cursor(Sort::Newest, &format!("0.{id}")), Some(Cursor::Id(_))));
        assert!(parse_cursor(Sort::Newest, id).is_none());
        assert!(matches!(parse_cursor(Sort::Priority, &format!("2.{id}")), Some(Cursor::Rank(2, _))));
        assert!(matches!(parse_cursor(Sort::Priority, &format!("99.{id}")), Some(Cursor::Rank(4, _))));
        assert!(matches!(parse_cursor(Sort::DueSoonest, &format!("1764000000000000.{id}")), Some(Cursor::Due(..))));
        assert!(matches!(parse_cursor(Sort::DueSoonest, &format!("9999999999999999.{id}")), Some(Cursor::Due(..))));
        assert!(parse_cursor(Sort::DueSoonest, &format!("{}.{id}", i64::MAX)).is_none());
        assert!(parse_cursor(Sort::Oldest, "x").is_none());
        assert!(parse_cursor(Sort::Oldest, &format!("-1.{id}")).is_none());
    }
}
