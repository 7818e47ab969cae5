//! Who is calling: the bearer token, checked for signature and claims, then its session
//! in the database (so that revocation takes effect at once).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use uuid::Uuid;

use crate::clock::now;
use crate::db::sessions::{self, Holder};
use crate::domain::account::{Account, SessionStage};
use crate::domain::client::Client;
use crate::error::ApiError;
use crate::i18n::Msg;
use crate::state::AppState;

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
pub fn invalid_token() -> ApiError {
    ApiError::unauthenticated(
        "invalid_token",
        Msg::new(
            "Sign in again: the access token is missing, expired or not valid.",
            "Vui lòng đăng nhập lại: mã truy cập bị thiếu, đã hết hạn hoặc không hợp lệ.",
        ),
    )
}

/// A caller who may be anonymous: no `Authorization` header means `None`; a header with a
/// bad token is still a 401.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_token())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(invalid_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(invalid_token());
    }
    Ok(Some(token.trim().to_owned()))
}

async fn authenticate(req: HttpRequest) -> Result<Option<Caller>, ApiError> {
    let Some(token) = bearer(&req)? else {
        return Ok(None);
    };
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::internal("no state"))?.clone();
    let claims = state.keys.verify(&token).ok_or_else(invalid_token)?;
    let session_id = Uuid::parse_str(&claims.sid).map_err(|_| invalid_token())?;
    let session =
        state.db.run(move |conn| sessions::active(conn, session_id, now())).await?.ok_or_else(invalid_token)?;
    let (principal, holder_id) = match session.holder {
        Holder::User(account) => {
            let id = account.id;
            (Principal::User(account), id)
        }
        Holder::Client(client) => {
            let id = client.id;
            (Principal::Client(client), id)
        }
    };
    if claims.sub != holder_id.to_string() {
        return Err(invalid_token());
    }
    Ok(Some(Caller { session_id: session.id, stage: session.stage, principal }))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(invalid_token) })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeCaller) })
    }
}
