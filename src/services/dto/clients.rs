//! Integrator clients as admins see them, and the client-credentials grant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::domain::client::Client;

/// `POST /api/v1/clients`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateClientRequest {
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    #[validate(length(min = 1, max = 10))]
    pub scopes: Vec<String>,
    pub authority_id: Option<Uuid>,
}

/// A client. Its secret is shown once, when it is created.
#[derive(Debug, Serialize)]
pub struct ClientView {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<&'static str>,
    pub authority_id: Option<Uuid>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        ClientView {
            id: c.id,
            name: c.name,
            scopes: c.scopes.iter().map(|s| s.as_str()).collect(),
            authority_id: c.authority_id,
            revoked: c.revoked,
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.and_utc(),
            client_secret: None,
        }
    }
}

/// `POST /api/v1/auth/token`, form-encoded as OAuth 2.0 (RFC 6749 §4.4) prescribes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsForm {
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
}

/// The client-credentials answer.
#[derive(Debug, Serialize)]
pub struct ClientTokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
}
