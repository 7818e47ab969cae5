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

/// The notes of a case, oldest first.
pub fn notes_of(conn: &mut DbConnection, case_id: Uuid) -> Result<Vec<Note>, DbError> {
    let rows: Vec<(Uuid, Uuid, Option<String>, String, NaiveDateTime)> = case_notes::table
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .select((case_notes::id, case_notes::author_id, users::display_name, case_notes::body, case_notes::created_at))
        .filter(case_notes::case_id.eq(Id(case_id)))
        .order(case_notes::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author_id, author_name, body, created_at)| Note { id, author_id, author_name, body, created_at })
        .collect())
}
