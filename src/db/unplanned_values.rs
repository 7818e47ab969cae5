//! Conditions written in SQL whose values PostgreSQL's planner should not look at: a
//! keyset cursor and the moment of an overdue filter.
//!
//! PostgreSQL plans a prepared statement for its actual values five times, then compares
//! one generic plan, made without the values, with the average of those plans. When the
//! generic plan looks dearer, PostgreSQL plans every execution anew. For `id < $3`, the
//! generic plan guesses that a third of the scope qualifies, while the plans for actual
//! cursors (near the top of the list, as next pages are) know that nearly all of it does;
//! so the generic plan looked a little dearer (91.5 against 80.9 + 7.5 for planning), and
//! each next page of a supervisor's list spent 0.5 ms planning for 0.2 ms of work.
//!
//! Written as a one-row subquery, `(SELECT $3)`, the value becomes an InitPlan parameter
//! that the planner does not know even when planning for actual values: both estimates
//! agree, PostgreSQL keeps the generic plan, and the index scan still starts at the value
//! (it is evaluated once, before the scan). The plans themselves are the same as before.
//! SQLite gets a plain parameter: it prepares each statement once anyway, and it does not
//! start an index scan at a row value made of subqueries.
//!
//! Why not diesel's `sql(…).bind(…)`: a statement with such a literal is never kept
//! prepared (diesel cannot know the literal is the same next time), so PostgreSQL would
//! parse and plan it on every execution however it is written. The SQL pieces here are
//! `&'static str`, so the text of a condition is fixed by the code and the statement is
//! cached by that text.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Bool, HasSqlType, Integer, Text, Timestamp};
use uuid::Uuid;

use super::DbConnection;
use super::column_types::UuidText;

/// A boolean condition: fixed SQL with values between, each written so that PostgreSQL's
/// planner does not see it.
#[derive(Debug, Clone)]
pub struct Condition {
    pieces: Vec<Piece>,
    postgres: bool,
}

#[derive(Debug, Clone)]
enum Piece {
    Sql(&'static str),
    Value(Value),
}

/// A value of a condition.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Id(Uuid),
    Timestamp(NaiveDateTime),
    Integer(i32),
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<Uuid> for Value {
    fn from(value: Uuid) -> Self {
        Value::Id(value)
    }
}

impl From<NaiveDateTime> for Value {
    fn from(value: NaiveDateTime) -> Self {
        Value::Timestamp(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Value::Integer(value)
    }
}

impl Condition {
    /// An empty condition for `conn`'s backend.
    pub fn on(conn: &DbConnection) -> Self {
        Self::written_for_postgres(matches!(conn, DbConnection::Postgres(_)))
    }

    fn written_for_postgres(postgres: bool) -> Self {
        Condition { pieces: Vec::new(), postgres }
    }

    /// Appends SQL, written as it is.
    pub fn sql(mut self, sql: &'static str) -> Self {
        self.pieces.push(Piece::Sql(sql));
        self
    }

    /// Appends a value, bound as a parameter.
    pub fn value(mut self, value: impl Into<Value>) -> Self {
        self.pieces.push(Piece::Value(value.into()));
        self
    }
}

impl Expression for Condition {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for Condition {}

impl<QS> SelectableExpression<QS> for Condition {}

impl<GB> ValidGrouping<GB> for Condition {
    type IsAggregate = is_aggregate::Never;
}

// No static id: diesel caches the statement by its SQL text, which the pieces fix.
impl QueryId for Condition {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for Condition
where
    DB: Backend + HasSqlType<Text> + HasSqlType<UuidText> + HasSqlType<Timestamp> + HasSqlType<Integer>,
    String: ToSql<Text, DB>,
    Uuid: ToSql<UuidText, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for piece in &self.pieces {
            match piece {
                Piece::Sql(sql) => out.push_sql(sql),
                Piece::Value(value) => {
                    if self.postgres {
                        out.push_sql("(SELECT ");
                    }
                    match value {
                        Value::Text(text) => out.push_bind_param::<Text, _>(text)?,
                        Value::Id(id) => out.push_bind_param::<UuidText, _>(id)?,
                        Value::Timestamp(at) => out.push_bind_param::<Timestamp, _>(at)?,
                        Value::Integer(number) => out.push_bind_param::<Integer, _>(number)?,
                    }
                    if self.postgres {
                        out.push_sql(")");
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::cases;
    use diesel::prelude::*;

    fn keyset(postgres: bool) -> Condition {
        Condition::written_for_postgres(postgres)
            .sql("(cases.priority_rank, cases.id) > (")
            .value(1)
            .sql(", ")
            .value("01a2".to_string())
            .sql(")")
    }

    #[test]
    fn postgresql_gets_each_value_as_a_one_row_subquery() {
        let query = cases::table.select(cases::id).filter(keyset(true));
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
        assert!(sql.contains("WHERE (cases.priority_rank, cases.id) > ((SELECT $1), (SELECT $2)) --"), "{sql}");
        assert!(sql.ends_with("binds: [1, \"01a2\"]"), "{sql}");
    }

    #[test]
    fn sqlite_gets_plain_parameters() {
        let query = cases::table.select(cases::id).filter(keyset(false));
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
        assert!(sql.contains("WHERE (cases.priority_rank, cases.id) > (?, ?) --"), "{sql}");
    }

    #[test]
    fn a_statement_with_a_condition_stays_prepared() {
        // diesel's own `sql(…)` literal would make this false: the statement would be
        // parsed and planned again on every execution.
        use diesel::pg::Pg;
        assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&keyset(true), &Pg).unwrap());
        let literal = diesel::dsl::sql::<Bool>("true");
        assert!(!QueryFragment::<Pg>::is_safe_to_cache_prepared(&literal, &Pg).unwrap());
    }
}
