//! Integrator clients in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::clients;
use crate::domain::client::{Client, ClientScope, join_scopes, split_scopes};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
struct ClientRow {
    id: Id,
    name: String,
    secret_hash: String,
    scopes: String,
    authority_id: Option<Id>,
    revoked: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ClientRow {
    fn into_domain(self) -> (Client, String) {
        let client = Client {
            id: self.id.0,
            name: self.name,
            scopes: split_scopes(&self.scopes),
            authority_id: self.authority_id.map(|id| id.0),
            revoked: self.revoked,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        (client, self.secret_hash)
    }
}

/// Registers a client whose secret has digest `secret_hash`.
pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    scopes: &[ClientScope],
    authority_id: Option<Uuid>,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<Client, DbError> {
    let row = ClientRow {
        id: Id(Uuid::now_v7()),
        name: name.to_owned(),
        secret_hash: secret_hash.to_owned(),
        scopes: join_scopes(scopes),
        authority_id: authority_id.map(Id),
        revoked: false,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(clients::table).values(&row).execute(conn)?;
    Ok(row.into_domain().0)
}

/// One client with its secret's digest.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<(Client, String)>, DbError> {
    Ok(clients::table
        .select(ClientRow::as_select())
        .filter(clients::id.eq(Id(id)))
        .first::<ClientRow>(conn)
        .optional()?
        .map(ClientRow::into_domain))
}

/// Clients by id (that is, by registration time), after `after`.
pub fn list(conn: &mut DbConnection, after: Option<Uuid>, limit: i64) -> Result<Vec<Client>, DbError> {
    let mut query = clients::table.select(ClientRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(clients::id.gt(Id(after)));
    }
    Ok(query
        .order(clients::id)
        .limit(limit)
        .load::<ClientRow>(conn)?
        .into_iter()
        .map(|row| row.into_domain().0)
        .collect())
}

/// Marks a client revoked.
pub fn revoke(conn: &mut DbConnection, id: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(clients::table.find(Id(id)))
        .set((clients::revoked.eq(true), clients::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}
