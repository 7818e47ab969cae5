//! Reads the administrative-unit CSV layouts of `data/README.md` into a consistent set of
//! units, or names the first line that is wrong. Nothing is written here: the caller stores
//! the result in one transaction, so a malformed file changes nothing.

use std::collections::BTreeMap;
use std::io::Read;

use super::admin_unit::{AdminUnit, Level, Scheme, UnitRef, parse_code};
use super::csv_rows::{LineError, read_rows};

/// The longest unit name accepted.
const MAX_NAME_CHARS: usize = 200;

/// The columns of each scheme's file, in order.
fn expected_header(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::S2024 => {
            &["province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name"]
        }
        Scheme::S2025 => &["province_code", "province_name", "commune_code", "commune_name"],
    }
}

/// Parses a whole file. Units come out parents first (provinces, then districts, then
/// communes), each once, ordered by code within a level.
pub fn parse_units(scheme: Scheme, input: impl Read) -> Result<Vec<AdminUnit>, LineError> {
    let expected = expected_header(scheme);
    let rows = read_rows(input, expected).map_err(|e| match e.line {
        1 => LineError::new(1, format!("{} for scheme {scheme}", e.message)),
        _ => e,
    })?;
    let mut units: BTreeMap<UnitRef, (String, Option<UnitRef>, u64)> = BTreeMap::new();
    for (line, fields) in rows {
        let levels = scheme.levels();
        let mut parent: Option<UnitRef> = None;
        for (tier, level) in levels.iter().enumerate() {
            let (code, name) = (fields[tier * 2].as_str(), fields[tier * 2 + 1].as_str());
            // Island districts of 2024 have no communes: the lowest tier may be empty.
            if code.is_empty() && name.is_empty() && tier == levels.len() - 1 && tier > 0 {
                break;
            }
            let unit = read_unit(scheme, *level, code, name, line)?;
            remember(&mut units, unit, name, parent, line)?;
            parent = Some(unit);
        }
    }
    if units.is_empty() {
        return Err(LineError::new(1, "the file holds no units"));
    }

    let mut out: Vec<AdminUnit> =
        units.into_iter().map(|(unit, (name, parent, _))| AdminUnit { unit, name, parent }).collect();
    out.sort_by_key(|u| (u.unit.level != Level::Province, u.unit.level == Level::Commune, u.unit.code));
    Ok(out)
}

fn read_unit(scheme: Scheme, level: Level, code: &str, name: &str, line: u64) -> Result<UnitRef, LineError> {
    let code = parse_code(code).map_err(|m| LineError::new(line, format!("{level}_code: {m}")))?;
    if name.is_empty() {
        return Err(LineError::new(line, format!("{level}_name is empty")));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(LineError::new(line, format!("{level}_name is longer than {MAX_NAME_CHARS} characters")));
    }
    Ok(UnitRef { scheme, level, code })
}

/// Records a unit, refusing a second row that gives the same code another name or parent.
fn remember(
    units: &mut BTreeMap<UnitRef, (String, Option<UnitRef>, u64)>,
    unit: UnitRef,
    name: &str,
    parent: Option<UnitRef>,
    line: u64,
) -> Result<(), LineError> {
    match units.get(&unit) {
        None => {
            units.insert(unit, (name.to_owned(), parent, line));
            Ok(())
        }
        Some((known, known_parent, first)) if known != name || *known_parent != parent => Err(LineError::new(
            line,
            format!(
                "{} {} is `{name}` here but `{known}` on line {first}{}",
                unit.level,
                unit.code,
                if *known_parent != parent { ", under another parent" } else { "" }
            ),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_2024: &str = "province_code,province_name,district_code,district_name,commune_code,commune_name\n";

    #[test]
    fn a_three_tier_file_yields_each_unit_once_parents_first() {
        let csv = format!(
            "{HEADER_2024}91,Tỉnh Kiên Giang,902,Huyện Kiên Lương,30880,Thị trấn Kiên Lương\n\
             91,Tỉnh Kiên Giang,902,Huyện Kiên Lương,30883,Xã Kiên Bình\n\
             77,Tỉnh Bà Rịa - Vũng Tàu,755,Huyện Côn Đảo,,\n"
        );
        let units = parse_units(Scheme::S2024, csv.as_bytes()).expect("valid file");
        let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Tỉnh Bà Rịa - Vũng Tàu",
                "Tỉnh Kiên Giang",
                "Huyện Côn Đảo",
                "Huyện Kiên Lương",
                "Thị trấn Kiên Lương",
                "Xã Kiên Bình"
            ]
        );
        let commune = &units[4];
        assert_eq!(commune.parent, Some(UnitRef { scheme: Scheme::S2024, level: Level::District, code: 902 }));
    }

    #[test]
    fn a_two_tier_file_puts_communes_under_provinces() {
        let csv = "province_code,province_name,commune_code,commune_name\n91,Tỉnh An Giang,30880,Xã Kiên Lương\n";
        let units = parse_units(Scheme::S2025, csv.as_bytes()).expect("valid file");
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].parent.map(|p| p.level), Some(Level::Province));
    }

    #[test]
    fn errors_name_the_line() {
        let bad_code =
            format!("{HEADER_2024}91,Tỉnh Kiên Giang,902,Huyện Kiên Lương,30880,A\n91,Tỉnh Kiên Giang,x,B,1,C\n");
        let err = parse_units(Scheme::S2024, bad_code.as_bytes()).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("district_code"), "{err}");

        let conflict = format!("{HEADER_2024}91,Tỉnh Kiên Giang,902,A,1,C\n91,Tỉnh Khác,903,B,2,D\n");
        let err = parse_units(Scheme::S2024, conflict.as_bytes()).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("line 2"), "{err}");

        let wrong_layout = "province_code,province_name,commune_code,commune_name\n";
        let err = parse_units(Scheme::S2024, wrong_layout.as_bytes()).unwrap_err();
        assert_eq!(err.line, 1);

        let short = format!("{HEADER_2024}91,Tỉnh Kiên Giang\n");
        assert_eq!(parse_units(Scheme::S2024, short.as_bytes()).unwrap_err().line, 2);
    }

    #[test]
    fn the_shipped_2024_file_has_all_63_provinces_and_kien_giangs_15_districts() {
        let units = parse_units(Scheme::S2024, include_str!("../../data/admin-units-2024.csv").as_bytes())
            .expect("the shipped file parses");
        let count = |level| units.iter().filter(|u| u.unit.level == level).count();
        assert_eq!(count(Level::Province), 63);
        assert_eq!(count(Level::District), 696); // including the 5 island districts without communes
        assert_eq!(count(Level::Commune), 10_051);
        let kien_giang =
            units.iter().filter(|u| u.parent.is_some_and(|p| p.level == Level::Province && p.code == 91)).count();
        assert_eq!(kien_giang, 15);
    }
}
