//! Accounts, sessions and second factors as clients see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use crate::domain::account::{Account, Scope};

/// `POST /api/v1/auth/register`: a citizen account, pending until its number is proven.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// A Vietnamese mobile number (a code is sent to it).
    #[validate(length(min = 1, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
    #[validate(length(min = 1, max = 100))]
    pub display_name: Option<String>,
}

/// `POST /api/v1/auth/register/verify`: the code sent by SMS.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    #[validate(length(min = 1, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 16))]
    pub code: String,
}

/// `POST /api/v1/auth/password-reset`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[validate(length(min = 1, max = 254))]
    pub login: String,
}

/// `POST /api/v1/auth/password-reset/confirm`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    #[validate(length(min = 1, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 16))]
    pub code: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
}

/// The answer to a registration or a reset request, whatever the number: a code (or a
/// notice) is on its way.
#[derive(Debug, Serialize)]
pub struct VerificationSent {
    pub verification: &'static str,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
    #[validate(length(min = 6, max = 6))]
    pub totp_code: Option<String>,
    /// The `device_token` of an earlier sign-in on this device.
    #[validate(length(min = 1, max = 128))]
    pub device_token: Option<String>,
}

/// `POST /api/v1/auth/refresh`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    pub refresh_token: String,
}

/// The answer to a sign-in or a refresh.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Staff who have not enrolled a second factor get tokens good only for enrolment.
    pub mfa_enrollment_required: bool,
    /// After a full sign-in: send it with the next sign-in from this device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 128))]
    pub current_password: String,
    #[validate(length(min = 1, max = 128))]
    pub new_password: String,
}

/// The answer to `POST /api/v1/me/mfa/totp`.
#[derive(Debug, Serialize)]
pub struct TotpEnrollment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://` URI, for a QR code.
    pub otpauth_uri: String,
}

/// `POST /api/v1/me/mfa/totp/confirm`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirmRequest {
    #[validate(length(min = 6, max = 6))]
    pub code: String,
}

/// A unit named by scheme and code (the level follows from where it is used).
#[derive(Debug, Clone, Deserialize, Serialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct UnitCodeInput {
    #[validate(length(min = 4, max = 4))]
    pub scheme: String,
    pub code: i32,
}

/// `POST /api/v1/users` (admins).
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[validate(length(min = 1, max = 254))]
    pub login: String,
    #[validate(length(min = 1, max = 128))]
    pub password: String,
    #[validate(length(min = 1, max = 32))]
    pub role: String,
    #[validate(length(min = 1, max = 100))]
    pub display_name: Option<String>,
    /// A district officer's authority.
    pub authority_id: Option<Uuid>,
    /// A commune official's commune.
    #[validate(nested)]
    pub unit: Option<UnitCodeInput>,
    /// A supervisor's province.
    pub province_code: Option<i32>,
    /// The scheme of `province_code`; 2024 when absent.
    #[validate(length(min = 4, max = 4))]
    pub province_scheme: Option<String>,
}

/// `PATCH /api/v1/users/{id}` (admins): every field optional; a new role needs its scope.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(length(min = 1, max = 100))]
    pub display_name: Option<String>,
    #[validate(length(min = 1, max = 32))]
    pub role: Option<String>,
    pub authority_id: Option<Uuid>,
    #[validate(nested)]
    pub unit: Option<UnitCodeInput>,
    pub province_code: Option<i32>,
    #[validate(length(min = 4, max = 4))]
    pub province_scheme: Option<String>,
    pub disabled: Option<bool>,
}

/// An account, as its owner and admins see it.
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: Uuid,
    /// A citizen's login is shown to the citizen only; admins see `null` (it is stored
    /// as a keyed digest and sealed, `services::logins`).
    pub login: Option<String>,
    pub display_name: Option<String>,
    pub role: &'static str,
    pub authority_id: Option<Uuid>,
    pub unit: Option<UnitView>,
    pub province: Option<UnitView>,
    pub mfa_enabled: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A unit in a scope.
#[derive(Debug, Serialize)]
pub struct UnitView {
    pub scheme: &'static str,
    pub level: &'static str,
    pub code: i32,
}

impl From<Account> for UserView {
    fn from(a: Account) -> Self {
        let unit = |u: crate::domain::admin_unit::UnitRef| UnitView {
            scheme: u.scheme.as_str(),
            level: u.level.as_str(),
            code: u.code,
        };
        UserView {
            id: a.id,
            login: (!a.login.starts_with(crate::services::logins::DIGEST_PREFIX)).then_some(a.login),
            display_name: a.display_name,
            role: a.role.as_str(),
            authority_id: match a.scope {
                Scope::Authority(id) => Some(id),
                _ => None,
            },
            unit: match a.scope {
                Scope::Commune(u) => Some(unit(u)),
                _ => None,
            },
            province: match a.scope {
                Scope::Province(u) => Some(unit(u)),
                _ => None,
            },
            mfa_enabled: a.mfa_enabled,
            disabled: a.disabled,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}
