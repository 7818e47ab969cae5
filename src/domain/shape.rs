//! Reading a JSON document into a request type while naming *every* field whose shape is
//! wrong, not just the first: deserialisation stops at the first error, so each wrong
//! field is noted, taken out of the document, and the rest read again. Both faces use it:
//! the JSON API on its body, the pages on the document their form fields make.

use serde::de::DeserializeOwned;

use crate::error::FieldError;
use crate::i18n::Msg;

/// At most this many wrong fields are named; a document with more is not worth reading on.
const MAX_SHAPE_ERRORS: usize = 50;

/// Reads `value` as a `T`. On failure, every field of the wrong type, unknown, or
/// missing, as far as taking the wrong ones out lets the rest be read. `Ok` carries the
/// value read without the wrong fields, for types whose fields are all optional
/// underneath, together with the errors: the caller decides whether a partial read
/// counts (a tip checks the rest, so that one answer names everything).
pub fn read_all<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<(T, Vec<FieldError>), Vec<FieldError>> {
    let mut errors = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(read) => return Ok((read, errors)),
            Err(e) => {
                let path = e.path().to_string();
                let error = shape_error(&e);
                let missing = error.code == "required";
                // A required field of the wrong type, once taken out, reads as missing.
                if !(missing && errors.iter().any(|e: &FieldError| e.field == error.field)) {
                    errors.push(error);
                }
                if missing || errors.len() >= MAX_SHAPE_ERRORS || !take_out(&mut value, &path) {
                    return Err(errors);
                }
            }
        }
    }
}

/// Names the field whose value has the wrong type, is missing, or is unknown. The value
/// itself is never quoted back: it may be a phone number or a name.
pub fn shape_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = e.path().to_string();
    let text = e.inner().to_string();
    let quoted =
        |prefix: &str| text.strip_prefix(prefix).and_then(|r| r.strip_prefix('`')).and_then(|r| r.split('`').next());
    let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    if let Some(name) = quoted("unknown field ") {
        // The path already ends at the unknown field.
        FieldError::new(
            if path.ends_with(name) { path.clone() } else { join(name) },
            "unknown",
            Msg::of("shape-is-not-a-field-of-this"),
        )
    } else if let Some(name) = quoted("missing field ") {
        FieldError::new(join(name), "required", Msg::of("report-is-required"))
    } else {
        FieldError::new(if path == "." { "body".to_owned() } else { path }, "wrong_type", expected(&text))
    }
}

/// What the field should have held, from serde's "expected …" (never its "invalid type"
/// part, which quotes the value).
fn expected(serde_text: &str) -> Msg {
    let wanted = serde_text.split("expected ").nth(1).unwrap_or_default();
    let is = |names: &[&str]| names.iter().any(|n| wanted.starts_with(n));
    if is(&["i64", "i32", "u32", "u64", "u16", "u8", "i16", "i8", "usize"]) {
        Msg::of("shape-must-be-a-whole-number")
    } else if is(&["f64", "f32"]) {
        Msg::of("shape-must-be-a-number")
    } else if is(&["a boolean"]) {
        Msg::of("shape-must-be-true-or-false")
    } else if is(&["a string"]) {
        Msg::of("shape-must-be-text")
    } else if is(&["a sequence"]) {
        Msg::of("shape-must-be-a-list")
    } else if is(&["struct", "a map"]) {
        Msg::of("shape-must-be-an-object-with-named")
    } else {
        Msg::of("shape-has-the-wrong-type-a-number")
    }
}

/// Takes the field at `path` (`location.commune_code`, `subjects[0].sex`) out of
/// `value`. An element of a list takes its whole list with it, since the elements after
/// it would change place. Whether anything was taken out.
fn take_out(value: &mut serde_json::Value, path: &str) -> bool {
    let mut segments: Vec<Segment> = Vec::new();
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segments.push(Segment::Key(key.to_owned()));
        }
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            match index.trim_end_matches(']').parse() {
                Ok(i) => segments.push(Segment::Index(i)),
                Err(_) => return false,
            }
        }
    }
    // A list element goes with its list.
    while matches!(segments.last(), Some(Segment::Index(_))) {
        segments.pop();
    }
    let Some(Segment::Key(last)) = segments.pop() else { return false };
    let mut at = value;
    for segment in segments {
        let next = match segment {
            Segment::Key(key) => at.get_mut(key.as_str()),
            Segment::Index(i) => at.get_mut(i),
        };
        match next {
            Some(next) => at = next,
            None => return false,
        }
    }
    at.as_object_mut().is_some_and(|map| map.remove(&last).is_some())
}

enum Segment {
    Key(String),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        count: Option<i64>,
        flags: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: Option<String>,
        inner: Option<Inner>,
        items: Option<Vec<Inner>>,
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors.iter().map(|e| (e.field.as_str(), e.code)).collect()
    }

    #[test]
    fn every_wrong_field_is_named_in_one_read() {
        let doc = json!({
            "name": 5,
            "inner": {"count": "three", "flags": ["a", 2], "extra": true},
            "items": [{"count": 1}, {"count": 1.5}],
            "surprise": null
        });
        let (read, errors) = read_all::<Outer>(doc).expect("what is left reads");
        assert_eq!(
            fields(&errors),
            // In the document's order of keys, which serde_json keeps sorted.
            vec![
                ("inner.count", "wrong_type"),
                ("inner.extra", "unknown"),
                ("inner.flags[1]", "wrong_type"),
                ("items[1].count", "wrong_type"),
                ("name", "wrong_type"),
                ("surprise", "unknown"),
            ]
        );
        assert_eq!(errors[4].message.en(), "must be text");
        assert_eq!(errors[0].message.en(), "must be a whole number");
        let inner = read.inner.expect("inner stays");
        assert!(inner.count.is_none() && inner.flags.is_none());
        let items = read.items.expect("the list stays, less the wrong field");
        assert_eq!((items[0].count, items[1].count), (Some(1), None));
        assert!(read.name.is_none());
    }

    #[test]
    fn a_missing_field_ends_the_read_and_no_value_is_quoted() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Needs {
            must: String,
        }
        let errors = read_all::<Needs>(json!({})).unwrap_err();
        assert_eq!(fields(&errors), vec![("must", "required")]);
        let errors = read_all::<Needs>(json!({"must": 912345678})).unwrap_err();
        assert_eq!(fields(&errors), vec![("must", "wrong_type")]);
        assert!(
            !errors[0].message.en().contains("912345678")
                && !errors[0].message.get(crate::i18n::Lang::VI).contains("912345678")
        );
        let errors = read_all::<Needs>(json!("text")).unwrap_err();
        assert_eq!(errors[0].field, "body");
    }
}
