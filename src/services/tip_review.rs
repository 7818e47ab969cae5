//! "Check your answers": a tip checked as intake would check it, without filing it, with
//! the names of the places it names, for the pages' review step.

use crate::domain::admin_unit::AdminUnit;
use crate::domain::report::{Contact, Tip, check};
use crate::domain::submission::ReportRequest;
use crate::error::ServiceError;
use crate::services::{intake, places};
use crate::state::AppState;

/// A tip that would be accepted, with its commune and the units above it.
pub struct Reviewed {
    pub tip: Tip,
    pub contact: Contact,
    /// Commune first, province last.
    pub place: Vec<AdminUnit>,
}

/// Checks `request` as intake would. The false-report acknowledgement is not asked yet:
/// the review page asks for it, beside the answers it vouches for.
pub async fn review(state: &AppState, request: &ReportRequest) -> Result<Reviewed, ServiceError> {
    let mut request = request.clone();
    request.acknowledged_false_report_warning = true;
    let (tip, contact) = check(&request, chrono::Utc::now()).map_err(ServiceError::validation)?;
    let commune = tip.commune_unit();
    let place = state.db.run(move |conn| places::named_chain(conn, commune)).await?;
    let place = place.ok_or_else(|| intake::unknown_commune(commune))?;
    Ok(Reviewed { tip, contact, place })
}
