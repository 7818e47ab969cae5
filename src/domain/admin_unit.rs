//! Administrative units: provinces, districts and communes, in a named scheme.
//!
//! Codes were reused by the 2025 reform and are unique only within one tier of one
//! scheme (province 1, district 1 and commune 1 of 2024 are three different places),
//! so a unit is identified by scheme, level and code together.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A version of Viet Nam's administrative map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scheme {
    /// Three tiers (province > district > commune), in force until 30 June 2025.
    #[serde(rename = "2024")]
    S2024,
    /// Two tiers (province > commune), in force from 1 July 2025.
    #[serde(rename = "2025")]
    S2025,
}

impl Scheme {
    /// Every scheme tinbao knows, oldest first.
    pub const ALL: [Scheme; 2] = [Scheme::S2024, Scheme::S2025];

    /// The scheme's name as used in URLs, files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::S2024 => "2024",
            Scheme::S2025 => "2025",
        }
    }

    /// Parses `2024` or `2025`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The tiers of this scheme, from the top.
    pub fn levels(self) -> &'static [Level] {
        match self {
            Scheme::S2024 => &[Level::Province, Level::District, Level::Commune],
            Scheme::S2025 => &[Level::Province, Level::Commune],
        }
    }

    /// The tier directly above `level` in this scheme, if any.
    pub fn parent_level(self, level: Level) -> Option<Level> {
        let levels = self.levels();
        let index = levels.iter().position(|l| *l == level)?;
        index.checked_sub(1).map(|i| levels[i])
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tier of the administrative map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    District,
    Commune,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Province, Level::District, Level::Commune];

    /// The level's name as used in URLs, files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
        }
    }

    /// Parses `province`, `district` or `commune`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest unit code accepted: GSO codes have at most five digits.
pub const MAX_UNIT_CODE: i32 = 99_999;

/// Identifies one unit: scheme, level and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitRef {
    pub scheme: Scheme,
    pub level: Level,
    pub code: i32,
}

impl UnitRef {
    /// Parses the `SCHEME:LEVEL:CODE` form used in import files, e.g. `2024:district:902`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = text.trim().split(':');
        let (Some(scheme), Some(level), Some(code), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("`{text}` is not of the form SCHEME:LEVEL:CODE, e.g. 2024:district:902"));
        };
        let scheme = Scheme::parse(scheme).ok_or_else(|| format!("unknown scheme `{scheme}` (2024 or 2025)"))?;
        let level = Level::parse(level)
            .filter(|l| scheme.levels().contains(l))
            .ok_or_else(|| format!("scheme {scheme} has no level `{level}`"))?;
        let code = parse_code(code)?;
        Ok(UnitRef { scheme, level, code })
    }
}

impl fmt::Display for UnitRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.scheme, self.level, self.code)
    }
}

/// Parses a unit code: a whole number from 1 to 99999.
pub fn parse_code(text: &str) -> Result<i32, String> {
    match text.trim().parse::<i32>() {
        Ok(code) if (1..=MAX_UNIT_CODE).contains(&code) => Ok(code),
        _ => Err(format!("`{text}` is not a unit code (a whole number from 1 to {MAX_UNIT_CODE})")),
    }
}

/// One administrative unit with its place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUnit {
    pub unit: UnitRef,
    pub name: String,
    /// The unit directly above, `None` for provinces.
    pub parent: Option<UnitRef>,
}

/// What a list of units is narrowed to.
#[derive(Debug, Default, Clone)]
pub struct UnitFilter {
    pub scheme: Option<Scheme>,
    pub level: Option<Level>,
    /// The code of the unit directly above.
    pub parent_code: Option<i32>,
    /// The level of the unit directly above.
    pub parent_level: Option<Level>,
    /// Text to find in the name, ignoring diacritics and case.
    pub name_contains: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_exist_only_in_the_2024_scheme() {
        assert_eq!(Scheme::S2024.parent_level(Level::Commune), Some(Level::District));
        assert_eq!(Scheme::S2025.parent_level(Level::Commune), Some(Level::Province));
        assert_eq!(Scheme::S2025.parent_level(Level::District), None);
        assert_eq!(Scheme::S2024.parent_level(Level::Province), None);
    }

    #[test]
    fn unit_references_parse_and_name_what_is_wrong() {
        let unit = UnitRef::parse("2024:district:902").expect("valid reference");
        assert_eq!((unit.scheme, unit.level, unit.code), (Scheme::S2024, Level::District, 902));
        assert_eq!(unit.to_string(), "2024:district:902");
        assert!(UnitRef::parse("2025:district:902").unwrap_err().contains("no level"));
        assert!(UnitRef::parse("2023:commune:1").unwrap_err().contains("unknown scheme"));
        assert!(UnitRef::parse("2024:commune:0").unwrap_err().contains("unit code"));
        assert!(UnitRef::parse("2024:commune").unwrap_err().contains("SCHEME:LEVEL:CODE"));
    }
}
