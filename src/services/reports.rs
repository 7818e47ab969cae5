//! Reading one tip: its submitter, and staff whose jurisdiction holds it. Anyone else is
//! told it does not exist.

use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::auth::policy::{TipOwner, tip_visibility};
use crate::db::{admin_units, authorities, reports};
use crate::domain::admin_unit::{Level, UnitRef};
use crate::domain::report::Tip;
use crate::error::ServiceError;
use crate::i18n::Msg;
use crate::services::dto::reports::{AuthorityRef, ReportView};
use crate::state::AppState;

fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("reports-there-is-no-tip-with-this"))
}

/// One tip, if the caller may see it.
pub async fn read(state: &AppState, caller: &Caller, id: Uuid) -> Result<ReportView, ServiceError> {
    let (caller, key) = (caller.clone(), state.index_key.clone());
    state
        .db
        .run(move |conn| {
            let detail = reports::detail(conn, id)?.ok_or_else(not_found)?;
            let commune = UnitRef { scheme: detail.unit_scheme, level: Level::Commune, code: detail.unit_code };
            let authority_id = detail.authority_id;
            let chain = admin_units::self_and_ancestors(conn, commune)?;
            let owner = TipOwner::of(&detail.report);
            let staff = tip_visibility(&key, &caller, owner, detail.submitted_by_client, &chain, authority_id)
                .ok_or_else(not_found)?;
            let authority =
                authorities::find(conn, authority_id)?.ok_or_else(|| ServiceError::internal("case authority"))?;
            let tip: Tip = serde_json::from_str(&detail.content).map_err(ServiceError::internal)?;
            Ok(ReportView {
                id: detail.report.id,
                reference: detail.report.reference,
                status: detail.report.case_status.as_str().to_owned(),
                authority: AuthorityRef { id: authority.id, name: authority.name },
                routing_explanation: staff.then_some(detail.routing_explanation),
                location_flagged: detail.location_flagged,
                reporter_left_contact: detail.has_contact,
                submitted_at: detail.report.created_at.and_utc(),
                tip,
            })
        })
        .await
}
