//! Turns `validator`'s findings into field errors with our own sentences: its default
//! messages can echo the submitted value (a phone number, a password), ours never do.

use validator::{Validate, ValidationErrorsKind};

use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;

/// Validates a request body; every bad field is named.
pub fn check(body: &impl Validate) -> Result<(), ServiceError> {
    match body.validate() {
        Ok(()) => Ok(()),
        Err(errors) => Err(ServiceError::validation(field_errors(&errors, ""))),
    }
}

/// Flattens nested validation errors into `a.b` field names.
pub fn field_errors(errors: &validator::ValidationErrors, prefix: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by_key(|(name, _)| name.to_string());
    for (name, kind) in fields {
        let field = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| one(&field, e))),
            ValidationErrorsKind::Struct(inner) => out.extend(field_errors(inner, &field)),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    out.extend(field_errors(inner, &format!("{field}[{index}]")));
                }
            }
        }
    }
    out
}

fn one(field: &str, error: &validator::ValidationError) -> FieldError {
    let param = |name: &str| error.params.get(name).and_then(|v| v.as_u64());
    match error.code.as_ref() {
        "length" => {
            let (min, max) = (param("min").unwrap_or(0), param("max"));
            let message = match max {
                Some(max) => Msg::of("validate-must-have-to-characters").arg("min", min).arg("max", max),
                None => Msg::of("validate-must-have-at-least-characters").arg("min", min),
            };
            FieldError::new(field, "length", message)
        }
        _ => FieldError::new(field, "invalid", Msg::of("validate-is-not-valid")),
    }
}
