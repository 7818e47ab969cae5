//! Authorities: who receives a case. Their jurisdiction is a set of administrative units.

use super::admin_unit::AdminUnit;
use super::text::fold;

/// What kind of body an authority is. Stored and served as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorityKind {
    /// A district's police or steering committee: the default receiver of tips.
    District,
    /// A desk at province level (triage, provincial police).
    Province,
    /// A Border Guard station.
    BorderGuard,
    /// A health office (quarantine and medical follow-up).
    Health,
    /// Any other body.
    Other,
}

impl AuthorityKind {
    pub const ALL: [AuthorityKind; 5] = [
        AuthorityKind::District,
        AuthorityKind::Province,
        AuthorityKind::BorderGuard,
        AuthorityKind::Health,
        AuthorityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityKind::District => "district",
            AuthorityKind::Province => "province",
            AuthorityKind::BorderGuard => "border_guard",
            AuthorityKind::Health => "health",
            AuthorityKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The longest authority code accepted.
pub const MAX_CODE_CHARS: usize = 64;
/// The longest authority name accepted.
pub const MAX_NAME_CHARS: usize = 200;

/// Checks an authority code: 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE_CHARS
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The longest phone number accepted.
pub const MAX_PHONE_CHARS: usize = 20;

/// Checks an authority's phone number as people dial it: digits with spaces, `+`, `-`,
/// `.` or parentheses, at least three digits (113 is a number), at most 20 characters.
pub fn valid_phone(phone: &str) -> bool {
    phone.chars().count() <= MAX_PHONE_CHARS
        && phone.chars().filter(char::is_ascii_digit).count() >= 3
        && phone.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'))
}

/// The default authority of a 2024 district, created when an empty database is seeded.
pub fn default_district_authority(district: &AdminUnit) -> (String, String) {
    let code = format!("{}-D{:03}", district.unit.scheme, district.unit.code);
    (code, format!("Công an {}", district.name))
}

/// The folded form of an authority's name, for searching.
pub fn search_key(code: &str, name: &str) -> String {
    fold(&format!("{code} {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::admin_unit::{Level, Scheme, UnitRef};

    #[test]
    fn codes_are_short_and_plain() {
        assert!(valid_code("2024-D902"));
        assert!(valid_code("BP.Ha_Tien-1"));
        assert!(!valid_code(""));
        assert!(!valid_code("has space"));
        assert!(!valid_code(&"x".repeat(65)));
    }

    #[test]
    fn phones_are_what_people_dial() {
        assert!(valid_phone("113"));
        assert!(valid_phone("0297 3852 113"));
        assert!(valid_phone("+84 (297) 385-2113"));
        assert!(!valid_phone("12"));
        assert!(!valid_phone("call 113"));
        assert!(!valid_phone(&"1".repeat(21)));
    }

    #[test]
    fn a_districts_default_authority_is_its_police() {
        let district = AdminUnit {
            unit: UnitRef { scheme: Scheme::S2024, level: Level::District, code: 902 },
            name: "Huyện Kiên Lương".into(),
            parent: None,
        };
        assert_eq!(
            default_district_authority(&district),
            ("2024-D902".to_owned(), "Công an Huyện Kiên Lương".to_owned())
        );
    }
}

/// An authority with its jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub kind: AuthorityKind,
    /// The number residents call, shown on receipts and tracking pages.
    pub phone: Option<String>,
    /// The units it covers, with everything below them.
    pub jurisdiction: Vec<AdminUnit>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}
