//! Transfers of a case between authorities: proposed, decided, listed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::schema::{case_transfers, cases};
use super::work_list::Jurisdiction;
use crate::domain::case::TransferState;

/// A proposed, accepted or declined transfer.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_transfers)]
pub struct TransferRow {
    pub id: String,
    pub case_id: String,
    pub from_authority_id: String,
    pub to_authority_id: String,
    pub reason: String,
    /// Read it through [`TransferRow::state`].
    pub state: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

impl TransferRow {
    /// Where the transfer stands.
    pub fn state(&self) -> Result<TransferState, DbError> {
        TransferState::parse(&self.state).ok_or_else(|| DbError::broken("a stored transfer state is not valid"))
    }
}

/// A new transfer.
pub struct NewTransfer<'a> {
    pub case_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub reason: &'a str,
    pub proposed_by: Uuid,
    /// Set when a supervisor decides at once.
    pub decided: Option<(TransferState, Uuid)>,
}

/// Records a transfer; returns its id.
pub fn insert_transfer(conn: &mut DbConnection, new: &NewTransfer<'_>, at: NaiveDateTime) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    diesel::insert_into(case_transfers::table)
        .values((
            case_transfers::id.eq(id.to_string()),
            case_transfers::case_id.eq(new.case_id),
            case_transfers::from_authority_id.eq(new.from),
            case_transfers::to_authority_id.eq(new.to),
            case_transfers::reason.eq(new.reason),
            case_transfers::state.eq(new.decided.map_or(TransferState::Proposed, |d| d.0).as_str()),
            case_transfers::proposed_by.eq(new.proposed_by.to_string()),
            case_transfers::decided_by.eq(new.decided.map(|d| d.1.to_string())),
            case_transfers::created_at.eq(at),
            case_transfers::decided_at.eq(new.decided.map(|_| at)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Settles a proposed transfer.
pub fn decide_transfer(
    conn: &mut DbConnection,
    id: &str,
    state: TransferState,
    decided_by: Uuid,
    note: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let updated = diesel::update(
        case_transfers::table.find(id).filter(case_transfers::state.eq(TransferState::Proposed.as_str())),
    )
    .set((
        case_transfers::state.eq(state.as_str()),
        case_transfers::decided_by.eq(decided_by.to_string()),
        case_transfers::decision_note.eq(note),
        case_transfers::decided_at.eq(at),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(DbError::broken("a proposed transfer changed under its case's lock"));
    }
    Ok(())
}

/// The transfers of a case, oldest first.
pub fn transfers_of(conn: &mut DbConnection, case_id: &str) -> Result<Vec<TransferRow>, DbError> {
    Ok(case_transfers::table
        .select(TransferRow::as_select())
        .filter(case_transfers::case_id.eq(case_id))
        .order(case_transfers::id)
        .load(conn)?)
}

/// Transfers in `state` (any when `None`), newest first, after `before` (an id): to or
/// from an authority (`incoming_only` picks a direction), or of the cases in a province.
pub fn list_transfers(
    conn: &mut DbConnection,
    scope: &Jurisdiction,
    incoming_only: Option<bool>,
    state: Option<TransferState>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<TransferRow>, DbError> {
    let mut query = case_transfers::table
        .inner_join(cases::table.on(cases::id.eq(case_transfers::case_id)))
        .select(TransferRow::as_select())
        .into_boxed();
    query = match (scope, incoming_only) {
        (Jurisdiction::Authority(id), Some(true)) => query.filter(case_transfers::to_authority_id.eq(id.clone())),
        (Jurisdiction::Authority(id), Some(false)) => query.filter(case_transfers::from_authority_id.eq(id.clone())),
        (Jurisdiction::Authority(id), None) => query.filter(
            case_transfers::to_authority_id.eq(id.clone()).or(case_transfers::from_authority_id.eq(id.clone())),
        ),
        (Jurisdiction::Province { scheme, code }, _) => {
            query.filter(cases::unit_scheme.eq(scheme.clone())).filter(cases::province_code.eq(*code))
        }
        (Jurisdiction::Everywhere, _) => query,
    };
    if let Some(state) = state {
        query = query.filter(case_transfers::state.eq(state.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(case_transfers::id.lt(before.to_owned()));
    }
    Ok(query.order(case_transfers::id.desc()).limit(limit).load(conn)?)
}
