//! Routing is data: rules say which authority receives tips about a matter (or any
//! matter) from a unit. The most specific rule covering the tip's commune wins.

use uuid::Uuid;

use super::admin_unit::UnitRef;
use super::report::Matter;

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: Uuid,
    /// `None`: any matter.
    pub matter: Option<Matter>,
    /// A commune, a district or a province.
    pub unit: UnitRef,
    pub authority_id: Uuid,
    pub note: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The rule that applies to a tip about `matter` from the commune whose chain of units
/// (the commune, then each unit above it) is `chain`: a rule on a lower unit beats a
/// rule on a higher one; at the same unit, a rule for the matter beats a rule for any
/// matter; among equals, the oldest rule.
pub fn choose<'a>(rules: &'a [Rule], matter: Matter, chain: &[UnitRef]) -> Option<&'a Rule> {
    rules
        .iter()
        .filter(|r| r.matter.is_none_or(|m| m == matter))
        .filter_map(|r| chain.iter().position(|u| *u == r.unit).map(|depth| (depth, r)))
        .min_by_key(|(depth, r)| (*depth, r.matter.is_none(), r.created_at, r.id))
        .map(|(_, r)| r)
}

/// On what ground a tip went where it went: the three ways `services::routing` decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A routing rule covered the commune.
    Rule,
    /// No rule did; the district authority whose jurisdiction holds the commune.
    DistrictDefault,
    /// Neither; the province's triage queue.
    TriageQueue,
}

impl Basis {
    /// The ground of a stored explanation (one written by the functions below), so that
    /// pages can say it in the reader's language; `None` for any other text (sample data).
    pub fn of(explanation: &str) -> Option<Basis> {
        // The longer prefix first: it begins like the district default's.
        [(TRIAGE, Basis::TriageQueue), (DISTRICT, Basis::DistrictDefault), (RULE, Basis::Rule)]
            .into_iter()
            .find(|(prefix, _)| explanation.starts_with(prefix))
            .map(|(_, basis)| basis)
    }
}

const RULE: &str = "rule ";
const DISTRICT: &str = "no routing rule covers ";
const TRIAGE: &str = "no routing rule and no district authority covers ";

/// Why a rule was chosen, for staff.
pub fn explain_rule(rule: &Rule, commune: UnitRef) -> String {
    format!(
        "{RULE}{} ({} in {}) is the most specific rule covering {commune}",
        rule.id,
        rule.matter.map_or("any matter", Matter::as_str),
        rule.unit
    )
}

/// Why the district authority `code` received a tip from `commune` that no rule covers.
pub fn explain_district_default(commune: UnitRef, code: &str) -> String {
    format!("{DISTRICT}{commune}; default: the district authority {code} holds it in its jurisdiction")
}

/// Why a tip from `commune` went to the triage queue of `province`.
pub fn explain_triage(commune: UnitRef, province: UnitRef) -> String {
    format!("{TRIAGE}{commune}; sent to the triage queue of {province}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::admin_unit::{Level, Scheme};

    fn unit(level: Level, code: i32) -> UnitRef {
        UnitRef { scheme: Scheme::S2024, level, code }
    }

    fn rule(matter: Option<Matter>, unit: UnitRef, minute: u32) -> Rule {
        let at =
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|d| d.and_hms_opt(0, minute, 0)).unwrap_or_default();
        Rule {
            id: Uuid::now_v7(),
            matter,
            unit,
            authority_id: Uuid::now_v7(),
            note: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let chain = [unit(Level::Commune, 30880), unit(Level::District, 902), unit(Level::Province, 91)];
        let province_any = rule(None, unit(Level::Province, 91), 0);
        let district_any = rule(None, unit(Level::District, 902), 1);
        let district_facilitation = rule(Some(Matter::Facilitation), unit(Level::District, 902), 2);
        let elsewhere = rule(None, unit(Level::Commune, 1), 3);
        let rules = vec![province_any.clone(), district_any.clone(), district_facilitation.clone(), elsewhere];
        assert_eq!(choose(&rules, Matter::IllegalEntry, &chain), Some(&district_any));
        assert_eq!(choose(&rules, Matter::Facilitation, &chain), Some(&district_facilitation));
        assert_eq!(choose(&rules[..1], Matter::Harbouring, &chain), Some(&province_any));
        assert_eq!(choose(&rules[3..], Matter::Harbouring, &chain), None);
        let commune = rule(None, unit(Level::Commune, 30880), 4);
        let mut with_commune = rules.clone();
        with_commune.push(commune.clone());
        assert_eq!(choose(&with_commune, Matter::Facilitation, &chain), Some(&commune), "a commune beats a district");
        assert!(explain_rule(&commune, chain[0]).contains("2024:commune:30880"));
    }

    #[test]
    fn each_explanation_tells_its_ground() {
        let commune = unit(Level::Commune, 30880);
        let by_rule = explain_rule(&rule(None, unit(Level::District, 902), 0), commune);
        assert_eq!(Basis::of(&by_rule), Some(Basis::Rule));
        assert_eq!(Basis::of(&explain_district_default(commune, "2024-D902")), Some(Basis::DistrictDefault));
        assert_eq!(Basis::of(&explain_triage(commune, unit(Level::Province, 91))), Some(Basis::TriageQueue));
        assert_eq!(Basis::of("sample data"), None);
    }
}
