//! Accounts: roles, their scopes, and the form of logins.

use std::fmt;

use uuid::Uuid;

use super::admin_unit::UnitRef;

/// What an account may do, before its scope narrows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A resident who reports; sees only their own tips.
    Citizen,
    /// Files tips on residents' behalf; scoped to one commune.
    CommuneOfficial,
    /// Handles the cases of one authority.
    DistrictOfficer,
    /// Oversees one province.
    Supervisor,
    /// Reads everything, including the audit trail; changes nothing.
    Auditor,
    /// Manages accounts, clients, authorities, units and rules.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Citizen, Role::CommuneOfficial, Role::DistrictOfficer, Role::Supervisor, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::CommuneOfficial => "commune_official",
            Role::DistrictOfficer => "district_officer",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Staff must enrol a second factor (TOTP) before they get a full session.
    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// The shortest password allowed (NIST SP 800-63B rev 4): 15 characters when the
    /// password is the only factor, 12 with a second factor.
    pub fn min_password_chars(self) -> usize {
        if self.is_staff() { 12 } else { 15 }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest password accepted.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Where a staff account's powers apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Citizens, auditors and admins: no territorial scope.
    None,
    /// A commune official's commune.
    Commune(UnitRef),
    /// A district officer's authority.
    Authority(Uuid),
    /// A supervisor's province.
    Province(UnitRef),
}

impl Scope {
    /// Whether this scope fits `role`.
    pub fn fits(self, role: Role) -> bool {
        matches!(
            (role, self),
            (Role::CommuneOfficial, Scope::Commune(_))
                | (Role::DistrictOfficer, Scope::Authority(_))
                | (Role::Supervisor, Scope::Province(_))
                | (Role::Citizen | Role::Auditor | Role::Admin, Scope::None)
        )
    }
}

/// How a login is written once normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// A Vietnamese mobile number, as `+84` and nine digits.
    Phone(String),
    /// An e-mail address, lower-cased.
    Email(String),
    /// A staff user name: 3 to 64 of `a-z 0-9 . _ -`.
    Username(String),
}

impl Login {
    /// The stored form.
    pub fn as_str(&self) -> &str {
        match self {
            Login::Phone(s) | Login::Email(s) | Login::Username(s) => s,
        }
    }

    /// Reads a login as typed: a phone number (`0912 345 678`, `+84912345678`), an
    /// e-mail address, or a user name.
    pub fn parse(text: &str) -> Option<Login> {
        let text = text.trim();
        if text.is_empty() || text.len() > 254 {
            return None;
        }
        if let Some(phone) = parse_phone(text) {
            return Some(Login::Phone(phone));
        }
        if text.contains('@') {
            return parse_email(text).map(Login::Email);
        }
        let name = text.to_ascii_lowercase();
        let valid = (3..=64).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        valid.then_some(Login::Username(name))
    }

    /// Citizens register with a phone number or an e-mail address.
    pub fn is_contact(&self) -> bool {
        !matches!(self, Login::Username(_))
    }
}

/// Vietnamese mobile numbers: ten digits starting 03, 05, 07, 08 or 09, or the same
/// after +84 / 84 without the leading 0.
fn parse_phone(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let national = if let Some(rest) = compact.strip_prefix("+84") {
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix("84").filter(|r| r.len() == 9) {
        rest.to_owned()
    } else {
        compact.strip_prefix('0')?.to_owned()
    };
    let valid = national.len() == 9
        && national.bytes().all(|b| b.is_ascii_digit())
        && matches!(national.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9');
    valid.then(|| format!("+84{national}"))
}

fn parse_email(text: &str) -> Option<String> {
    let email = text.to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@');
    valid.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_plus_84() {
        for typed in ["0912345678", "0912 345 678", "+84912345678", "84912345678", "091-234-5678"] {
            assert_eq!(Login::parse(typed), Some(Login::Phone("+84912345678".into())), "{typed}");
        }
        assert_eq!(Login::parse("0212345678"), Some(Login::Username("0212345678".into())), "landline is no mobile");
    }

    #[test]
    fn emails_and_user_names() {
        assert_eq!(Login::parse(" An.Nguyen@Example.VN "), Some(Login::Email("an.nguyen@example.vn".into())));
        assert_eq!(Login::parse("a@b"), None);
        assert_eq!(Login::parse("Officer.KienLuong"), Some(Login::Username("officer.kienluong".into())));
        assert_eq!(Login::parse("ab"), None);
        assert_eq!(Login::parse("has space"), None);
        assert!(Login::parse("0912345678").is_some_and(|l| l.is_contact()));
        assert!(!Login::parse("officer").is_some_and(|l| l.is_contact()));
    }

    #[test]
    fn staff_need_a_scope_that_fits_their_role() {
        let commune = UnitRef {
            scheme: crate::domain::admin_unit::Scheme::S2024,
            level: crate::domain::admin_unit::Level::Commune,
            code: 30880,
        };
        assert!(Scope::Commune(commune).fits(Role::CommuneOfficial));
        assert!(!Scope::Commune(commune).fits(Role::Supervisor));
        assert!(Scope::None.fits(Role::Admin));
        assert!(!Scope::None.fits(Role::DistrictOfficer));
        assert_eq!(Role::Citizen.min_password_chars(), 15);
        assert_eq!(Role::DistrictOfficer.min_password_chars(), 12);
    }
}

/// An account as the rest of the system sees it (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub login: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub scope: Scope,
    pub mfa_enabled: bool,
    pub disabled: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// An account's secrets, for signing in.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub password_hash: String,
    /// The TOTP secret, enrolled or pending.
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    /// A citizen's login, sealed (the `login` column holds its keyed digest).
    pub login_sealed: Option<String>,
}

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Everything the account's role allows.
    Full,
    /// Staff who have not enrolled a second factor yet: only their profile, enrolment,
    /// and signing out.
    MfaEnrollment,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::MfaEnrollment => "mfa_enrollment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [SessionStage::Full, SessionStage::MfaEnrollment].into_iter().find(|s| s.as_str() == text)
    }
}
