//! The choices of the case page's forms: whom the case may be assigned to (the active
//! officers of the authority that holds it) and where it may be transferred (the other
//! authorities of its province; the API takes any authority, see decisions). Read only
//! for a caller who may change the case.

use uuid::Uuid;

use super::case_loading::load;
use crate::auth::caller::Caller;
use crate::auth::policy::{CaseOp, case_permission};
use crate::db::case_choices;
use crate::error::ServiceError;
use crate::state::AppState;

/// The selects' options: ids with their names.
#[derive(Debug, Default)]
pub struct Choices {
    pub officers: Vec<(Uuid, String)>,
    pub authorities: Vec<(Uuid, String)>,
}

/// The choices for case `id`; nothing for a caller who may not change it.
pub async fn for_case(state: &AppState, caller: &Caller, id: Uuid) -> Result<Choices, ServiceError> {
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            if case_permission(&caller, case.access, case.authority_id, CaseOp::Change).is_err() {
                return Ok(Choices::default());
            }
            let officers = case_choices::officers_of(conn, case.authority_id)?;
            let authorities = match (case.row.unit_scheme, case.row.province_code) {
                (Some(scheme), Some(province)) => case_choices::authorities_in_province(conn, scheme, province)?
                    .into_iter()
                    .filter(|(a, _)| *a != case.authority_id)
                    .collect(),
                _ => Vec::new(),
            };
            Ok(Choices { officers, authorities })
        })
        .await
}
