//! Staff notes on a case.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::schema::{case_notes, users};

/// An internal note.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: String,
    pub author_id: String,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Adds a note.
pub fn add_note(
    conn: &mut DbConnection,
    case_id: &str,
    author_id: Uuid,
    body: &str,
    at: NaiveDateTime,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::id.eq(id.to_string()),
            case_notes::case_id.eq(case_id),
            case_notes::author_id.eq(author_id.to_string()),
            case_notes::body.eq(body),
            case_notes::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The notes of a case, oldest first.
pub fn notes_of(conn: &mut DbConnection, case_id: &str) -> Result<Vec<Note>, DbError> {
    let rows: Vec<(String, String, Option<String>, String, NaiveDateTime)> = case_notes::table
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .select((case_notes::id, case_notes::author_id, users::display_name, case_notes::body, case_notes::created_at))
        .filter(case_notes::case_id.eq(case_id))
        .order(case_notes::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author_id, author_name, body, created_at)| Note { id, author_id, author_name, body, created_at })
        .collect())
}
