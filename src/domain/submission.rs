//! A tip as a reporter sends it, before any check. Fields are read loosely (strings,
//! numbers) and checked one by one in `domain::report`, so that every bad field is named
//! in one answer. Every face fills the same record: the JSON API from its body, the pages
//! from form fields named by the same paths (`location.commune_code`).

use serde::Deserialize;

use crate::error::FieldError;

/// A tip as sent (`POST /api/v1/reports`). Fields the contract requires are defaulted
/// here and checked in `domain::report`, so that a missing one does not hide the others.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[serde(default)]
    pub matter: String,
    pub observed_at: Option<String>,
    pub observed_from: Option<String>,
    pub observed_to: Option<String>,
    #[serde(default)]
    pub location: LocationInput,
    pub crossing_mode: Option<String>,
    pub crossing_point: Option<String>,
    pub vessel_or_vehicle: Option<String>,
    pub persons_count: Option<i64>,
    pub children_count: Option<i64>,
    pub subjects: Option<Vec<SubjectInput>>,
    pub current_whereabouts: Option<String>,
    pub facilitator_info: Option<String>,
    pub health_flags: Option<Vec<String>>,
    pub relationship_to_subjects: Option<String>,
    pub urgency: Option<String>,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub reporter: ReporterInput,
    #[serde(default)]
    pub acknowledged_false_report_warning: bool,
    /// Commune officials: the resident they file for.
    pub acting_as: Option<String>,
    /// Commune officials: how the resident reached them.
    pub channel: Option<String>,
    /// Fields of the wrong type or unknown, taken out when the document was read.
    #[serde(skip)]
    pub shape_errors: Vec<FieldError>,
}

impl ReportRequest {
    /// Reads a tip from a JSON document (the API's body, or the document a form's
    /// fields make), noting every field of the wrong shape for `domain::report::check`.
    pub fn read(value: serde_json::Value) -> Result<Self, Vec<FieldError>> {
        let (mut request, shape_errors) = super::shape::read_all::<ReportRequest>(value)?;
        request.shape_errors = shape_errors;
        Ok(request)
    }
}

/// Where it happened.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    #[serde(default)]
    pub scheme: String,
    pub commune_code: Option<i64>,
    pub address_text: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// One person seen.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    pub approximate_age: Option<i64>,
    pub sex: Option<String>,
    pub apparent_nationality: Option<String>,
    pub description: Option<String>,
    pub alias: Option<String>,
}

/// Who reports, and how much of themselves they reveal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReporterInput {
    #[serde(default)]
    pub identity_mode: String,
    pub name: Option<String>,
    pub phone: Option<String>,
}
