//! How domain values are stored, so that rows carry them typed: a `Uuid` as its
//! hyphenated text in a `UuidText` column, and every domain enum (statuses, priorities,
//! roles, matters…) as its stable code in a `Text` column. Both backends store plain text
//! (the portable column types of `docs/decisions.md`); the conversion is written once,
//! here, and nothing above `db` parses an id or a code that came from the database.
//!
//! A stored value that does not parse (a row written by hand, a code since removed) is a
//! deserialisation error, which the caller sees as `DbError::Query`, never a panic.

use std::io::Write;

use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::SqlType;
use diesel::sql_types::{HasSqlType, Text};
use diesel::sqlite::Sqlite;
use uuid::Uuid;

use super::MultiBackend;
use crate::domain::account::{Role, SessionStage};
use crate::domain::admin_unit::{Level, Scheme};
use crate::domain::audit::ObjectType;
use crate::domain::authority::AuthorityKind;
use crate::domain::case::{Priority, Status, TransferState};
use crate::domain::report::Matter;

/// The SQL type of a column holding a UUID as text (`TEXT` on both backends). A type of
/// its own, rather than `Text`, because only then may `Uuid` (a foreign type) implement
/// diesel's traits for it, and because a UUID column then never takes a free string.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
#[diesel(postgres_type(oid = 25, array_oid = 1009))]
#[diesel(sqlite_type(name = "Text"))]
pub struct UuidText;

impl HasSqlType<UuidText> for MultiBackend {
    fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
        MultiBackend::lookup_sql_type::<UuidText>(lookup)
    }
}

impl ToSql<UuidText, Pg> for Uuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        write!(out, "{}", self.hyphenated())?;
        Ok(IsNull::No)
    }
}

impl ToSql<UuidText, Sqlite> for Uuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl ToSql<UuidText, MultiBackend> for Uuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((UuidText, self));
        Ok(IsNull::No)
    }
}

fn uuid_from_text(text: &str) -> deserialize::Result<Uuid> {
    Uuid::try_parse(text).map_err(|_| "a stored id is not a UUID".into())
}

impl FromSql<UuidText, Pg> for Uuid {
    fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        uuid_from_text(&<String as FromSql<Text, Pg>>::from_sql(bytes)?)
    }
}

impl FromSql<UuidText, Sqlite> for Uuid {
    fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        uuid_from_text(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
    }
}

impl FromSql<UuidText, MultiBackend> for Uuid {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Uuid, UuidText>()
    }
}

/// What `#[derive(FromSqlRow)]` would write, for each backend a query may run on.
macro_rules! uuid_queryable {
    ($($backend:ty),*) => {$(
        impl Queryable<UuidText, $backend> for Uuid {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}
uuid_queryable!(Pg, Sqlite, MultiBackend);

/// A UUID to bind in a query: `cases::id.eq(Id(case_id))`. Rows read back plain `Uuid`s;
/// binding needs this stand-in because diesel's blanket `AsExpression` impl leaves no room
/// for one on a foreign type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = UuidText)]
pub struct Id(pub Uuid);

impl<DB: Backend> ToSql<UuidText, DB> for Id
where
    Uuid: ToSql<UuidText, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB: Backend> FromSql<UuidText, DB> for Id
where
    Uuid: FromSql<UuidText, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Uuid::from_sql(bytes).map(Id)
    }
}

fn code_from_text<T>(text: &str, parse: fn(&str) -> Option<T>, kind: &str) -> deserialize::Result<T> {
    parse(text).ok_or_else(|| format!("a stored {kind} is not a known code").into())
}

/// A domain enum stored as its code in a `Text` column: it implements `as_str` and
/// `parse` (the codes the API uses too), and this writes diesel's traits from them. The
/// derives run on a stand-in struct (`foreign_derive`, as diesel does for its own
/// primitive types) so that `domain` needs no diesel attribute.
macro_rules! stored_as_code {
    ($($ty:ident),* $(,)?) => {$(
        const _: () = {
            #[derive(AsExpression, FromSqlRow)]
            #[diesel(foreign_derive, sql_type = Text)]
            #[allow(dead_code)]
            struct StandIn($ty);
        };

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                out.write_all(self.as_str().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                code_from_text(&<String as FromSql<Text, Pg>>::from_sql(bytes)?, $ty::parse, stringify!($ty))
            }
        }

        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                code_from_text(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?, $ty::parse, stringify!($ty))
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$ty, Text>()
            }
        }
    )*};
}
stored_as_code!(Status, Priority, TransferState, Role, SessionStage, Scheme, Level, ObjectType, AuthorityKind, Matter);

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{Nullable, Text};

    use super::*;
    use crate::db::DbConnection;

    fn sqlite() -> DbConnection {
        DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"))
    }

    #[derive(QueryableByName)]
    struct Stored {
        #[diesel(sql_type = UuidText)]
        id: Uuid,
        #[diesel(sql_type = Nullable<UuidText>)]
        other: Option<Uuid>,
        #[diesel(sql_type = Text)]
        status: Status,
    }

    #[derive(QueryableByName)]
    struct AsText {
        #[diesel(sql_type = Text)]
        text: String,
    }

    #[test]
    fn a_uuid_and_a_status_go_in_as_text_and_come_back_typed() {
        let mut conn = sqlite();
        let id = Uuid::now_v7();
        let back: Stored = diesel::sql_query("SELECT $1 AS id, $2 AS other, $3 AS status")
            .bind::<UuidText, _>(id)
            .bind::<Nullable<UuidText>, _>(None::<Uuid>)
            .bind::<Text, _>(Status::Investigating)
            .get_result(&mut conn)
            .expect("a row");
        assert_eq!((back.id, back.other, back.status), (id, None, Status::Investigating));
        let text = diesel::sql_query("SELECT CAST($1 AS TEXT) AS text")
            .bind::<UuidText, _>(id)
            .get_result::<AsText>(&mut conn)
            .expect("the stored text")
            .text;
        assert_eq!(text, id.hyphenated().to_string());
    }

    #[test]
    fn a_stored_code_that_is_not_known_is_an_error_not_a_panic() {
        let mut conn = sqlite();
        let read = diesel::sql_query("SELECT 'lost' AS id, NULL AS other, 'pending' AS status")
            .get_result::<Stored>(&mut conn);
        assert!(matches!(read, Err(diesel::result::Error::DeserializationError(_))), "{:?}", read.err());
        let sql = format!("SELECT '{}' AS id, NULL AS other, 'pending' AS status", Uuid::now_v7());
        let read = diesel::sql_query(sql).get_result::<Stored>(&mut conn);
        assert!(matches!(read, Err(diesel::result::Error::DeserializationError(_))), "{:?}", read.err());
    }
}
