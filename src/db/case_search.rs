//! The work list's free text on SQLite: which cases hold every searched phrase, found
//! through the word index of migration 000014 (an FTS5 table, `case_search`, kept by
//! triggers).
//!
//! A case's `search_text` is its words between single spaces (`text::searchable`), and a
//! search is phrases of whole words (`services::work_list::search_words`), matched by
//! `LIKE '% van kiet %'`. FTS5's `unicode61` tokenizer cuts that text at exactly its
//! spaces, so the phrase query `search_text : "van kiet"` finds exactly the same cases.
//! The index also knows each case's province and authority (`scope`), so that a
//! supervisor's or an officer's search reads their own matches alone.
//!
//! The index is not always the cheaper way: a word found in a tenth of the cases fills a
//! page from the newest few hundred cases of the scope, while the index would hand back
//! every one of its matches first. So the work list first reads a bounded slice of the
//! scope in the list's order ([`SLICE_ROWS`]) and asks the index only when that slice
//! did not fill the page (db::work_list).

use uuid::Uuid;

use crate::domain::admin_unit::Scheme;

/// How many cases of the scope, in the list's order, a search reads before it asks the
/// index instead: a few milliseconds of `LIKE` (about 2 µs a case at 1,000,000 cases).
pub const SLICE_ROWS: i64 = 1_000;

/// Where an indexed search looks.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Province(Scheme, i32),
    Authority(Uuid),
    Everywhere,
}

/// The FTS5 query for cases holding every phrase (each of whole words, as
/// `search_words` makes them), within `scope`; `None` without a phrase.
pub fn match_expression(phrases: &[String], scope: Scope) -> Option<String> {
    if phrases.is_empty() {
        return None;
    }
    let mut terms: Vec<String> = phrases.iter().map(|p| format!("search_text : {}", quoted(p))).collect();
    match scope {
        Scope::Province(scheme, code) => terms.push(format!("scope : {}", quoted(&province_token(scheme, code)))),
        Scope::Authority(id) => terms.push(format!("scope : {}", quoted(&authority_token(id)))),
        Scope::Everywhere => {}
    }
    Some(terms.join(" AND "))
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
    fn phrases_are_joined_with_the_scope() {
        assert_eq!(
            match_expression(&phrases(&["van kiet", "le"]), Scope::Province(Scheme::S2024, 91)).as_deref(),
            Some("search_text : \"van kiet\" AND search_text : \"le\" AND scope : \"p2024x91\"")
        );
        let id = Uuid::parse_str("0193a1b2-0000-7000-8000-00000000000f").unwrap();
        assert_eq!(
            match_expression(&phrases(&["ghe"]), Scope::Authority(id)).as_deref(),
            Some("search_text : \"ghe\" AND scope : \"a0193a1b200007000800000000000000f\"")
        );
        assert_eq!(match_expression(&phrases(&["ghe"]), Scope::Everywhere).as_deref(), Some("search_text : \"ghe\""));
        assert_eq!(match_expression(&[], Scope::Everywhere), None);
    }

    #[test]
    fn quotes_in_a_phrase_are_text() {
        assert_eq!(quoted("a\"b OR c"), "\"a\"\"b OR c\"");
    }
}
