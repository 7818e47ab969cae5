//! Messages between staff and a tip's reporter: written, paged (newest first, by id: ids
//! are UUIDv7s of the moment a message was written), and counted for the bounds of a
//! conversation (`domain::conversation`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{report_messages, reports};

/// A message on a tip.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The newest messages of a tip (at most `limit`, before the message `before` when
/// given), newest first. Ids are UUIDv7s of the moment a message was written, so the
/// id's order is the time's.
pub fn messages_page(
    conn: &mut DbConnection,
    report_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Message>, DbError> {
    let mut query = report_messages::table
        .select((report_messages::id, report_messages::author, report_messages::body, report_messages::created_at))
        .filter(report_messages::report_id.eq(Id(report_id)))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(report_messages::id.lt(Id(before)));
    }
    let rows: Vec<(Uuid, String, String, NaiveDateTime)> =
        query.order(report_messages::id.desc()).limit(limit).load(conn)?;
    Ok(rows.into_iter().map(|(id, author, body, created_at)| Message { id, author, body, created_at }).collect())
}

/// The newest messages of all of a case's tips (at most `limit`, before the message
/// `before`), newest first, each with its tip's id.
pub fn case_messages_page(
    conn: &mut DbConnection,
    case_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<(Uuid, Message)>, DbError> {
    let mut query = report_messages::table
        .inner_join(reports::table.on(reports::id.eq(report_messages::report_id)))
        .select((
            report_messages::report_id,
            report_messages::id,
            report_messages::author,
            report_messages::body,
            report_messages::created_at,
        ))
        .filter(reports::case_id.eq(Id(case_id)))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(report_messages::id.lt(Id(before)));
    }
    let rows: Vec<(Uuid, Uuid, String, String, NaiveDateTime)> =
        query.order(report_messages::id.desc()).limit(limit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(report_id, id, author, body, created_at)| (report_id, Message { id, author, body, created_at }))
        .collect())
}

/// The newest `limit` messages of a tip, oldest first: what an answer embeds.
pub fn latest_messages(conn: &mut DbConnection, report_id: Uuid, limit: i64) -> Result<Vec<Message>, DbError> {
    let mut newest = messages_page(conn, report_id, None, limit)?;
    newest.reverse();
    Ok(newest)
}

/// How many messages a tip holds, and when the reporter wrote those of theirs written
/// since `since` (oldest first): what bounds a conversation.
pub fn conversation_size(
    conn: &mut DbConnection,
    report_id: Uuid,
    since: NaiveDateTime,
) -> Result<(i64, Vec<NaiveDateTime>), DbError> {
    let total: i64 =
        report_messages::table.filter(report_messages::report_id.eq(Id(report_id))).count().get_result(conn)?;
    let recent: Vec<NaiveDateTime> = report_messages::table
        .select(report_messages::created_at)
        .filter(report_messages::report_id.eq(Id(report_id)))
        .filter(report_messages::author.eq("reporter"))
        .filter(report_messages::created_at.ge(since))
        .order(report_messages::created_at)
        .load(conn)?;
    Ok((total, recent))
}

/// Adds a message.
pub fn add_message(
    conn: &mut DbConnection,
    report_id: Uuid,
    author: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<Message, DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(report_messages::table)
        .values((
            report_messages::id.eq(Id(id)),
            report_messages::report_id.eq(Id(report_id)),
            report_messages::author.eq(author),
            report_messages::body.eq(body),
            report_messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Message { id, author: author.to_owned(), body: body.to_owned(), created_at: now })
}
