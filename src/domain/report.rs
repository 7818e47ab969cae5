//! A tip: its vocabulary, its limits, and the check that turns what a reporter sent into
//! a tip or into one error per bad field. Pure: the commune's existence and the caller's
//! role are checked by the intake service.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::account::Login;
use super::admin_unit::{Level, MAX_UNIT_CODE, Scheme, UnitRef};
use super::submission::{ReportRequest, SubjectInput};
use crate::error::FieldError;
use crate::i18n::Msg;

/// What the tip is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    IllegalEntry,
    Facilitation,
    Harbouring,
    HealthRisk,
}

impl Matter {
    pub const ALL: [Matter; 4] = [Matter::IllegalEntry, Matter::Facilitation, Matter::Harbouring, Matter::HealthRisk];

    /// The code, in the API and in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Matter::IllegalEntry => "illegal_entry",
            Matter::Facilitation => "facilitation",
            Matter::Harbouring => "harbouring",
            Matter::HealthRisk => "health_risk",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// The matters' codes, for messages and the checks that take a list of words.
pub const MATTERS: [&str; 4] =
    [Matter::ALL[0].as_str(), Matter::ALL[1].as_str(), Matter::ALL[2].as_str(), Matter::ALL[3].as_str()];
/// How the people crossed.
pub const CROSSING_MODES: [&str; 5] = ["land_trail", "river", "sea", "checkpoint_false_papers", "unknown"];
/// What the reporter lets staff know of them.
pub const IDENTITY_MODES: [&str; 3] = ["anonymous", "confidential", "identified"];
pub const SEXES: [&str; 3] = ["female", "male", "unknown"];
pub const HEALTH_FLAGS: [&str; 6] =
    ["fever", "cough", "breathing_difficulty", "skipped_declaration", "skipped_quarantine", "other"];
pub const RELATIONSHIPS: [&str; 7] = ["none", "family", "neighbour", "employer", "landlord", "colleague", "other"];
/// `present`: the people are still there now.
pub const URGENCIES: [&str; 3] = ["present", "recent", "past"];
/// How a commune official received the tip.
pub const CHANNELS: [&str; 4] = ["hotline", "in_person", "letter", "other"];

pub const NARRATIVE_CHARS: (usize, usize) = (20, 5_000);
pub const MAX_SUBJECTS: usize = 50;
pub const MAX_PERSONS: i64 = 1_000;
pub const MAX_HEALTH_FLAGS: usize = 20;
/// Viet Nam's bounds, islands included (Trường Sa reaches 117.8° E, 6.5° N).
pub const LATITUDE: (f64, f64) = (6.0, 23.5);
pub const LONGITUDE: (f64, f64) = (102.0, 118.0);
/// Tolerance for clocks that run a little ahead.
const FUTURE_SKEW: TimeDelta = TimeDelta::minutes(5);

/// What was seen: everything except who reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tip {
    pub matter: Matter,
    pub observed_from: DateTime<Utc>,
    pub observed_to: DateTime<Utc>,
    pub commune: (Scheme, i32),
    pub address_text: Option<String>,
    /// Microdegrees, so that the value is exact in any database.
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub crossing_mode: Option<String>,
    pub crossing_point: Option<String>,
    pub vessel_or_vehicle: Option<String>,
    pub persons_count: Option<i64>,
    pub children_count: Option<i64>,
    pub subjects: Vec<Subject>,
    pub current_whereabouts: Option<String>,
    pub facilitator_info: Option<String>,
    pub health_flags: Vec<String>,
    pub relationship_to_subjects: Option<String>,
    pub urgency: Option<String>,
    pub narrative: String,
    pub identity_mode: String,
    pub channel: Option<String>,
}

/// One person seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub approximate_age: Option<i64>,
    pub sex: Option<String>,
    pub apparent_nationality: Option<String>,
    pub description: Option<String>,
    pub alias: Option<String>,
}

/// The reporter's own details: stored apart from the tip, encrypted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    /// The resident a commune official files for.
    pub acting_as: Option<String>,
}

impl Tip {
    /// The commune the tip names.
    pub fn commune_unit(&self) -> UnitRef {
        UnitRef { scheme: self.commune.0, level: Level::Commune, code: self.commune.1 }
    }

    /// Anonymous and confidential reporters follow their tip with a receipt code.
    pub fn needs_receipt(&self) -> bool {
        self.identity_mode != "identified"
    }
}

/// Collects one error per bad field.
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    /// Notes what is wrong with `field`, unless something already is: a field of the
    /// wrong shape was taken out and would otherwise read as missing too.
    fn bad(&mut self, field: impl Into<String>, code: &'static str, message: Msg) {
        let field = field.into();
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, code, message));
        }
    }

    /// A field the tip cannot go without.
    fn required(&mut self, field: &str) {
        self.bad(field, "required", Msg::of("report-is-required"));
    }

    fn required_one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> Option<String> {
        if value.is_empty() {
            self.required(field);
            return None;
        }
        self.one_of(field, value, allowed)
    }

    fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> Option<String> {
        if allowed.contains(&value) {
            return Some(value.to_owned());
        }
        let list = allowed.join(", ");
        self.bad(field, "invalid", Msg::of("report-must-be-one-of").arg("list", list));
        None
    }

    fn opt_one_of(&mut self, field: &str, value: &Option<String>, allowed: &[&str]) -> Option<String> {
        value.as_deref().and_then(|v| self.one_of(field, v, allowed))
    }

    fn text(&mut self, field: &str, value: &Option<String>, max: usize) -> Option<String> {
        // The limit applies to what was sent, spaces included, as the contract says.
        let sent = value.as_deref()?;
        let value = sent.trim();
        if value.is_empty() && sent.chars().count() <= max {
            return None;
        }
        if sent.chars().count() > max {
            self.bad(field, "length", Msg::of("report-must-have-at-most-characters").arg("max", max));
            return None;
        }
        Some(value.to_owned())
    }

    fn number(&mut self, field: &str, value: Option<i64>, min: i64, max: i64) -> Option<i64> {
        let value = value?;
        if (min..=max).contains(&value) {
            return Some(value);
        }
        self.bad(field, "out_of_range", Msg::of("report-must-be-a-whole-number-from").arg("min", min).arg("max", max));
        None
    }

    fn time(&mut self, field: &str, value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match DateTime::parse_from_rfc3339(value) {
            Ok(t) if t.with_timezone(&Utc) <= now + FUTURE_SKEW => Some(t.with_timezone(&Utc)),
            Ok(_) => {
                self.bad(field, "in_future", Msg::of("report-must-not-be-in-the-future"));
                None
            }
            Err(_) => {
                self.bad(field, "invalid", Msg::of("report-must-be-a-date-and-time"));
                None
            }
        }
    }
}

/// Checks a tip as sent; returns it with the reporter's contact, or every bad field.
pub fn check(input: &ReportRequest, now: DateTime<Utc>) -> Result<(Tip, Contact), Vec<FieldError>> {
    let mut c = Check { errors: input.shape_errors.clone() };
    let matter = c.required_one_of("matter", &input.matter, &MATTERS).as_deref().and_then(Matter::parse);

    let observed = observed_period(&mut c, input, now);

    let location = &input.location;
    let scheme = Scheme::parse(&location.scheme);
    if location.scheme.is_empty() {
        c.required("location.scheme");
    } else if scheme.is_none() {
        c.bad("location.scheme", "invalid", Msg::of("report-must-be-2024-or-2025"));
    }
    if location.commune_code.is_none() {
        c.required("location.commune_code");
    }
    let commune = c.number("location.commune_code", location.commune_code, 1, i64::from(MAX_UNIT_CODE));
    let address_text = c.text("location.address_text", &location.address_text, 500);
    let coordinates = coordinates(&mut c, location.latitude, location.longitude);

    let crossing_mode = c.opt_one_of("crossing_mode", &input.crossing_mode, &CROSSING_MODES);
    let crossing_point = c.text("crossing_point", &input.crossing_point, 200);
    let vessel_or_vehicle = c.text("vessel_or_vehicle", &input.vessel_or_vehicle, 200);
    let persons_count = c.number("persons_count", input.persons_count, 1, MAX_PERSONS);
    let children_count = c.number("children_count", input.children_count, 0, MAX_PERSONS);
    if let (Some(persons), Some(children)) = (persons_count, children_count)
        && children > persons
    {
        c.bad("children_count", "too_many", Msg::of("report-must-not-exceed-persons-count"));
    }

    let subjects = subjects(&mut c, input.subjects.as_deref().unwrap_or_default());

    let current_whereabouts = c.text("current_whereabouts", &input.current_whereabouts, 1_000);
    let facilitator_info = c.text("facilitator_info", &input.facilitator_info, 1_000);
    let health_flags = health_flags(&mut c, input.health_flags.as_deref().unwrap_or_default());

    let relationship_to_subjects =
        c.opt_one_of("relationship_to_subjects", &input.relationship_to_subjects, &RELATIONSHIPS);
    let urgency = c.opt_one_of("urgency", &input.urgency, &URGENCIES);

    let narrative = narrative(&mut c, &input.narrative);

    let reporter = &input.reporter;
    let identity_mode = c.required_one_of("reporter.identity_mode", &reporter.identity_mode, &IDENTITY_MODES);
    let name = c.text("reporter.name", &reporter.name, 100);
    let phone = phone(&mut c, reporter.phone.as_deref());

    if identity_mode.as_deref() == Some("anonymous") && (name.is_some() || phone.is_some()) {
        c.bad("reporter.identity_mode", "contact_given", Msg::of("report-an-anonymous-tip-carries-no-name"));
    }
    if !input.acknowledged_false_report_warning {
        c.bad(
            "acknowledged_false_report_warning",
            "required",
            Msg::of("report-must-be-true-reporting-false-information"),
        );
    }
    let acting_as = c.text("acting_as", &input.acting_as, 100);
    let channel = c.opt_one_of("channel", &input.channel, &CHANNELS);

    match (matter, observed, scheme, commune, identity_mode, c.errors.is_empty()) {
        (Some(matter), Some((from, to)), Some(scheme), Some(code), Some(identity_mode), true) => {
            let tip = Tip {
                matter,
                observed_from: from,
                observed_to: to,
                commune: (scheme, code as i32),
                address_text,
                latitude_e6: coordinates.map(|c| c.0),
                longitude_e6: coordinates.map(|c| c.1),
                crossing_mode,
                crossing_point,
                vessel_or_vehicle,
                persons_count,
                children_count,
                subjects,
                current_whereabouts,
                facilitator_info,
                health_flags,
                relationship_to_subjects,
                urgency,
                narrative,
                identity_mode,
                channel,
            };
            Ok((tip, Contact { name, phone, acting_as }))
        }
        _ => Err(c.errors),
    }
}

/// When it was seen: one moment, or a period that does not end before it starts.
fn observed_period(c: &mut Check, input: &ReportRequest, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match (&input.observed_at, &input.observed_from, &input.observed_to) {
        (Some(at), None, None) => c.time("observed_at", at, now).map(|t| (t, t)),
        (None, Some(from), Some(to)) => match (c.time("observed_from", from, now), c.time("observed_to", to, now)) {
            (Some(from), Some(to)) if from <= to => Some((from, to)),
            (Some(_), Some(_)) => {
                c.bad("observed_to", "before_start", Msg::of("report-must-not-be-before-observed-from"));
                None
            }
            _ => None,
        },
        _ => {
            c.bad("observed_at", "required", Msg::of("report-give-observed-at-or-both-observed"));
            None
        }
    }
}

/// A point inside Viet Nam, as microdegrees; both coordinates or neither.
fn coordinates(c: &mut Check, latitude: Option<f64>, longitude: Option<f64>) -> Option<(i64, i64)> {
    match (latitude, longitude) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            let inside = (LATITUDE.0..=LATITUDE.1).contains(&lat) && (LONGITUDE.0..=LONGITUDE.1).contains(&lon);
            if inside {
                Some(((lat * 1e6).round() as i64, (lon * 1e6).round() as i64))
            } else {
                c.bad("location.latitude", "outside_viet_nam", Msg::of("report-the-point-is-outside-viet-nam"));
                None
            }
        }
        (Some(_), None) => {
            c.bad("location.longitude", "required", Msg::of("report-is-required-with-latitude"));
            None
        }
        (None, Some(_)) => {
            c.bad("location.latitude", "required", Msg::of("report-is-required-with-longitude"));
            None
        }
    }
}

/// The people seen, each field checked under its indexed name (`subjects[0].sex`).
fn subjects(c: &mut Check, given: &[SubjectInput]) -> Vec<Subject> {
    let mut subjects = Vec::new();
    if given.len() > MAX_SUBJECTS {
        c.bad("subjects", "too_many", Msg::of("report-at-most-people").arg("max-subjects", MAX_SUBJECTS));
    }
    for (i, s) in given.iter().take(MAX_SUBJECTS).enumerate() {
        let f = |name: &str| format!("subjects[{i}].{name}");
        subjects.push(Subject {
            approximate_age: c.number(&f("approximate_age"), s.approximate_age, 0, 120),
            sex: c.opt_one_of(&f("sex"), &s.sex, &SEXES),
            apparent_nationality: c.text(&f("apparent_nationality"), &s.apparent_nationality, 100),
            description: c.text(&f("description"), &s.description, 500),
            alias: c.text(&f("alias"), &s.alias, 100),
        });
    }
    subjects
}

/// Health flags, each one once.
fn health_flags(c: &mut Check, flags: &[String]) -> Vec<String> {
    let mut health_flags = Vec::new();
    if flags.len() > MAX_HEALTH_FLAGS {
        c.bad("health_flags", "too_many", Msg::of("report-at-most-flags").arg("max-health-flags", MAX_HEALTH_FLAGS));
    }
    for (i, flag) in flags.iter().take(MAX_HEALTH_FLAGS).enumerate() {
        if let Some(flag) = c.one_of(&format!("health_flags[{i}]"), flag, &HEALTH_FLAGS)
            && !health_flags.contains(&flag)
        {
            health_flags.push(flag);
        }
    }
    health_flags
}

/// The narrative, trimmed: long enough to say something after trimming, and within the
/// limit as sent.
fn narrative(c: &mut Check, sent_text: &str) -> String {
    let narrative = sent_text.trim().to_owned();
    let (chars, sent) = (narrative.chars().count(), sent_text.chars().count());
    if sent == 0 {
        c.required("narrative");
    } else if chars < NARRATIVE_CHARS.0 || sent > NARRATIVE_CHARS.1 {
        c.bad(
            "narrative",
            "length",
            Msg::of("report-must-have-to-characters-say-what")
                .arg("narrative-chars-0", NARRATIVE_CHARS.0)
                .arg("narrative-chars-1", NARRATIVE_CHARS.1),
        );
    }
    narrative
}

/// A Vietnamese mobile number, normalised; none when left empty.
fn phone(c: &mut Check, phone: Option<&str>) -> Option<String> {
    match phone.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match Login::parse(p) {
            Some(Login::Phone(phone)) => Some(phone),
            _ => {
                c.bad("reporter.phone", "invalid", Msg::of("report-must-be-a-vietnamese-mobile-number"));
                None
            }
        },
    }
}
