//! Form bodies, and the tip document a report form makes. Field names are the JSON
//! paths of `POST /api/v1/reports`, dotted, with an index for list items
//! (`subjects.0.sex`) and repeated names for lists of values (`health_flags`), so that
//! the form and the API are read by the same code (`ReportRequest::read`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The longest form field read; longer ones are cut here and refused by the checks that
/// count characters (every limit of a tip is far below).
const MAX_FIELD_BYTES: usize = 20_000;
/// The most people described on one form.
const MAX_FORM_SUBJECTS: usize = 50;

/// A form body's fields, in order, repeated names kept.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

/// What a field of the tip holds once read from text.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Whole,
    Number,
    Flag,
    Time,
    List,
}

/// The tip's fields a form may carry. Anything else (the CSRF token, the buttons, the
/// place picker's province and district) is not part of the tip.
const TOP: [(&str, Kind); 18] = [
    ("matter", Kind::Text),
    // Commune officials only (the use case refuses them from anyone else).
    ("acting_as", Kind::Text),
    ("channel", Kind::Text),
    ("observed_at", Kind::Time),
    ("crossing_mode", Kind::Text),
    ("crossing_point", Kind::Text),
    ("vessel_or_vehicle", Kind::Text),
    ("persons_count", Kind::Whole),
    ("children_count", Kind::Whole),
    ("current_whereabouts", Kind::Text),
    ("facilitator_info", Kind::Text),
    ("health_flags", Kind::List),
    ("relationship_to_subjects", Kind::Text),
    ("urgency", Kind::Text),
    ("narrative", Kind::Text),
    ("acknowledged_false_report_warning", Kind::Flag),
    ("acting_as", Kind::Text),
    ("channel", Kind::Text),
];
const LOCATION: [(&str, Kind); 5] = [
    ("scheme", Kind::Text),
    ("commune_code", Kind::Whole),
    ("address_text", Kind::Text),
    ("latitude", Kind::Number),
    ("longitude", Kind::Number),
];
const REPORTER: [(&str, Kind); 3] = [("identity_mode", Kind::Text), ("name", Kind::Text), ("phone", Kind::Text)];
const SUBJECT: [(&str, Kind); 5] = [
    ("approximate_age", Kind::Whole),
    ("sex", Kind::Text),
    ("apparent_nationality", Kind::Text),
    ("description", Kind::Text),
    ("alias", Kind::Text),
];

impl Form {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Form {
        let pairs = form_urlencoded::parse(body)
            .map(|(k, v)| {
                let mut value = v.into_owned();
                if value.len() > MAX_FIELD_BYTES {
                    let mut end = MAX_FIELD_BYTES;
                    while !value.is_char_boundary(end) {
                        end -= 1;
                    }
                    value.truncate(end);
                }
                // Browsers send line breaks as CR LF; the API counts what a person typed.
                (k.into_owned(), value.replace("\r\n", "\n"))
            })
            .collect();
        Form { pairs }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or empty.
    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// Whether `name` holds `value` among its values (checkboxes, radios, options).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    /// The fields, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Sets `name` to `value` alone.
    pub fn set(&mut self, name: &str, value: &str) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.to_owned()));
    }

    /// The tip document these fields make: the JSON `POST /api/v1/reports` takes. Empty
    /// fields are left out (an empty box is no answer); text that does not read as the
    /// number a field holds is kept as text, for the check to name.
    pub fn report_document(&self) -> Value {
        let mut top = Map::new();
        let (mut location, mut reporter) = (Map::new(), Map::new());
        let mut subjects: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
        for (name, value) in &self.pairs {
            if value.trim().is_empty() {
                continue;
            }
            let mut parts = name.splitn(3, '.');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(key), None, None) => {
                    if let Some(kind) = kind_of(&TOP, key) {
                        put(&mut top, key, kind, value);
                    }
                }
                (Some("location"), Some(key), None) => {
                    if let Some(kind) = kind_of(&LOCATION, key) {
                        put(&mut location, key, kind, value);
                    }
                }
                (Some("reporter"), Some(key), None) => {
                    if let Some(kind) = kind_of(&REPORTER, key) {
                        put(&mut reporter, key, kind, value);
                    }
                }
                (Some("subjects"), Some(index), Some(key)) => {
                    if let (Ok(index), Some(kind)) = (index.parse::<usize>(), kind_of(&SUBJECT, key))
                        && index < MAX_FORM_SUBJECTS
                    {
                        put(subjects.entry(index).or_default(), key, kind, value);
                    }
                }
                _ => {}
            }
        }
        if !location.is_empty() {
            top.insert("location".into(), Value::Object(location));
        }
        if !reporter.is_empty() {
            top.insert("reporter".into(), Value::Object(reporter));
        }
        if !subjects.is_empty() {
            top.insert("subjects".into(), Value::Array(subjects.into_values().map(Value::Object).collect()));
        }
        Value::Object(top)
    }
}

fn kind_of(fields: &[(&str, Kind)], key: &str) -> Option<Kind> {
    fields.iter().find(|(name, _)| *name == key).map(|(_, kind)| *kind)
}

fn put(map: &mut Map<String, Value>, key: &str, kind: Kind, value: &str) {
    let typed = match kind {
        Kind::Text => Value::String(value.to_owned()),
        Kind::Whole => value.trim().parse::<i64>().map_or_else(|_| Value::String(value.to_owned()), Value::from),
        Kind::Number => value.trim().parse::<f64>().map_or_else(|_| Value::String(value.to_owned()), Value::from),
        Kind::Flag => Value::Bool(value == "true"),
        Kind::Time => Value::String(viet_nam_time(value.trim())),
        Kind::List => {
            let list = map.entry(key.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(Value::String(value.to_owned()));
            }
            return;
        }
    };
    map.insert(key.to_owned(), typed);
}

/// An `<input type="datetime-local">` value (`2026-11-20T21:30`, seconds optional) read
/// as Viet Nam time, which has been UTC+7 all year since 1975. Anything else is left for
/// the check to name.
fn viet_nam_time(value: &str) -> String {
    let bytes = value.as_bytes();
    let local = (value.len() == 16 || value.len() == 19)
        && bytes.get(10) == Some(&b'T')
        && value.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T'));
    match (local, value.len()) {
        (true, 16) => format!("{value}:00+07:00"),
        (true, _) => format!("{value}+07:00"),
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dotted_names_make_the_apis_document() {
        let body = "matter=illegal_entry&observed_at=2026-11-20T21%3A30&location.scheme=2024&location.commune_code=30880\
            &place.province=91&persons_count=5&children_count=&health_flags=fever&health_flags=cough\
            &subjects.0.sex=male&subjects.0.approximate_age=30&subjects.1.sex=&narrative=line+one%0D%0Aline+two\
            &reporter.identity_mode=anonymous&acknowledged_false_report_warning=true&csrf_token=x&action=send";
        let doc = Form::parse(body.as_bytes()).report_document();
        assert_eq!(
            doc,
            json!({
                "matter": "illegal_entry",
                "observed_at": "2026-11-20T21:30:00+07:00",
                "location": {"scheme": "2024", "commune_code": 30880},
                "persons_count": 5,
                "health_flags": ["fever", "cough"],
                "subjects": [{"sex": "male", "approximate_age": 30}],
                "narrative": "line one\nline two",
                "reporter": {"identity_mode": "anonymous"},
                "acknowledged_false_report_warning": true
            })
        );
    }

    #[test]
    fn what_does_not_read_as_a_number_stays_text_for_the_check() {
        let doc = Form::parse(b"persons_count=five&location.latitude=north&observed_at=yesterday").report_document();
        assert_eq!(
            doc,
            json!({"persons_count": "five", "location": {"latitude": "north"}, "observed_at": "yesterday"})
        );
        assert_eq!(viet_nam_time("2026-11-20T21:30:15"), "2026-11-20T21:30:15+07:00");
    }
}
