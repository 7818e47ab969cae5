//! The columns that hold sealed values, for the keyring's bookkeeping: how many values
//! each key seals (`tinbao keys status`), and re-sealing in batches (`tinbao keys rotate`).
//! A sealed value is bound to its column's name and its row's key (see
//! `auth::keyring::Place`); a column added here is re-sealed and counted with the others.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{DbConnection, DbError};

/// A column of sealed values, and the key of its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    /// `table.column`: what a value is bound to, with its row's key.
    pub name: &'static str,
    table: &'static str,
    column: &'static str,
    row_key: &'static str,
}

pub const REPORTER_NAME: SealedColumn = SealedColumn {
    name: "reporter_contacts.name_sealed",
    table: "reporter_contacts",
    column: "name_sealed",
    row_key: "report_id",
};
pub const REPORTER_PHONE: SealedColumn = SealedColumn {
    name: "reporter_contacts.phone_sealed",
    table: "reporter_contacts",
    column: "phone_sealed",
    row_key: "report_id",
};
pub const REPORTER_ACTING_AS: SealedColumn = SealedColumn {
    name: "reporter_contacts.acting_as_sealed",
    table: "reporter_contacts",
    column: "acting_as_sealed",
    row_key: "report_id",
};
pub const TOTP_SECRET: SealedColumn =
    SealedColumn { name: "users.totp_secret", table: "users", column: "totp_secret", row_key: "id" };
pub const CITIZEN_LOGIN: SealedColumn =
    SealedColumn { name: "users.login_sealed", table: "users", column: "login_sealed", row_key: "id" };
pub const OUTBOX_PAYLOAD: SealedColumn =
    SealedColumn { name: "outbox.payload_sealed", table: "outbox", column: "payload_sealed", row_key: "id" };
pub const IDEMPOTENT_ANSWER: SealedColumn = SealedColumn {
    name: "idempotency_keys.response_sealed",
    table: "idempotency_keys",
    column: "response_sealed",
    row_key: "key_hash",
};

/// Every column of sealed values.
pub const ALL: [SealedColumn; 7] =
    [REPORTER_NAME, REPORTER_PHONE, REPORTER_ACTING_AS, TOTP_SECRET, CITIZEN_LOGIN, IDEMPOTENT_ANSWER, OUTBOX_PAYLOAD];

/// How many values of a column begin with one prefix (a key id and the format's mark).
#[derive(Debug, Clone, QueryableByName)]
pub struct PrefixCount {
    #[diesel(sql_type = Text)]
    pub prefix: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// A sealed value and the key of its row.
#[derive(Debug, Clone, QueryableByName)]
pub struct SealedValue {
    #[diesel(sql_type = Text)]
    pub row_key: String,
    #[diesel(sql_type = Text)]
    pub sealed: String,
}

/// The length of a key id and its format's mark at the start of a sealed value.
const PREFIX_LEN: usize = 9;

// The SQL below is built from the constants above only, never from input.

/// The values of a column counted by their first nine characters (key id and format).
pub fn count_by_prefix(conn: &mut DbConnection, column: SealedColumn) -> Result<Vec<PrefixCount>, DbError> {
    let SealedColumn { table, column, .. } = column;
    let sql = format!(
        "SELECT substr({column}, 1, {PREFIX_LEN}) AS prefix, COUNT(*) AS count FROM {table} \
         WHERE {column} IS NOT NULL GROUP BY substr({column}, 1, {PREFIX_LEN}) ORDER BY 1"
    );
    Ok(diesel::sql_query(sql).load(conn)?)
}

/// Up to `limit` values of a column, in the order of their rows' keys after `after`, that
/// do not begin with `current` (the sealing key's id and the bound format's mark): what
/// re-sealing has left to do.
pub fn not_sealed_with(
    conn: &mut DbConnection,
    column: SealedColumn,
    current: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<SealedValue>, DbError> {
    let SealedColumn { table, column, row_key, .. } = column;
    let sql = format!(
        "SELECT {row_key} AS row_key, {column} AS sealed FROM {table} \
         WHERE {row_key} > $1 AND {column} IS NOT NULL AND substr({column}, 1, {PREFIX_LEN}) <> $2 \
         ORDER BY {row_key} LIMIT $3"
    );
    Ok(diesel::sql_query(sql).bind::<Text, _>(after).bind::<Text, _>(current).bind::<BigInt, _>(limit).load(conn)?)
}

/// Replaces one sealed value, unless it changed since it was read (another instance
/// rewrote it: that value is then re-sealed in a later batch). Returns whether it did.
pub fn replace(
    conn: &mut DbConnection,
    column: SealedColumn,
    row_key: &str,
    old: &str,
    new: &str,
) -> Result<bool, DbError> {
    let SealedColumn { table, column, row_key: key_column, .. } = column;
    let sql = format!("UPDATE {table} SET {column} = $1 WHERE {key_column} = $2 AND {column} = $3");
    let changed =
        diesel::sql_query(sql).bind::<Text, _>(new).bind::<Text, _>(row_key).bind::<Text, _>(old).execute(conn)?;
    Ok(changed == 1)
}
