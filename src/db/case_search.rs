//! The work list's free text: which cases hold every searched phrase, found through the
//! word index of migration 000014 — on SQLite an FTS5 table (`case_search`, kept by
//! triggers), on PostgreSQL a GIN index of a stored `tsvector` (`search_vector`).
//!
//! A case's `search_text` is its words between single spaces (`text::searchable`), and a
//! search is phrases of whole words (`services::work_list::search_words`), each matched
//! by `LIKE '% van kiet %'`. FTS5's `unicode61` tokenizer and PostgreSQL's `simple`
//! configuration cut such a text at exactly its spaces, so the queries
//! `"van" AND "kiet"` (SQLite's index knows words, not their order: the work list checks
//! the phrase on the cases it finds) and `'van' <-> 'kiet'` find the same cases. SQLite's
//! index also holds each case's province, authority and status as words of their own
//! (`p2024x91`, `a<hex id>`, `snew`), so that a supervisor's or an officer's search, with
//! the list's usual status filter, reads their own matches alone; PostgreSQL combines
//! its word index with the scope's index itself.
//!
//! The index is not always the cheaper way: a word found in many cases fills a page from
//! the newest few dozen of the scope, while the index would hand over every match. On
//! SQLite a search first asks the index for at most [`CANDIDATES`] cases: when it holds
//! no more, the page is read from those; when it holds more, the words are common enough
//! in the scope that reading it in the page's order finds a page quickly (db::work_list).
//! PostgreSQL's planner makes that choice itself, from the index's statistics.

use uuid::Uuid;

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

/// The FTS5 query for the cases holding every word of the phrases (each of whole words,
/// as `search_words` makes them), within `scope`, in one of `statuses` when there are
/// any; `None` without a phrase. The index knows words, not their order (`detail =
/// none`), so it finds a few cases too many: the work list checks the phrases on them.
pub fn match_expression(phrases: &[String], scope: Scope, statuses: &[Status]) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in phrases.iter().flat_map(|p| p.split(' ')).filter(|w| !w.is_empty()) {
        let term = quoted(word);
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    if terms.is_empty() {
        return None;
    }
    match scope {
        Scope::Province(scheme, code) => terms.push(quoted(&province_token(scheme, code))),
        Scope::Authority(id) => terms.push(quoted(&authority_token(id))),
        Scope::Everywhere => {}
    }
    if !statuses.is_empty() {
        let any: Vec<String> = statuses.iter().map(|s| quoted(&format!("s{}", s.as_str()))).collect();
        terms.push(format!("({})", any.join(" OR ")));
    }
    Some(terms.join(" AND "))
}

/// The PostgreSQL `tsquery` (for `to_tsquery('simple', …)`) of the phrases. The scope
/// and the statuses stay the query's ordinary conditions: written into the `tsquery` as
/// well, the planner would count them twice and take a common word for a rare one.
/// Phrases are letters, digits and single spaces (see `search_words`), so nothing in them
/// is read as query syntax; anything else is left out.
pub fn ts_query(phrases: &[String]) -> Option<String> {
    let plain = |word: &str| word.chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    let terms: Vec<String> = phrases
        .iter()
        .map(|p| p.split(' ').map(plain).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" <-> "))
        .filter(|p| !p.is_empty())
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn the_words_of_the_phrases_are_joined_with_the_scope() {
        assert_eq!(
            match_expression(&phrases(&["van kiet", "le", "kiet"]), Scope::Province(Scheme::S2024, 91), &[]).as_deref(),
            Some("\"van\" AND \"kiet\" AND \"le\" AND \"p2024x91\"")
        );
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
        assert_eq!(ts_query(&phrases(&["van kiet", "le"])).as_deref(), Some("van <-> kiet & le"));
        assert_eq!(ts_query(&phrases(&["a'b", "!"])).as_deref(), Some("ab"));
        assert_eq!(ts_query(&phrases(&["&|"])), None);
    }

    #[test]
    fn quotes_in_a_phrase_are_text() {
        assert_eq!(quoted("a\"b OR c"), "\"a\"\"b OR c\"");
    }
}
