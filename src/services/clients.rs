//! Integrator clients, managed by admins. A client's secret is shown once, when it is
//! created; only its digest is kept. Revoking a client ends its tokens at once.

use serde_json::json;
use uuid::Uuid;

use super::take_page;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::clock::now;
use crate::db::{audit, authorities, clients, sessions};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::client::{Client, ClientScope, join_scopes};
use crate::domain::secrets;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::clients::CreateClientRequest;
use crate::services::validation::check;
use crate::state::AppState;

fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("clients-there-is-no-client-with-this"))
}

/// Registers a client; returns it with its secret.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    body: CreateClientRequest,
) -> Result<(Client, String), ServiceError> {
    authorize(caller, Action::ManageClients)?;
    check(&body)?;
    let mut scopes = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in body.scopes.iter().enumerate() {
        match ClientScope::parse(text) {
            Some(scope) if !scopes.contains(&scope) => scopes.push(scope),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("scopes[{index}]"),
                "invalid",
                Msg::of("clients-must-be-reports-submit-cases-read"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::validation(errors));
    }
    scopes.sort();
    let secret = secrets::generate("cs_");
    let digest = secrets::digest(&secret);
    let client = state
        .db
        .transaction(move |conn| {
            if let Some(id) = body.authority_id
                && authorities::find(conn, id)?.is_none()
            {
                return Err(ServiceError::validation(vec![FieldError::new(
                    "authority_id",
                    "unknown",
                    Msg::of("accounts-does-not-exist"),
                )]));
            }
            let now = now();
            let client = clients::insert(conn, body.name.trim(), &scopes, body.authority_id, &digest, now)?;
            // What the client may do, never its secret (nor its digest).
            let summary = json!({
                "name": client.name,
                "scopes": join_scopes(&client.scopes),
                "authority_id": client.authority_id,
            });
            audit::append(conn, ObjectType::Client, client.id, &origin, "client.created", summary, now)?;
            Ok(client)
        })
        .await?;
    Ok((client, secret))
}

/// Lists clients by id.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<Client>, Option<Uuid>), ServiceError> {
    authorize(caller, Action::ManageClients)?;
    state
        .db
        .run(move |conn| {
            let rows = clients::list(conn, after, i64::from(limit) + 1)?;
            Ok(take_page(rows, limit, |c| c.id))
        })
        .await
}

/// One client.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<Client, ServiceError> {
    authorize(caller, Action::ManageClients)?;
    state.db.run(move |conn| Ok(clients::find(conn, id)?)).await?.map(|(c, _)| c).ok_or_else(not_found)
}

/// Revokes a client and ends its tokens.
pub async fn revoke(state: &AppState, caller: &Caller, origin: Origin, id: Uuid) -> Result<(), ServiceError> {
    authorize(caller, Action::ManageClients)?;
    state
        .db
        .transaction(move |conn| {
            clients::find(conn, id)?.ok_or_else(not_found)?;
            let now = now();
            clients::revoke(conn, id, now)?;
            audit::append(conn, ObjectType::Client, id, &origin, "client.revoked", json!({}), now)?;
            Ok(sessions::revoke_all_of_client(conn, id, now)?)
        })
        .await
}
