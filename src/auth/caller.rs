//! Who is calling: an account or an integrator client, in one session. The faces find the
//! caller (the JSON API from its bearer token, in `routes::caller`) through
//! `services::sessions::caller_of_token`.

use uuid::Uuid;

use crate::domain::account::{Account, SessionStage};
use crate::domain::client::Client;
use crate::error::ServiceError;
use crate::i18n::Msg;

/// An authenticated caller: an account or an integrator client, in one session.
#[derive(Debug, Clone)]
pub struct Caller {
    pub session_id: Uuid,
    pub stage: SessionStage,
    pub principal: Principal,
}

/// The account or client behind a session.
#[derive(Debug, Clone)]
pub enum Principal {
    User(Account),
    Client(Client),
}

impl Caller {
    /// Who this caller is in the audit trail, in the request `request_id`.
    pub fn origin(&self, request_id: Option<String>) -> crate::domain::audit::Origin {
        use crate::domain::audit::Origin;
        match &self.principal {
            Principal::User(account) => Origin::user(account.id, request_id),
            Principal::Client(client) => Origin::client(client.id, request_id),
        }
    }

    /// The account, when a person calls.
    pub fn account(&self) -> Option<&Account> {
        match &self.principal {
            Principal::User(account) => Some(account),
            Principal::Client(_) => None,
        }
    }
}

/// The 401 for every token problem: one answer, so that forgeries learn nothing.
pub fn invalid_token() -> ServiceError {
    ServiceError::unauthenticated("invalid_token", Msg::of("caller-sign-in-again-the-access-token"))
}
