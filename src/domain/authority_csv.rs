//! Reads an authorities file: `code,name,kind,units[,phone]`, where `units` lists the units
//! of the jurisdiction as `SCHEME:LEVEL:CODE` separated by `;` (e.g.
//! `2024:district:902;2024:commune:30880`) and `phone`, optional, is the number residents call.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;

use super::admin_unit::UnitRef;
use super::authority::{AuthorityKind, MAX_NAME_CHARS, MAX_PHONE_CHARS, valid_code, valid_phone};
use super::csv_rows::LineError;
use super::csv_rows::read_rows_with_optional;

/// One authority as the file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityRecord {
    pub line: u64,
    pub code: String,
    pub name: String,
    pub kind: AuthorityKind,
    pub units: BTreeSet<UnitRef>,
    pub phone: Option<String>,
}

/// Parses a whole file, or names the first line that is wrong.
pub fn parse_authorities(input: impl Read) -> Result<Vec<AuthorityRecord>, LineError> {
    let rows = read_rows_with_optional(input, &["code", "name", "kind", "units"], &["phone"])?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (line, fields) in rows {
        let [code, name, kind, units, phone] =
            [&fields[0], &fields[1], &fields[2], &fields[3], &fields[4]].map(String::as_str);
        if !valid_code(code) {
            return Err(LineError::new(line, "code must be 1 to 64 letters, digits, `.`, `_` or `-`"));
        }
        if !seen.insert(code.to_owned()) {
            return Err(LineError::new(line, format!("code `{code}` appears twice")));
        }
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(LineError::new(line, format!("name must have 1 to {MAX_NAME_CHARS} characters")));
        }
        let kind = AuthorityKind::parse(kind).ok_or_else(|| {
            let kinds: Vec<&str> = AuthorityKind::ALL.iter().map(|k| k.as_str()).collect();
            LineError::new(line, format!("kind `{kind}` is not one of {}", kinds.join(", ")))
        })?;
        let units = units
            .split(';')
            .filter(|u| !u.trim().is_empty())
            .map(|u| UnitRef::parse(u).map_err(|m| LineError::new(line, format!("units: {m}"))))
            .collect::<Result<BTreeSet<_>, _>>()?;
        if units.is_empty() {
            return Err(LineError::new(line, "units is empty: an authority needs a jurisdiction"));
        }
        if !phone.is_empty() && !valid_phone(phone) {
            return Err(LineError::new(
                line,
                format!("phone must be a number to dial: digits, spaces, + - . ( ), at most {MAX_PHONE_CHARS}"),
            ));
        }
        let phone = (!phone.is_empty()).then(|| phone.to_owned());
        out.push(AuthorityRecord { line, code: code.to_owned(), name: name.to_owned(), kind, units, phone });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_border_guard_station_covers_several_communes() {
        let csv =
            "code,name,kind,units\nBP-HT,Đồn Biên phòng Hà Tiên,border_guard,2024:commune:30880; 2024:commune:30883\n";
        let records = parse_authorities(csv.as_bytes()).expect("valid file");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].kind, AuthorityKind::BorderGuard);
        assert_eq!(records[0].units.len(), 2);
        assert_eq!(records[0].line, 2);
        assert_eq!(records[0].phone, None);
    }

    #[test]
    fn a_phone_column_may_follow() {
        let csv = "code,name,kind,units,phone\nA,Công an A,district,2024:district:902,0297 3852 113\nB,B,district,2024:district:903,\n";
        let records = parse_authorities(csv.as_bytes()).expect("valid file");
        assert_eq!(records[0].phone.as_deref(), Some("0297 3852 113"));
        assert_eq!(records[1].phone, None);
        let csv = "code,name,kind,units,phone\nA,A,district,2024:district:902,ask the desk\n";
        assert!(parse_authorities(csv.as_bytes()).unwrap_err().message.starts_with("phone"));
        let csv = "code,name,kind,phone,units\nA,A,district,113,2024:district:902\n";
        assert!(parse_authorities(csv.as_bytes()).unwrap_err().message.contains("code,name,kind,units,phone"));
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        let csv = "code,name,kind,units\nA,Name,district,2024:district:902\nB,Name,police,2024:district:902\n";
        let err = parse_authorities(csv.as_bytes()).unwrap_err();
        assert_eq!((err.line, err.message.contains("kind")), (3, true), "{err}");

        let csv = "code,name,kind,units\nA,Name,district,2024:county:902\n";
        let err = parse_authorities(csv.as_bytes()).unwrap_err();
        assert!(err.message.starts_with("units:"), "{err}");

        let csv = "code,name,kind,units\nA,Name,district,\n";
        assert!(parse_authorities(csv.as_bytes()).unwrap_err().message.contains("jurisdiction"));

        let csv = "code,name,kind,units\nA,N,district,2024:district:1\nA,N,district,2024:district:2\n";
        assert!(parse_authorities(csv.as_bytes()).unwrap_err().message.contains("twice"));
    }
}
