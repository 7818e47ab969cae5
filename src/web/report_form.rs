//! The tip form's page and its "check your answers" page, drawn from what was typed.

use askama::Template;

use super::context::Chrome;
use super::fields::{Choice, Errors, Field, FieldMaker, SummaryItem, viet_nam_time};
use super::form::Form;
use super::texts::T;
use crate::domain::admin_unit::AdminUnit;
use crate::domain::report::{CHANNELS, CROSSING_MODES, HEALTH_FLAGS, MATTERS, RELATIONSHIPS, SEXES, URGENCIES};
use crate::services::places::Picker;
use crate::services::tip_review::Reviewed;

/// The identity modes a resident chooses between on the page (being named is for
/// accounts, which the apps serve).
const PAGE_IDENTITY_MODES: [&str; 2] = ["anonymous", "confidential"];

/// The names of the fields the form shows, where errors can be placed.
pub const SHOWN: [&str; 25] = [
    "matter",
    "observed_at",
    "urgency",
    "location.commune_code",
    "location.address_text",
    "persons_count",
    "children_count",
    "crossing_mode",
    "crossing_point",
    "vessel_or_vehicle",
    "current_whereabouts",
    "facilitator_info",
    "health_flags",
    "subjects.0.sex",
    "subjects.0.approximate_age",
    "subjects.0.apparent_nationality",
    "subjects.0.description",
    "relationship_to_subjects",
    "narrative",
    "reporter.identity_mode",
    "reporter.name",
    "reporter.phone",
    "channel",
    "acting_as",
    "submission",
];

/// `report.html`.
#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage<'a> {
    pub t: &'a T,
    pub chrome: &'a Chrome,
    pub errors: Vec<SummaryItem>,
    pub matter: Field,
    pub observed_at: Field,
    pub urgency: Field,
    pub province: Field,
    pub district: Field,
    pub has_districts: bool,
    pub commune: Field,
    pub address_text: Field,
    pub persons_count: Field,
    pub children_count: Field,
    pub crossing_mode: Field,
    pub crossing_point: Field,
    pub vessel_or_vehicle: Field,
    pub current_whereabouts: Field,
    pub facilitator_info: Field,
    pub health_flags: Field,
    pub sex: Field,
    pub age: Field,
    pub nationality: Field,
    pub description: Field,
    pub relationship: Field,
    pub narrative: Field,
    pub identity_mode: Field,
    pub name: Field,
    pub phone: Field,
    /// Commune officials filing for a resident: how the resident reached them, and who.
    pub channel: Field,
    pub acting_as: Field,
    pub scheme: String,
    pub submission_token: String,
}

impl<'a> ReportPage<'a> {
    /// The form as typed, with `errors` beside their fields and the lists of `picker`.
    pub fn new(
        t: &'a T,
        chrome: &'a Chrome,
        form: &Form,
        errors: Errors,
        picker: &Picker,
        focus: Option<&str>,
    ) -> Self {
        let m = FieldMaker { form, errors: &errors, t, focus };
        let mut province = m.titled("place.province", "place-province");
        province.choices = unit_choices(&picker.provinces, picker.province);
        let mut district = m.titled("place.district", "place-district");
        district.choices = unit_choices(&picker.districts, picker.district);
        let mut commune = m.titled("location.commune_code", "place-commune");
        let chosen = form.value("location.commune_code").trim().parse().ok();
        commune.choices = unit_choices(&picker.communes, chosen);
        let page = ReportPage {
            t,
            chrome,
            matter: m.choices("matter", "matter-legend", "matter", &MATTERS, false),
            observed_at: m.field("observed_at", "observed_at", true),
            urgency: m.choices("urgency", "urgency-legend", "urgency", &URGENCIES, false),
            has_districts: !picker.districts.is_empty() || picker.province.is_none(),
            province,
            district,
            commune,
            address_text: m.field("location.address_text", "address_text", true),
            persons_count: m.field("persons_count", "persons_count", false),
            children_count: m.field("children_count", "children_count", false),
            crossing_mode: m.choices("crossing_mode", "crossing_mode-label", "crossing_mode", &CROSSING_MODES, false),
            crossing_point: m.field("crossing_point", "crossing_point", false),
            vessel_or_vehicle: m.field("vessel_or_vehicle", "vessel_or_vehicle", false),
            current_whereabouts: m.field("current_whereabouts", "current_whereabouts", false),
            facilitator_info: m.field("facilitator_info", "facilitator_info", false),
            health_flags: m.choices("health_flags", "health_flags-legend", "health_flags", &HEALTH_FLAGS, false),
            sex: m.choices("subjects.0.sex", "subjects-sex-label", "sex", &SEXES, false),
            age: m.field("subjects.0.approximate_age", "subjects-approximate_age", false),
            nationality: m.field("subjects.0.apparent_nationality", "subjects-apparent_nationality", false),
            description: m.field("subjects.0.description", "subjects-description", false),
            relationship: m.choices(
                "relationship_to_subjects",
                "relationship_to_subjects-label",
                "relationship",
                &RELATIONSHIPS,
                false,
            ),
            narrative: m.field("narrative", "narrative", true),
            identity_mode: m.choices(
                "reporter.identity_mode",
                "reporter-legend",
                "identity_mode",
                &PAGE_IDENTITY_MODES,
                true,
            ),
            name: m.field("reporter.name", "reporter-name", false),
            phone: m.field("reporter.phone", "reporter-phone", true),
            channel: m.choices("channel", "field-channel", "channel", &CHANNELS, false),
            acting_as: m.field("acting_as", "acting_as", true),
            scheme: scheme_of(form),
            submission_token: form.value("submission_token").to_owned(),
            errors: Vec::new(),
        };
        ReportPage { errors: errors.summary(), ..page }
    }
}

/// The scheme of units the form uses: the 2024 one (provinces, districts, communes),
/// which the shipped data and the phone's-position lookup know.
pub fn scheme_of(form: &Form) -> String {
    match form.value("location.scheme") {
        "2025" => "2025".to_owned(),
        _ => "2024".to_owned(),
    }
}

fn unit_choices(units: &[AdminUnit], chosen: Option<i32>) -> Vec<Choice> {
    units
        .iter()
        .map(|u| Choice {
            value: u.unit.code.to_string(),
            label: u.name.clone(),
            hint: String::new(),
            on: chosen == Some(u.unit.code),
        })
        .collect()
}

/// One answer on the check page.
pub struct Answer {
    pub label: String,
    pub value: String,
    /// The form name of the field its "Change" button focuses.
    pub field: &'static str,
}

/// `check.html`: the answers, and the acknowledgement that sends them.
#[derive(Template)]
#[template(path = "check.html")]
pub struct CheckPage<'a> {
    pub t: &'a T,
    pub chrome: &'a Chrome,
    pub errors: Vec<SummaryItem>,
    pub answers: Vec<Answer>,
    /// Everything typed, carried to the next step.
    pub hidden: Vec<(String, String)>,
    pub acknowledge_error: String,
}

impl<'a> CheckPage<'a> {
    pub fn new(t: &'a T, chrome: &'a Chrome, form: &Form, reviewed: &Reviewed, errors: Errors) -> Self {
        let tip = &reviewed.tip;
        let none = || t.get("check-none");
        let text = |v: &Option<String>| v.clone().unwrap_or_else(none);
        let choice =
            |prefix: &str, v: &Option<String>| v.as_deref().map_or_else(none, |v| t.get(&format!("{prefix}-{v}")));
        let place = reviewed.place.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ");
        let persons = match (tip.persons_count, tip.children_count) {
            (Some(p), Some(c)) => format!("{p} ({} {c})", t.get("children_count-label")),
            (Some(p), None) => p.to_string(),
            _ => none(),
        };
        let flags = if tip.health_flags.is_empty() {
            none()
        } else {
            tip.health_flags.iter().map(|f| t.get(&format!("health_flags-{f}"))).collect::<Vec<_>>().join(", ")
        };
        let when = if tip.observed_from == tip.observed_to {
            viet_nam_time(tip.observed_from)
        } else {
            format!("{} – {}", viet_nam_time(tip.observed_from), viet_nam_time(tip.observed_to))
        };
        let identity = if tip.identity_mode == "anonymous" {
            t.get("check-anonymous")
        } else {
            let contact = [reviewed.contact.name.clone(), reviewed.contact.phone.clone()];
            let contact = contact.into_iter().flatten().collect::<Vec<_>>().join(", ");
            format!("{} — {contact}", t.get("check-confidential"))
        };
        let answer = |label: String, value: String, field| Answer { label, value, field };
        let mut answers = vec![
            answer(t.get("matter-legend"), t.get(&format!("matter-{}", tip.matter.as_str())), "matter"),
            answer(t.get("observed_at-label"), when, "observed_at"),
            answer(t.get("urgency-legend"), choice("urgency", &tip.urgency), "urgency"),
            answer(t.get("place-legend"), place, "location.commune_code"),
            answer(t.get("address_text-label"), text(&tip.address_text), "location.address_text"),
            answer(t.get("persons_count-label"), persons, "persons_count"),
            answer(t.get("crossing_mode-label"), choice("crossing_mode", &tip.crossing_mode), "crossing_mode"),
            answer(t.get("crossing_point-label"), text(&tip.crossing_point), "crossing_point"),
            answer(t.get("vessel_or_vehicle-label"), text(&tip.vessel_or_vehicle), "vessel_or_vehicle"),
            answer(t.get("current_whereabouts-label"), text(&tip.current_whereabouts), "current_whereabouts"),
            answer(t.get("facilitator_info-label"), text(&tip.facilitator_info), "facilitator_info"),
            answer(t.get("health_flags-legend"), flags, "health_flags"),
        ];
        if let Some(subject) = tip.subjects.first() {
            let parts = [
                subject.sex.as_deref().map(|s| t.get(&format!("sex-{s}"))),
                subject.approximate_age.map(|a| a.to_string()),
                subject.apparent_nationality.clone(),
                subject.description.clone(),
            ];
            let described = parts.into_iter().flatten().collect::<Vec<_>>().join(", ");
            answers.push(answer(t.get("subject-legend"), described, "subjects.0.sex"));
        }
        answers.push(answer(
            t.get("relationship_to_subjects-label"),
            choice("relationship", &tip.relationship_to_subjects),
            "relationship_to_subjects",
        ));
        answers.push(answer(t.get("narrative-label"), tip.narrative.clone(), "narrative"));
        answers.push(answer(t.get("reporter-legend"), identity, "reporter.identity_mode"));
        let acknowledge_error = {
            let m = FieldMaker { form, errors: &errors, t, focus: None };
            m.titled("acknowledged_false_report_warning", "acknowledge-label").error
        };
        let hidden = form
            .pairs()
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "action" | "csrf_token" | "acknowledged_false_report_warning"))
            .cloned()
            .collect();
        CheckPage { t, chrome, errors: errors.summary(), answers, hidden, acknowledge_error }
    }
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use super::*;
    use crate::domain::admin_unit::{Level, Scheme, UnitRef};
    use crate::error::FieldError;
    use crate::i18n::{Lang, Msg};
    use crate::web::texts::T;

    fn unit(level: Level, code: i32, name: &str) -> AdminUnit {
        AdminUnit { unit: UnitRef { scheme: Scheme::S2024, level, code }, name: name.to_owned(), parent: None }
    }

    #[test]
    fn the_form_asks_the_catalogues_only_for_messages_they_hold() {
        let picker = Picker {
            provinces: std::sync::Arc::new(vec![unit(Level::Province, 91, "Tỉnh Kiên Giang")]),
            districts: vec![unit(Level::District, 902, "Huyện Kiên Lương")],
            communes: vec![unit(Level::Commune, 30787, "Thị trấn Kiên Lương")],
            province: Some(91),
            district: Some(902),
        };
        let chrome = Chrome {
            css: String::new(),
            js: String::new(),
            csrf: "t".into(),
            languages: Vec::new(),
            path: "/report",
            audit_link: false,
            overview_link: false,
            admin_link: false,
            filing_as: String::new(),
            report_link: false,
        };
        for lang in [Lang::VI, Lang::EN] {
            let t = T::of(lang);
            let errors = vec![
                FieldError::new("subjects[0].sex", "invalid", Msg::of("report-form-wrong")),
                FieldError::new("location.latitude", "required", Msg::of("report-form-missing")),
            ];
            let errors = Errors::from_core(&errors, &t, &SHOWN, "narrative");
            let page = ReportPage::new(&t, &chrome, &Form::default(), errors, &picker, Some("narrative"));
            let html = page.render().expect("the form renders");
            assert!(html.contains("Kiên Lương") && html.contains("autofocus"), "{html}");
            assert_eq!(t.missing(), Vec::<String>::new(), "{lang:?}");
        }
    }
}
