//! Transfers of a case between authorities: proposed, decided, listed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::Id;
use super::schema::{case_transfers, cases};
use super::work_list::Jurisdiction;
use crate::domain::case::TransferState;

/// A proposed, accepted or declined transfer.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_transfers)]
pub struct TransferRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub from_authority_id: Uuid,
    pub to_authority_id: Uuid,
    pub reason: String,
    pub state: TransferState,
    pub proposed_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// A new transfer.
pub struct NewTransfer<'a> {
    pub case_id: Uuid,
    pub from: Uuid,
    pub to: Uuid,
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
            case_transfers::id.eq(Id(id)),
            case_transfers::case_id.eq(Id(new.case_id)),
            case_transfers::from_authority_id.eq(Id(new.from)),
            case_transfers::to_authority_id.eq(Id(new.to)),
            case_transfers::reason.eq(new.reason),
            case_transfers::state.eq(new.decided.map_or(TransferState::Proposed, |d| d.0)),
            case_transfers::proposed_by.eq(Id(new.proposed_by)),
            case_transfers::decided_by.eq(new.decided.map(|d| Id(d.1))),
            case_transfers::created_at.eq(at),
            case_transfers::decided_at.eq(new.decided.map(|_| at)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Settles a proposed transfer.
pub fn decide_transfer(
    conn: &mut DbConnection,
    id: Uuid,
    state: TransferState,
    decided_by: Uuid,
    note: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let updated =
        diesel::update(case_transfers::table.find(Id(id)).filter(case_transfers::state.eq(TransferState::Proposed)))
            .set((
                case_transfers::state.eq(state),
                case_transfers::decided_by.eq(Some(Id(decided_by))),
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
pub fn transfers_of(conn: &mut DbConnection, case_id: Uuid) -> Result<Vec<TransferRow>, DbError> {
    Ok(case_transfers::table
        .select(TransferRow::as_select())
        .filter(case_transfers::case_id.eq(Id(case_id)))
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
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<TransferRow>, DbError> {
    let mut query = case_transfers::table
        .inner_join(cases::table.on(cases::id.eq(case_transfers::case_id)))
        .select(TransferRow::as_select())
        .into_boxed();
    query = match (scope, incoming_only) {
        (Jurisdiction::Authority(id), Some(true)) => query.filter(case_transfers::to_authority_id.eq(Id(*id))),
        (Jurisdiction::Authority(id), Some(false)) => query.filter(case_transfers::from_authority_id.eq(Id(*id))),
        (Jurisdiction::Authority(id), None) => {
            query.filter(case_transfers::to_authority_id.eq(Id(*id)).or(case_transfers::from_authority_id.eq(Id(*id))))
        }
        (Jurisdiction::Province { scheme, code }, _) => {
            query.filter(cases::unit_scheme.eq(*scheme)).filter(cases::province_code.eq(*code))
        }
        (Jurisdiction::Everywhere, _) => query,
    };
    if let Some(state) = state {
        query = query.filter(case_transfers::state.eq(state));
    }
    if let Some(before) = before {
        query = query.filter(case_transfers::id.lt(Id(before)));
    }
    Ok(query.order(case_transfers::id.desc()).limit(limit).load(conn)?)
}
