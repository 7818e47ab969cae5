//! The work list's free text: which cases hold every searched phrase, found through the
//! word index of migrations 000014 and 000015 — on SQLite an FTS5 table (`case_search`,
//! kept by triggers), on PostgreSQL a GIN index of a stored `tsvector` (`search_vector`).
//!
//! A case's `search_text` is its words between single spaces (`text::searchable`), and a
//! search is phrases of whole words (`services::work_list::search_words`), each matched
//! by `LIKE '% van kiet %'`. FTS5's `unicode61` tokenizer and PostgreSQL's `simple`
//! configuration cut such a text at exactly its spaces, so the queries
//! `"van" AND "kiet"` (SQLite's index knows words, not their order: the work list checks
//! the phrase on the cases it finds) and `'van' <-> 'kiet'` find the same cases.
//!
//! Both indexes hold each word twice: as it is, and with the case's province before it
//! (`p2024x91xkiet`), so that a supervisor's search reads lists no longer than the
//! province's cases instead of the whole country's (a common name is in tens of
//! thousands of cases at 1,000,000). SQLite's index also holds the authority
//! (`a<hex id>`, for an officer's search) and the status, alone and with the province
//! (`snew`, `p2024x91snew`), so that the list's usual status filter is asked of the
//! index too; PostgreSQL keeps the status an ordinary condition (see [`ts_query`]).
//!
//! The index is not always the cheaper way: a word found in many cases fills a page from
//! the newest few dozen of the scope, while the index would hand over every match. So on
//! PostgreSQL a search in id order first reads the newest thousand cases of its scope
//! from the scope's indexes (`work_list::SLICE`; SQLite skips this, see
//! `work_list::Reading::default_for`), and only when they hold less than a page asks the
//! index for at most
//! [`CANDIDATES`] cases ([`candidates`]): with no more, the page is read among those; with
//! more, the words are common enough in the scope that reading it in the page's order
//! finds a page quickly (db::work_list). PostgreSQL's planner cannot make that choice
//! itself: it takes a province's words and the province's condition as independent, so
//! it thinks a common word of the province rare, and read 6,400 matches of `ghe` to keep
//! 50 (69 ms at 1,000,000 cases).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use uuid::Uuid;

use super::column_types::UuidText;
use super::{DbConnection, DbError, MultiBackend};
use crate::domain::admin_unit::Scheme;
use crate::domain::case::Status;

/// The most cases a search reads through the index: a millisecond or two of lookups.
/// Beyond them, the words are common in the scope (more than one case in 25 of a large
/// province), and reading the scope in the page's order fills a page within a thousand
/// cases or so.
pub const CANDIDATES: i64 = 600;

/// Where an indexed search looks.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Province(Scheme, i32),
    Authority(Uuid),
    Everywhere,
}

/// The cases of `scope` holding every word of the phrases (in one of `statuses`, on
/// SQLite), found through the word index, when there are at most `most`; `None` when
/// there are more, or without a word to look for. A few more than the phrases' cases on
/// SQLite, whose index knows words and not their order: the page's query checks them.
pub fn candidates(
    conn: &mut DbConnection,
    phrases: &[String],
    scope: Scope,
    statuses: &[Status],
    most: i64,
) -> Result<Option<Vec<Uuid>>, DbError> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = UuidText)]
        case_id: Uuid,
    }
    let found: Vec<Found> = match conn {
        DbConnection::Sqlite(_) => {
            let Some(index_query) = match_expression(phrases, scope, statuses) else { return Ok(None) };
            diesel::sql_query(
                "SELECT case_id FROM case_search_keys WHERE key IN \
                 (SELECT rowid FROM case_search WHERE case_search MATCH $1 LIMIT $2)",
            )
            .bind::<Text, _>(index_query)
            .bind::<BigInt, _>(most + 1)
            .load(conn)?
        }
        DbConnection::Postgres(_) => {
            let Some(ts_query) = ts_query(phrases, scope) else { return Ok(None) };
            // A province's words are the province's alone, so they need no other condition;
            // an officer's words are the country's, and the authority's index narrows them.
            // PostgreSQL reads a rare word through the word index, and a common one (in its
            // statistics) by reading the table until `most` match, which is soon.
            let mut sql =
                String::from("SELECT id AS case_id FROM cases WHERE search_vector @@ to_tsquery('simple', $1)");
            let mut next = 2;
            if let Scope::Authority(_) = scope {
                sql.push_str(" AND authority_id = $2");
                next = 3;
            }
            if !statuses.is_empty() {
                let marks: Vec<String> = (next..next + statuses.len()).map(|n| format!("${n}")).collect();
                sql.push_str(&format!(" AND status IN ({})", marks.join(", ")));
                next += statuses.len();
            }
            sql.push_str(&format!(" LIMIT ${next}"));
            let mut query = diesel::sql_query(sql).into_boxed::<MultiBackend>().bind::<Text, _>(ts_query);
            if let Scope::Authority(id) = scope {
                query = query.bind::<UuidText, _>(id);
            }
            for status in statuses {
                query = query.bind::<Text, _>(status.as_str());
            }
            query.bind::<BigInt, _>(most + 1).load(conn)?
        }
    };
    let within_bound = i64::try_from(found.len()).is_ok_and(|n| n <= most);
    Ok(within_bound.then(|| found.into_iter().map(|f| f.case_id).collect()))
}

/// The FTS5 query for the cases holding every word of the phrases (each of whole words,
/// as `search_words` makes them), within `scope`, in one of `statuses` when there are
/// any; `None` without a phrase. The index knows words, not their order (`detail =
/// none`), so it finds a few cases too many: the work list checks the phrases on them.
pub fn match_expression(phrases: &[String], scope: Scope, statuses: &[Status]) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words_of(phrases) {
        let term = quoted(&match scope {
            Scope::Province(scheme, code) => province_word(scheme, code, word),
            Scope::Authority(_) | Scope::Everywhere => word.to_owned(),
        });
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    if terms.is_empty() {
        return None;
    }
    let status_token = |status: &Status| match scope {
        Scope::Province(scheme, code) => province_status(scheme, code, *status),
        Scope::Authority(_) | Scope::Everywhere => format!("s{}", status.as_str()),
    };
    if let Scope::Authority(id) = scope {
        terms.push(quoted(&authority_token(id)));
    }
    if !statuses.is_empty() {
        let any: Vec<String> = statuses.iter().map(|s| quoted(&status_token(s))).collect();
        terms.push(format!("({})", any.join(" OR ")));
    }
    Some(terms.join(" AND "))
}

/// The PostgreSQL `tsquery` (for `to_tsquery('simple', …)`) of the phrases, within a
/// province with the province's own words (`p2024x91xvan <-> p2024x91xkiet`). The
/// statuses stay the query's ordinary conditions, and an authority's search takes the
/// plain words with the authority's condition: written into the `tsquery` as well, the
/// planner would count them twice and take a common word for a rare one. Phrases are
/// letters, digits and single spaces (see `search_words`), so nothing in them is read as
/// query syntax; anything else is left out.
pub fn ts_query(phrases: &[String], scope: Scope) -> Option<String> {
    let term = |word: &str| {
        let plain: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
        match scope {
            _ if plain.is_empty() => plain,
            Scope::Province(scheme, code) => province_word(scheme, code, &plain),
            Scope::Authority(_) | Scope::Everywhere => plain,
        }
    };
    let terms: Vec<String> = phrases
        .iter()
        .map(|p| p.split(' ').map(term).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" <-> "))
        .filter(|p| !p.is_empty())
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

/// The words of the phrases, in order.
fn words_of(phrases: &[String]) -> impl Iterator<Item = &str> {
    phrases.iter().flat_map(|p| p.split(' ')).filter(|w| !w.is_empty())
}

/// A phrase as an FTS5 string: in double quotes, each quote doubled, so that no
/// character of it is read as query syntax.
fn quoted(phrase: &str) -> String {
    format!("\"{}\"", phrase.replace('"', "\"\""))
}

/// A province as the index's `scope` holds it: `p2024x91`. Migration 000014 writes the
/// same with `'p' || unit_scheme || 'x' || province_code`.
pub fn province_token(scheme: Scheme, code: i32) -> String {
    format!("p{}x{code}", scheme.as_str())
}

/// An authority as the index's `scope` holds it: `a` and its id's 32 hexadecimal digits.
/// Migration 000014 writes the same with `'a' || replace(authority_id, '-', '')`.
pub fn authority_token(id: Uuid) -> String {
    format!("a{}", id.simple())
}

/// A word of a case of the province, as both indexes hold it: `p2024x91xkiet`.
/// Migration 000015 writes the same by replacing each space of the text with
/// `' p' || unit_scheme || 'x' || province_code || 'x'`.
pub fn province_word(scheme: Scheme, code: i32, word: &str) -> String {
    format!("{}x{word}", province_token(scheme, code))
}

/// A status of a case of the province, as SQLite's index holds it: `p2024x91snew`.
pub fn province_status(scheme: Scheme, code: i32, status: Status) -> String {
    format!("{}s{}", province_token(scheme, code), status.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn a_province_asks_for_its_own_words_and_statuses() {
        assert_eq!(
            match_expression(&phrases(&["van kiet", "le", "kiet"]), Scope::Province(Scheme::S2024, 91), &[]).as_deref(),
            Some("\"p2024x91xvan\" AND \"p2024x91xkiet\" AND \"p2024x91xle\"")
        );
        assert_eq!(
            match_expression(&phrases(&["ghe"]), Scope::Province(Scheme::S2024, 9), &[Status::New]).as_deref(),
            Some("\"p2024x9xghe\" AND (\"p2024x9snew\")")
        );
    }

    #[test]
    fn an_authority_asks_for_the_plain_words_with_its_token() {
        let id = Uuid::parse_str("0193a1b2-0000-7000-8000-00000000000f").unwrap();
        assert_eq!(
            match_expression(&phrases(&["ghe"]), Scope::Authority(id), &[Status::New, Status::Accepted]).as_deref(),
            Some("\"ghe\" AND \"a0193a1b200007000800000000000000f\" AND (\"snew\" OR \"saccepted\")")
        );
        assert_eq!(match_expression(&phrases(&["ghe"]), Scope::Everywhere, &[]).as_deref(), Some("\"ghe\""));
        assert_eq!(match_expression(&[], Scope::Everywhere, &[]), None);
    }

    #[test]
    fn postgresql_gets_the_phrases_as_a_tsquery() {
        let id = Uuid::parse_str("0193a1b2-0000-7000-8000-00000000000f").unwrap();
        assert_eq!(ts_query(&phrases(&["van kiet", "le"]), Scope::Authority(id)).as_deref(), Some("van <-> kiet & le"));
        assert_eq!(
            ts_query(&phrases(&["van kiet", "le"]), Scope::Province(Scheme::S2024, 91)).as_deref(),
            Some("p2024x91xvan <-> p2024x91xkiet & p2024x91xle")
        );
        assert_eq!(ts_query(&phrases(&["a'b", "!"]), Scope::Everywhere).as_deref(), Some("ab"));
        assert_eq!(ts_query(&phrases(&["&|"]), Scope::Province(Scheme::S2024, 91)), None);
    }

    #[test]
    fn quotes_in_a_phrase_are_text() {
        assert_eq!(quoted("a\"b OR c"), "\"a\"\"b OR c\"");
    }
}
