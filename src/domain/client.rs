//! Integrator clients: systems (provincial portals, police systems) that call the API
//! with OAuth 2.0 client credentials.

use uuid::Uuid;

/// What a client may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientScope {
    /// Submit tips on behalf of their users.
    ReportsSubmit,
    /// Read cases within the client's jurisdiction.
    CasesRead,
    /// Change cases within the client's jurisdiction.
    CasesWrite,
}

impl ClientScope {
    pub const ALL: [ClientScope; 3] = [ClientScope::ReportsSubmit, ClientScope::CasesRead, ClientScope::CasesWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientScope::ReportsSubmit => "reports:submit",
            ClientScope::CasesRead => "cases:read",
            ClientScope::CasesWrite => "cases:write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ClientScope>,
    /// The authority whose jurisdiction limits the client, if any.
    pub authority_id: Option<Uuid>,
    pub revoked: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Scopes as stored: space-separated, as in OAuth.
pub fn join_scopes(scopes: &[ClientScope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

/// Scopes from their stored form; unknown words are dropped.
pub fn split_scopes(text: &str) -> Vec<ClientScope> {
    text.split_whitespace().filter_map(ClientScope::parse).collect()
}
