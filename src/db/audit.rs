//! The audit trail in the database: appending events to an object's chain, and reading
//! them back for staff, auditors and `verify`. The database refuses UPDATE and DELETE on
//! `audit_events` (triggers in migration 000004).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::DbError;
use super::schema::audit_events;
use crate::domain::audit::Filter;
use crate::domain::audit::{Event, ObjectType, Origin, Stored};

type Row = (i64, String, String, i64, NaiveDateTime, String, String, String, Option<String>, Option<String>, String);

macro_rules! columns {
    () => {
        (
            audit_events::seq,
            audit_events::object_type,
            audit_events::object_id,
            audit_events::position,
            audit_events::at,
            audit_events::actor,
            audit_events::action,
            audit_events::summary,
            audit_events::request_id,
            audit_events::prev_hash,
            audit_events::hash,
        )
    };
}

fn stored(row: Row) -> Stored {
    let (seq, object_type, object_id, position, at, actor, action, summary, request_id, prev_hash, hash) = row;
    Stored {
        seq,
        event: Event { object_type, object_id, position, at, actor, action, summary, request_id, prev_hash },
        hash,
    }
}

/// The event that opens an object's chain (position 1), ready to insert.
pub fn first_event(
    object: ObjectType,
    id: &str,
    origin: &Origin,
    action: &str,
    summary: String,
    at: NaiveDateTime,
) -> Event {
    Event {
        object_type: object.as_str().to_owned(),
        object_id: id.to_owned(),
        position: 1,
        at,
        actor: origin.actor.clone(),
        action: action.to_owned(),
        summary,
        request_id: origin.request_id.clone(),
        prev_hash: None,
    }
}

/// Inserts a prepared event with its hash.
pub fn insert(conn: &mut DbConnection, event: &Event) -> Result<(), DbError> {
    let hash = event.hash();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::object_type.eq(&event.object_type),
            audit_events::object_id.eq(&event.object_id),
            audit_events::position.eq(event.position),
            audit_events::at.eq(event.at),
            audit_events::actor.eq(&event.actor),
            audit_events::action.eq(&event.action),
            audit_events::summary.eq(&event.summary),
            audit_events::request_id.eq(&event.request_id),
            audit_events::prev_hash.eq(&event.prev_hash),
            audit_events::hash.eq(&hash),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends an event to an object's chain. Call it in the transaction that changes the
/// object, after the object's row is locked (or written): that serializes the chain, and
/// the unique (object, position) index refuses a fork if anything slips through. The id
/// is the object's id as text (a UUID for most objects).
pub fn append(
    conn: &mut DbConnection,
    object: ObjectType,
    id: impl std::fmt::Display,
    origin: &Origin,
    action: &str,
    summary: serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let id = id.to_string();
    let head: Option<(i64, String)> = audit_events::table
        .select((audit_events::position, audit_events::hash))
        .filter(audit_events::object_type.eq(object))
        .filter(audit_events::object_id.eq(&id))
        .order(audit_events::position.desc())
        .first(conn)
        .optional()?;
    let mut event = first_event(object, &id, origin, action, summary.to_string(), at);
    if let Some((position, hash)) = head {
        event.position = position + 1;
        event.prev_hash = Some(hash);
    }
    insert(conn, &event)
}

/// One object's events, oldest first.
pub fn for_object(
    conn: &mut DbConnection,
    object: ObjectType,
    id: impl std::fmt::Display,
) -> Result<Vec<Stored>, DbError> {
    Ok(audit_events::table
        .select(columns!())
        .filter(audit_events::object_type.eq(object))
        .filter(audit_events::object_id.eq(id.to_string()))
        .order(audit_events::position)
        .load::<Row>(conn)?
        .into_iter()
        .map(stored)
        .collect())
}

/// One object's newest `limit` events, oldest first: what a case's page embeds (the whole
/// chain is `GET /api/v1/audit?object_id=…`, paged).
pub fn latest_for_object(
    conn: &mut DbConnection,
    object: ObjectType,
    id: impl std::fmt::Display,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let mut newest: Vec<Stored> = audit_events::table
        .select(columns!())
        .filter(audit_events::object_type.eq(object))
        .filter(audit_events::object_id.eq(id.to_string()))
        .order(audit_events::position.desc())
        .limit(limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(stored)
        .collect();
    newest.reverse();
    Ok(newest)
}

/// Events in sequence order after `after_seq`, filtered.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let mut query = audit_events::table.select(columns!()).into_boxed();
    if let Some(t) = filter.object_type {
        query = query.filter(audit_events::object_type.eq(t.as_str()));
    }
    if let Some(id) = &filter.object_id {
        query = query.filter(audit_events::object_id.eq(id.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::at.lt(to));
    }
    query = match (after_seq, filter.newest_first) {
        (Some(after), false) => query.filter(audit_events::seq.gt(after)).order(audit_events::seq),
        (Some(after), true) => query.filter(audit_events::seq.lt(after)).order(audit_events::seq.desc()),
        (None, false) => query.order(audit_events::seq),
        (None, true) => query.order(audit_events::seq.desc()),
    };
    Ok(query.limit(limit).load::<Row>(conn)?.into_iter().map(stored).collect())
}

/// A batch of the whole trail in chain order (object, then position), after `after`.
pub fn scan(
    conn: &mut DbConnection,
    after: Option<&(String, String, i64)>,
    limit: i64,
) -> Result<Vec<Stored>, DbError> {
    let mut query = audit_events::table.select(columns!()).into_boxed();
    if let Some((object_type, object_id, position)) = after {
        query = query.filter(
            audit_events::object_type
                .gt(object_type.clone())
                .or(audit_events::object_type
                    .eq(object_type.clone())
                    .and(audit_events::object_id.gt(object_id.clone())))
                .or(audit_events::object_type
                    .eq(object_type.clone())
                    .and(audit_events::object_id.eq(object_id.clone()))
                    .and(audit_events::position.gt(*position))),
        );
    }
    Ok(query
        .order((audit_events::object_type, audit_events::object_id, audit_events::position))
        .limit(limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(stored)
        .collect())
}

/// The newest sequence number, once every transaction that is appending has finished:
/// on PostgreSQL a SHARE lock waits for them and holds back new ones for the instant of
/// the read, so no event below the answer can commit later. (SQLite has one writer.)
pub fn settled_head(conn: &mut DbConnection) -> Result<i64, DbError> {
    if let DbConnection::Postgres(_) = conn {
        diesel::sql_query("LOCK TABLE audit_events IN SHARE MODE").execute(conn)?;
    }
    let max: Option<i64> = audit_events::table.select(diesel::dsl::max(audit_events::seq)).first(conn)?;
    Ok(max.unwrap_or(0))
}
