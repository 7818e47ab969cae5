//! How the audit trail's actors are shown: a citizen's account never appears as the
//! actor of an event (issue 14, point 2). A citizen acts only on their own tips, so the
//! account as actor would let staff link one person's tips, and an admin turn the
//! account into a phone number, past the audited reveal. New events already say
//! `anonymous`; events written before say `user:<id>` and cannot be rewritten (the chain
//! covers the actor), so every answer shows them as `anonymous`, flagged `actor_masked`:
//! a client recomputing their hash needs the server's `verify` instead.

use std::collections::HashSet;

use uuid::Uuid;

use crate::db::{DbConnection, users};
use crate::domain::audit::Stored;
use crate::error::ServiceError;
use crate::services::dto::cases::EventView;

/// The account an actor names, if it names one.
fn account_of(actor: &str) -> Option<Uuid> {
    actor.strip_prefix("user:").and_then(|id| Uuid::try_parse(id).ok())
}

/// The events as answers show them: a citizen's account is shown as the actor only of
/// events about that account itself.
pub fn shown(conn: &mut DbConnection, events: Vec<Stored>) -> Result<Vec<EventView>, ServiceError> {
    let mut accounts: Vec<Uuid> = events.iter().filter_map(|e| account_of(&e.event.actor)).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let citizens: HashSet<Uuid> = users::citizens_among(conn, &accounts)?.into_iter().collect();
    Ok(events
        .into_iter()
        .map(|stored| {
            // An event about the account itself (a password change) links nothing.
            let own_account = stored.event.object_type == "account"
                && Some(stored.event.object_id.as_str())
                    == account_of(&stored.event.actor).map(|id| id.to_string()).as_deref();
            let masked = !own_account && account_of(&stored.event.actor).is_some_and(|id| citizens.contains(&id));
            let mut view = EventView::from(stored);
            if masked {
                view.actor = "anonymous".to_owned();
                view.actor_masked = true;
            }
            view
        })
        .collect())
}

/// Whether a filter by this actor must find nothing: it names a citizen, whose events
/// are shown as anonymous (a filter must not link what the answers do not). A citizen's
/// own account events are found by their object instead.
pub fn is_hidden_actor(conn: &mut DbConnection, actor: &str) -> Result<bool, ServiceError> {
    let Some(id) = account_of(actor) else { return Ok(false) };
    Ok(!users::citizens_among(conn, &[id])?.is_empty())
}
