//! Loading a case for a caller: only a case the caller may see (else "not found", so that
//! its existence is not revealed), locked when it is to change, and checked against the
//! version the caller last read (`If-Match`).

use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::auth::policy::{CaseAccess, CaseOp, case_access, case_permission};
use crate::db::DbConnection;
use crate::db::cases::{self, CaseRow};
use crate::db::transfers;
use crate::domain::admin_unit::{Level, UnitRef};
use crate::domain::case::{Status, TransferState, if_match_holds};
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;

pub(crate) fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("case-loading-there-is-no-case-with-this"))
}

/// A case the caller may see, with what they may do to it.
pub struct Visible {
    pub row: CaseRow,
    pub id: Uuid,
    pub authority_id: Uuid,
    pub status: Status,
    pub access: CaseAccess,
    /// Its transfers, oldest first.
    pub transfers: Vec<transfers::TransferRow>,
}

/// The province a case lies in.
pub(crate) fn province_of(row: &CaseRow) -> Option<UnitRef> {
    Some(UnitRef { scheme: row.unit_scheme?, level: Level::Province, code: row.province_code? })
}

/// Loads a case the caller may see (locked for a change when `lock`); anything else is 404.
pub fn load(conn: &mut DbConnection, caller: &Caller, id: Uuid, lock: bool) -> Result<Visible, ServiceError> {
    let row = if lock { cases::lock(conn, id)? } else { cases::find(conn, id)? }.ok_or_else(not_found)?;
    let transfers = transfers::transfers_of(conn, row.id)?;
    let pending = transfers.iter().find(|t| t.state == TransferState::Proposed).map(|t| t.to_authority_id);
    let access = case_access(caller, row.authority_id, province_of(&row), pending).ok_or_else(not_found)?;
    Ok(Visible { id, authority_id: row.authority_id, status: row.status, access, transfers, row })
}

/// Reads a case again after a change, keeping the access the caller had before it (a
/// receiver who declined a transfer sees the case one last time in the answer).
pub(crate) fn reload(conn: &mut DbConnection, before: Visible) -> Result<Visible, ServiceError> {
    let row = cases::find(conn, before.id)?.ok_or_else(not_found)?;
    let transfers = transfers::transfers_of(conn, row.id)?;
    Ok(Visible { authority_id: row.authority_id, status: row.status, transfers, row, ..before })
}

/// Loads a case for a change: the caller must work it, and `If-Match` must name its version.
pub(crate) fn load_for_change(
    conn: &mut DbConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<&str>,
) -> Result<Visible, ServiceError> {
    let case = load(conn, caller, id, true)?;
    if case_permission(caller, case.access, case.authority_id, CaseOp::Change).is_err() {
        return Err(ServiceError::forbidden(Msg::of("case-loading-you-may-read-this-case-but"))
            .with_allowed_actions(Vec::new()));
    }
    check_version(&case.row, if_match)?;
    Ok(case)
}

/// 428 without `If-Match`, 412 when it names another version.
pub fn check_version(row: &CaseRow, if_match: Option<&str>) -> Result<(), ServiceError> {
    let Some(if_match) = if_match else {
        return Err(ServiceError::new(
            ErrorKind::VersionRequired,
            "if_match_required",
            Msg::of("case-loading-send-if-match-with-the-etag"),
        ));
    };
    if !if_match_holds(if_match, row.version) {
        return Err(ServiceError::new(
            ErrorKind::StaleVersion,
            "case_changed",
            Msg::of("case-loading-someone-changed-this-case-after-you"),
        ));
    }
    Ok(())
}

/// 409 unless the case is still being worked.
pub(crate) fn require_open(case: &Visible) -> Result<(), ServiceError> {
    if case.status.is_open() {
        return Ok(());
    }
    Err(ServiceError::conflict("case_not_open", Msg::of("case-loading-only-a-case-still-being-worked")))
}

/// 403 unless the caller may add notes and messages to the case.
pub(crate) fn require_work(caller: &Caller, case: &Visible) -> Result<(), ServiceError> {
    if case_permission(caller, case.access, case.authority_id, CaseOp::AddTo).is_ok() {
        Ok(())
    } else {
        Err(ServiceError::forbidden(Msg::of("case-loading-you-may-read-this-case-but-2")))
    }
}
