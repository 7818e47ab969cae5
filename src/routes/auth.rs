//! `/api/v1/auth/*`: register, login, refresh, logout, and the client-credentials grant.

use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::body::JsonBody;
use crate::api::validate::check;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::error::ServiceError;
use crate::http::address::client_address;
use crate::http::request_context::request_id;
use crate::i18n::Msg;
use crate::services::dto::accounts::{
    LoginRequest, PasswordResetConfirm, PasswordResetRequest, RefreshRequest, RegisterRequest, VerificationSent,
    VerifyRequest,
};
use crate::services::dto::clients::ClientCredentialsForm;
use crate::services::{registration, sessions};
use crate::state::AppState;

/// Tokens must never be cached by a proxy or a browser.
fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    res
}

/// `POST /api/v1/auth/register`: 202 whether the number is free or taken.
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ServiceError> {
    check(&body.value)?;
    let address = client_address(&req, &state.trusted_proxies);
    registration::register(&state, body.value, address).await?;
    Ok(HttpResponse::Accepted().json(VerificationSent { verification: "sent" }))
}

/// `POST /api/v1/auth/register/verify`.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<VerifyRequest>,
) -> Result<HttpResponse, ServiceError> {
    check(&body.value)?;
    let origin = crate::domain::audit::Origin::anonymous(request_id(&req));
    registration::verify(&state, origin, body.value).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/auth/password-reset`: 202 whether or not the account exists.
pub async fn password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<PasswordResetRequest>,
) -> Result<HttpResponse, ServiceError> {
    check(&body.value)?;
    let address = client_address(&req, &state.trusted_proxies);
    registration::request_password_reset(&state, &body.value.login, address).await?;
    Ok(HttpResponse::Accepted().json(VerificationSent { verification: "sent" }))
}

/// `POST /api/v1/auth/password-reset/confirm`.
pub async fn password_reset_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<PasswordResetConfirm>,
) -> Result<HttpResponse, ServiceError> {
    check(&body.value)?;
    let origin = crate::domain::audit::Origin::anonymous(request_id(&req));
    registration::confirm_password_reset(&state, origin, body.value).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/auth/login`. Read with actix's JSON extractor, not `JsonBody`: a NUL in
/// a login or password is simply a wrong credential (401), and never reaches the
/// database (no valid login holds one; the password is only hashed).
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ServiceError> {
    check(&*body)?;
    let tokens = sessions::login(&state, body.into_inner(), client_address(&req, &state.trusted_proxies)).await?;
    Ok(no_store(HttpResponse::Ok().json(tokens)))
}

/// `POST /api/v1/auth/refresh`.
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ServiceError> {
    check(&*body)?;
    let tokens = sessions::refresh(&state, body.into_inner().refresh_token).await?;
    Ok(no_store(HttpResponse::Ok().json(tokens)))
}

/// `POST /api/v1/auth/logout`.
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ServiceError> {
    authorize(&caller, Action::EndSession)?;
    sessions::logout(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/auth/token`: client id and secret in HTTP Basic or in the form.
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ClientCredentialsForm>,
) -> Result<HttpResponse, ServiceError> {
    let form = form.into_inner();
    if form.grant_type != "client_credentials" {
        return Err(sessions::unsupported_grant());
    }
    let (id, secret) = match basic_credentials(&req) {
        Some(pair) => pair,
        None => match (form.client_id, form.client_secret) {
            (Some(id), Some(secret)) => (id, secret),
            _ => {
                return Err(ServiceError::unauthenticated(
                    "invalid_client",
                    Msg::of("auth-send-client-id-and-client-secret"),
                ));
            }
        },
    };
    let token = sessions::client_token(&state, &id, &secret, client_address(&req, &state.trusted_proxies)).await?;
    Ok(no_store(HttpResponse::Ok().json(token)))
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}
