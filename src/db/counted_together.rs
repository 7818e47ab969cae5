//! Several queries counted in one statement, each up to a cap:
//! `SELECT 0 AS list, COUNT(*) AS n FROM (q0 LIMIT 100) AS counted UNION ALL SELECT 1, …`.
//!
//! The console's work list shows five quick filters with their counts. Asked one by one,
//! they were five round trips to the database for a page, each a wake-up of a server
//! process that waits for a core when the machine is busy (docs/benchmarks.md, "The
//! console's page beside the API's list"); together they are one. The cap is written
//! into the SQL as a number, for the reason of `page_limit`: PostgreSQL planned a
//! statement anew on each execution while its LIMIT was a parameter.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Untyped};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

/// The counting statement: each query's rows counted up to `cap`.
pub struct CountedTogether<Q> {
    queries: Vec<Q>,
    cap: i64,
}

/// One row of the statement's answer: which query, and how many rows it had (at most
/// the cap). The rows come in no particular order: `list` says whose count it is.
#[derive(Debug, QueryableByName)]
pub struct Count {
    #[diesel(sql_type = Integer)]
    pub list: i32,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Counts each of `queries` up to `cap` in one statement (at least one query).
pub fn up_to<Q>(queries: Vec<Q>, cap: i64) -> CountedTogether<Q> {
    CountedTogether { queries, cap }
}

/// The counts of [`up_to`]'s answer in the order of its queries (0 for a query without
/// a row in the answer, which cannot happen: `COUNT(*)` always answers).
pub fn in_order(counts: Vec<Count>, queries: usize) -> Vec<i64> {
    let mut ordered = vec![0; queries];
    for count in counts {
        if let Some(slot) = usize::try_from(count.list).ok().and_then(|i| ordered.get_mut(i)) {
            *slot = count.n;
        }
    }
    ordered
}

impl<Q> Query for CountedTogether<Q> {
    type SqlType = Untyped;
}

// No static id: diesel caches the statement by its SQL text (one per shape of the lists).
impl<Q> QueryId for CountedTogether<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for CountedTogether<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for (i, query) in self.queries.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            out.push_sql(&format!("SELECT {i} AS list, COUNT(*) AS n FROM ("));
            query.walk_ast(out.reborrow())?;
            out.push_sql(&format!(" LIMIT {}) AS counted", self.cap));
        }
        Ok(())
    }
}

impl<Q, Conn> RunQueryDsl<Conn> for CountedTogether<Q> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::cases;
    use diesel::prelude::*;

    #[test]
    fn each_query_is_counted_up_to_the_cap_in_one_statement() {
        let new = cases::table.select(cases::id).filter(cases::status.eq("new")).order(cases::id.desc()).into_boxed();
        let urgent = cases::table.select(cases::id).filter(cases::priority.eq("urgent")).into_boxed();
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&up_to(vec![new, urgent], 100)).to_string();
        assert!(sql.starts_with("SELECT 0 AS list, COUNT(*) AS n FROM (SELECT \"cases\".\"id\" FROM"), "{sql}");
        assert!(sql.contains("DESC LIMIT 100) AS counted UNION ALL SELECT 1 AS list, COUNT(*) AS n FROM ("), "{sql}");
        assert!(sql.contains("(\"cases\".\"priority\" = $2) LIMIT 100) AS counted --"), "{sql}");
    }

    #[test]
    fn counts_are_put_back_in_the_order_of_their_queries() {
        let answer = vec![Count { list: 2, n: 7 }, Count { list: 0, n: 100 }, Count { list: 1, n: 0 }];
        assert_eq!(in_order(answer, 3), vec![100, 0, 7]);
        assert_eq!(in_order(vec![Count { list: 9, n: 1 }], 1), vec![0]);
    }
}
