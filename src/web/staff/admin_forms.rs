//! What the admins' forms share: the object a form's path names, an unknown `action`, and
//! an authority typed by its code as people name it (`2024-D902`).

use actix_web::HttpRequest;
use uuid::Uuid;

use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::authorities;
use crate::state::AppState;

/// The id in the form's path (`/staff/admin/…/{id}`), if it is one.
pub fn path_id(req: &HttpRequest) -> Option<Uuid> {
    req.match_info().get("id").and_then(|id| Uuid::try_parse(id).ok())
}

/// A post whose `action` the form does not offer.
pub fn unknown_action() -> ServiceError {
    ServiceError::validation(vec![FieldError::new("action", "invalid", Msg::of("console-choose-an-action"))])
}

/// The authority whose code was typed in `authority_code`: `None` when blank, a field
/// error naming it when no authority has that code.
pub async fn authority_by_code(state: &AppState, typed: &str) -> Result<Option<Uuid>, ServiceError> {
    let code = typed.trim();
    if code.is_empty() {
        return Ok(None);
    }
    match authorities::find_by_code(&state.db, code).await? {
        Some(found) => Ok(Some(found.id)),
        None => Err(ServiceError::validation(vec![FieldError::new(
            "authority_code",
            "unknown",
            Msg::of("accounts-does-not-exist"),
        )])),
    }
}
