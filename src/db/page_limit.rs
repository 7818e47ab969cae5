//! A page's LIMIT written into the SQL as a number instead of bound as a parameter.
//!
//! PostgreSQL plans a prepared statement whose LIMIT is a parameter as if it returned a
//! tenth of its rows. That generic plan always looks dearer than one made for the actual
//! values, so PostgreSQL plans every execution anew: at 1,000,000 cases, planning was
//! two thirds of the database's time for a 50-case page. With the number in the text,
//! PostgreSQL settles on one plan per statement after five executions. Page sizes are
//! rounded up to a few steps, so that each shape of query has at most four statements.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// The row counts a page query asks for; a wanted count is rounded up to the next.
const STEPS: [i64; 4] = [11, 26, 51, 101];

/// `query LIMIT n`, where `n` is `wanted` rounded up to a step (the caller keeps the
/// first `wanted` rows).
pub struct PageLimit<Q> {
    query: Q,
    rows: i64,
}

/// Limits `query` to at least `wanted` rows, written as a literal.
pub fn at_least<Q>(query: Q, wanted: i64) -> PageLimit<Q> {
    PageLimit { query, rows: rows_for(wanted) }
}

fn rows_for(wanted: i64) -> i64 {
    STEPS.into_iter().find(|step| *step >= wanted).unwrap_or(wanted.max(1))
}

impl<Q: Query> Query for PageLimit<Q> {
    type SqlType = Q::SqlType;
}

// No static id: diesel then caches the statement by its SQL text, which holds the number.
impl<Q> QueryId for PageLimit<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for PageLimit<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.rows.to_string());
        Ok(())
    }
}

impl<Q, Conn> RunQueryDsl<Conn> for PageLimit<Q> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wanted_count_is_rounded_up_to_a_step() {
        assert_eq!(rows_for(1), 11);
        assert_eq!(rows_for(11), 11);
        assert_eq!(rows_for(12), 26);
        assert_eq!(rows_for(51), 51);
        assert_eq!(rows_for(52), 101);
        assert_eq!(rows_for(101), 101);
        // Beyond the steps (no route asks for so many) the count is used as it is.
        assert_eq!(rows_for(500), 500);
    }

    #[test]
    fn the_limit_is_written_into_the_sql() {
        use crate::db::schema::cases;
        use diesel::prelude::*;
        let query = cases::table.select(cases::id).filter(cases::status.eq("new")).order(cases::id.desc());
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&at_least(query, 51)).to_string();
        assert!(sql.contains("ORDER BY \"cases\".\"id\" DESC LIMIT 51 --"), "{sql}");
    }
}
