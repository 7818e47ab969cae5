//! Reads query and path parameters one by one, so that every bad or unknown parameter is
//! named in the answer, with a message in the caller's language, all at once.

use actix_web::HttpRequest;
use actix_web::web::Query;

use crate::domain::admin_unit::{Level, MAX_UNIT_CODE, Scheme, UnitRef};
use crate::domain::authority::valid_code;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;

/// The default and the largest page size of every list.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

/// The longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Parameters of one request, taken by name.
pub struct Params {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
    check_unknown: bool,
}

impl Params {
    /// The query string's parameters. Unknown ones are refused by [`Params::finish`]: a
    /// misspelt filter must not silently return everything.
    pub fn query(req: &HttpRequest) -> Self {
        Self::of_query(req.query_string())
    }

    /// The parameters of a query string.
    pub fn of_query(query: &str) -> Self {
        match Query::<Vec<(String, String)>>::from_query(query) {
            Ok(pairs) => Params { pairs: pairs.into_inner(), errors: Vec::new(), check_unknown: true },
            Err(_) => Params {
                pairs: Vec::new(),
                errors: vec![FieldError::new("query", "malformed", Msg::of("params-the-query-string-is-not-properly"))],
                check_unknown: true,
            },
        }
    }

    /// The path's parameters, as the route pattern names them.
    pub fn path(req: &HttpRequest) -> Self {
        let pairs = req.match_info().iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        Params { pairs, errors: Vec::new(), check_unknown: false }
    }

    /// Removes every value of `name`, in order.
    fn take_all(&mut self, name: &str) -> Vec<String> {
        let mut values = Vec::new();
        self.pairs.retain(|(k, v)| {
            if k == name {
                values.push(v.clone());
                false
            } else {
                true
            }
        });
        values
    }

    /// Takes `name` if present and parses it; a bad value is recorded, not returned.
    pub fn optional<T>(&mut self, name: &str, parse: impl FnOnce(&str) -> Result<T, Msg>) -> Option<T> {
        let values = self.take_all(name);
        match values.as_slice() {
            [] => None,
            [value] if value.is_empty() => {
                self.reject(name, "empty", Msg::of("params-must-not-be-empty"));
                None
            }
            [value] => match parse(value) {
                Ok(parsed) => Some(parsed),
                Err(message) => {
                    self.reject(name, "invalid", message);
                    None
                }
            },
            _ => {
                self.reject(name, "repeated", Msg::of("params-is-given-more-than-once"));
                None
            }
        }
    }

    /// Takes every `name` as one list, given repeated (`status=a&status=b`, as generated
    /// clients send an `explode: true` array), comma-separated (`status=a,b`), or both;
    /// at most `max` items, none empty. The one parameter that may repeat: elsewhere a
    /// repeated parameter is refused (see `docs/decisions.md`).
    pub fn list<T>(&mut self, name: &str, max: usize, parse: impl Fn(&str) -> Result<T, Msg>) -> Vec<T> {
        let values = self.take_all(name);
        let items: Vec<&str> = values.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
        // The codes a comma list always had: `empty` for a parameter given empty, `invalid`
        // for an empty item or too many.
        if values.iter().any(|v| v.is_empty()) {
            self.reject(name, "empty", Msg::of("params-must-not-be-empty"));
            return Vec::new();
        }
        if items.iter().any(|i| i.is_empty()) {
            self.reject(name, "invalid", Msg::of("params-must-not-hold-an-empty-item"));
            return Vec::new();
        }
        if items.len() > max {
            self.reject(name, "invalid", Msg::of("params-must-hold-at-most-items").arg("max", max));
            return Vec::new();
        }
        match items.into_iter().map(&parse).collect::<Result<Vec<T>, Msg>>() {
            Ok(parsed) => parsed,
            Err(message) => {
                self.reject(name, "invalid", message);
                Vec::new()
            }
        }
    }

    /// Takes `name`, which must be present.
    pub fn required<T>(&mut self, name: &str, parse: impl FnOnce(&str) -> Result<T, Msg>) -> Option<T> {
        let present = self.pairs.iter().any(|(k, _)| k == name);
        let value = self.optional(name, parse);
        if !present {
            self.reject(name, "required", Msg::of("report-is-required"));
        }
        value
    }

    /// Records an error found by the caller, e.g. between two parameters.
    pub fn reject(&mut self, name: &str, code: &'static str, message: Msg) {
        self.errors.push(FieldError::new(name, code, message));
    }

    /// Adds the parameters and errors of `other` (the query of a request whose path this is,
    /// say), so that one answer names every problem.
    pub fn absorb(mut self, other: Params) -> Self {
        self.check_unknown |= other.check_unknown;
        self.pairs.extend(other.pairs);
        self.errors.extend(other.errors);
        self
    }

    /// Succeeds when every parameter was known and valid.
    pub fn finish(mut self) -> Result<(), ServiceError> {
        if self.check_unknown {
            for (name, _) in std::mem::take(&mut self.pairs) {
                if !self.errors.iter().any(|e| e.field == name) {
                    self.reject(&name, "unknown", Msg::of("params-is-not-a-parameter-of-this"));
                }
            }
        }
        if self.errors.is_empty() { Ok(()) } else { Err(ServiceError::invalid_parameters(self.errors)) }
    }
}

/// `2024` or `2025`.
pub fn scheme(text: &str) -> Result<Scheme, Msg> {
    Scheme::parse(text).ok_or_else(|| Msg::of("report-must-be-2024-or-2025"))
}

/// `province`, `district` or `commune`.
pub fn level(text: &str) -> Result<Level, Msg> {
    Level::parse(text).ok_or_else(|| Msg::of("params-must-be-province-district-or-commune"))
}

/// A unit code: a whole number from 1 to 99999.
pub fn unit_code(text: &str) -> Result<i32, Msg> {
    whole_number(text, 1, i64::from(MAX_UNIT_CODE)).map(|n| n as i32)
}

/// A coordinate in decimal degrees within `range`, as microdegrees.
pub fn coordinate(text: &str, range: (f64, f64)) -> Result<i64, Msg> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (range.0..=range.1).contains(&v) => Ok((v * 1e6).round() as i64),
        _ => Err(Msg::of("params-must-be-a-number-of-degrees").arg("range-0", range.0).arg("range-1", range.1)),
    }
}

/// A page size from 1 to 100.
pub fn limit(text: &str) -> Result<u32, Msg> {
    whole_number(text, 1, i64::from(MAX_LIMIT)).map(|n| n as u32)
}

/// Search text: 1 to 100 characters.
pub fn search_text(text: &str) -> Result<String, Msg> {
    if text.is_empty() || text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Msg::of("params-must-have-1-to-characters").arg("max-search-chars", MAX_SEARCH_CHARS));
    }
    // Control characters cannot be part of a name; PostgreSQL refuses NUL outright.
    Ok(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned())
}

/// A UUID, as tinbao gives out.
pub fn uuid(text: &str) -> Result<uuid::Uuid, Msg> {
    // Only the hyphenated form that tinbao gives out (36 characters).
    let parsed = if text.len() == 36 { uuid::Uuid::try_parse(text).ok() } else { None };
    parsed.ok_or_else(|| Msg::of("params-must-be-an-id-as-given"))
}

/// The `{id}` path segment of a route, as a UUID. A segment that is no id names nothing:
/// 404, like an id that does not exist.
pub fn path_id(req: &HttpRequest) -> Result<uuid::Uuid, ServiceError> {
    let segment = req.match_info().get("id").unwrap_or_default();
    uuid(segment).map_err(|_| ServiceError::not_found(Msg::of("params-nothing-has-this-id-ids-are")))
}

/// An accounts cursor: the login of the last account of the previous page.
pub fn login_cursor(text: &str) -> Result<String, Msg> {
    // Control characters (C0, DEL and C1) cannot be part of a login.
    if text.len() <= 254 && !text.chars().any(char::is_control) { Ok(text.to_owned()) } else { Err(invalid_cursor()) }
}

/// A units cursor: `SCHEME.LEVEL.CODE`, e.g. `2024.district.902`.
pub fn unit_cursor(text: &str) -> Result<UnitRef, Msg> {
    let mut parts = text.split('.');
    let parsed = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(s), Some(l), Some(c), None) => Scheme::parse(s)
            .zip(Level::parse(l))
            .zip(unit_code(c).ok())
            .map(|((scheme, level), code)| UnitRef { scheme, level, code }),
        _ => None,
    };
    parsed.ok_or_else(invalid_cursor)
}

/// An authorities cursor: the code of the last authority of the previous page.
pub fn authority_cursor(text: &str) -> Result<String, Msg> {
    if valid_code(text) { Ok(text.to_owned()) } else { Err(invalid_cursor()) }
}

fn invalid_cursor() -> Msg {
    Msg::of("audit-is-not-a-cursor-of-this")
}

fn whole_number(text: &str, min: i64, max: i64) -> Result<i64, Msg> {
    let valid = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<i64>() {
        Ok(n) if valid && (min..=max).contains(&n) => Ok(n),
        _ => Err(Msg::of("report-must-be-a-whole-number-from").arg("min", min).arg("max", max)),
    }
}

/// `true` or `false`.
pub fn boolean(text: &str) -> Result<bool, Msg> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Msg::of("shape-must-be-true-or-false")),
    }
}

/// A time in RFC 3339 (`2026-05-01T00:00:00Z`), as UTC.
pub fn instant(text: &str) -> Result<chrono::NaiveDateTime, Msg> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .map_err(|_| Msg::of("audit-must-be-a-time-like-2026"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_digits_within_range() {
        assert_eq!(limit("100"), Ok(100));
        assert!(limit("101").is_err());
        assert!(limit("0").is_err());
        assert!(limit("+5").is_err());
        assert!(limit("1e2").is_err());
        assert!(unit_code("99999").is_ok());
        assert!(unit_code("99999999999999999999").is_err());
    }

    #[test]
    fn cursors_are_plain_positions() {
        let unit = unit_cursor("2024.district.902").expect("valid");
        assert_eq!(crate::api::page::unit_cursor(unit), "2024.district.902");
        assert!(unit_cursor("2024.district").is_err());
        assert!(unit_cursor("2024.county.1").is_err());
        assert_eq!(authority_cursor("2024-D902"), Ok("2024-D902".to_owned()));
        assert!(authority_cursor("a b").is_err());
    }

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(search_text("  kien luong "), Ok("kien luong".to_owned()));
        assert_eq!(search_text("a\0b"), Ok("a b".to_owned()));
        assert!(search_text("").is_err());
        assert!(search_text(&"a".repeat(101)).is_err());
    }
}
