//! Staff notes on a case.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{case_notes, users};

/// An internal note.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Adds a note.
pub fn add_note(
    conn: &mut DbConnection,
    case_id: Uuid,
    author_id: Uuid,
    body: &str,
    at: NaiveDateTime,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::id.eq(Id(id)),
            case_notes::case_id.eq(Id(case_id)),
            case_notes::author_id.eq(Id(author_id)),
            case_notes::body.eq(body),
            case_notes::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The newest notes of a case (at most `limit`, before the note `before` when given),
/// newest first (ids are UUIDv7s, so their order is the notes' time).
pub fn notes_page(
    conn: &mut DbConnection,
    case_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Note>, DbError> {
    let mut query = case_notes::table
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .select((case_notes::id, case_notes::author_id, users::display_name, case_notes::body, case_notes::created_at))
        .filter(case_notes::case_id.eq(Id(case_id)))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(case_notes::id.lt(Id(before)));
    }
    let rows: Vec<(Uuid, Uuid, Option<String>, String, NaiveDateTime)> =
        query.order(case_notes::id.desc()).limit(limit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author_id, author_name, body, created_at)| Note { id, author_id, author_name, body, created_at })
        .collect())
}

/// The newest `limit` notes of a case, oldest first: what the case's page embeds.
pub fn latest_notes(conn: &mut DbConnection, case_id: Uuid, limit: i64) -> Result<Vec<Note>, DbError> {
    let mut newest = notes_page(conn, case_id, None, limit)?;
    newest.reverse();
    Ok(newest)
}
