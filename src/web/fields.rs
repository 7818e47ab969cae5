//! Form fields as the templates draw them: a label, a hint, what was typed, and the
//! error beside it, with the error summary at the top linking to each field (the GOV.UK
//! pattern). The core names a field by its JSON path (`subjects[0].sex`); the page by its
//! form name (`subjects.0.sex`).

use std::collections::BTreeMap;

use super::form::Form;
use super::texts::T;
use crate::error::FieldError;

/// One choice of a radio group, a select or a set of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub on: bool,
}

/// One field, ready to draw.
pub struct Field {
    pub name: String,
    pub id: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    /// Empty when the field is fine.
    pub error: String,
    /// The ids of the hint and error, for `aria-describedby`.
    pub described_by: String,
    pub choices: Vec<Choice>,
    /// Whether the field gets the focus (the answer its reporter asked to change).
    pub focus: bool,
}

impl Field {
    /// The field with a hint under its label (a hint worded for this page).
    pub fn hinted(mut self, hint: String) -> Field {
        let hint_id = format!("{}-hint", self.id);
        self.described_by =
            if self.described_by.is_empty() { hint_id } else { format!("{hint_id} {}", self.described_by) };
        self.hint = hint;
        self
    }
}

/// An entry of the error summary.
pub struct SummaryItem {
    pub href: String,
    pub text: String,
}

/// The form's errors, by form name, in the page's language.
#[derive(Default)]
pub struct Errors {
    by_name: BTreeMap<String, String>,
    summary: Vec<SummaryItem>,
}

impl Errors {
    /// Places each of the core's errors on the field it names; one on a field the page
    /// does not show goes on `fallback` (the summary names it still).
    pub fn from_core(errors: &[FieldError], t: &T, shown: &[&str], fallback: &str) -> Errors {
        let mut out = Errors::default();
        for e in errors {
            let name = form_name(&e.field);
            let target = if shown.contains(&name.as_str()) { name.clone() } else { fallback.to_owned() };
            let message = e.message.get(t.language());
            let label = t.get(&label_id(&name));
            out.summary
                .push(SummaryItem { href: format!("#{}", field_id(&target)), text: format!("{label}: {message}") });
            out.by_name.entry(target).or_insert(message);
        }
        out
    }

    /// One error, on one field.
    pub fn one(name: &str, t: &T, message: String) -> Errors {
        let mut out = Errors::default();
        let label = t.get(&label_id(name));
        out.summary.push(SummaryItem { href: format!("#{}", field_id(name)), text: format!("{label}: {message}") });
        out.by_name.insert(name.to_owned(), message);
        out
    }

    /// A field that has an error, to put the focus on.
    pub fn first_name(&self) -> Option<String> {
        self.by_name.keys().next().cloned()
    }

    pub fn summary(self) -> Vec<SummaryItem> {
        self.summary
    }

    fn on(&self, name: &str) -> String {
        self.by_name.get(name).cloned().unwrap_or_default()
    }
}

/// Builds fields from what was typed, the errors and the words of the page.
pub struct FieldMaker<'a> {
    pub form: &'a Form,
    pub errors: &'a Errors,
    pub t: &'a T,
    /// The field to focus, if any.
    pub focus: Option<&'a str>,
}

impl FieldMaker<'_> {
    /// A field labelled by the message `<key>-label`, hinted by `<key>-hint` if given.
    pub fn field(&self, name: &str, key: &str, hint: bool) -> Field {
        let hint = if hint { self.t.get(&format!("{key}-hint")) } else { String::new() };
        self.labelled(name, self.t.get(&format!("{key}-label")), hint)
    }

    /// A field labelled by the message `label`, without a hint.
    pub fn titled(&self, name: &str, label: &str) -> Field {
        self.labelled(name, self.t.get(label), String::new())
    }

    fn labelled(&self, name: &str, label: String, hint: String) -> Field {
        let id = field_id(name);
        let error = self.errors.on(name);
        let mut described = Vec::new();
        if !hint.is_empty() {
            described.push(format!("{id}-hint"));
        }
        if !error.is_empty() {
            described.push(format!("{id}-error"));
        }
        Field {
            name: name.to_owned(),
            label,
            hint,
            value: self.form.value(name).to_owned(),
            error,
            described_by: described.join(" "),
            choices: Vec::new(),
            focus: self.focus == Some(name),
            id,
        }
    }

    /// A field with choices, whose labels are `<prefix>-<value>` (and hints
    /// `<prefix>-<value>-hint` where `hints`); its own label is the message `legend`.
    pub fn choices(&self, name: &str, legend: &str, prefix: &str, values: &[&str], hints: bool) -> Field {
        let mut field = self.titled(name, legend);
        field.choices = values
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: self.t.get(&format!("{prefix}-{v}")),
                hint: if hints { self.t.get(&format!("{prefix}-{v}-hint")) } else { String::new() },
                on: self.form.has(name, v),
            })
            .collect();
        field
    }
}

/// A moment as a resident in Viet Nam reads it: `20/11/2026 21:30`, in Viet Nam time
/// (UTC+7 all year).
pub fn viet_nam_time(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::TimeDelta::hours(7)).format("%d/%m/%Y %H:%M").to_string()
}

/// The form name of a core field path: `subjects[0].sex` → `subjects.0.sex`; an item
/// of a list of values (`health_flags[2]`) is its list.
pub fn form_name(path: &str) -> String {
    let dotted = path.replace('[', ".").replace(']', "");
    match dotted.rsplit_once('.') {
        Some((list, last)) if last.parse::<usize>().is_ok() => list.to_owned(),
        _ => dotted,
    }
}

/// The element id of a field.
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// The message naming a field in the error summary: `field-location-commune_code`;
/// every described person's fields share `field-subjects`.
fn label_id(name: &str) -> String {
    if name.starts_with("subjects.") {
        return "field-subjects".to_owned();
    }
    format!("field-{}", name.replace('.', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_paths_become_form_names() {
        assert_eq!(form_name("subjects[0].sex"), "subjects.0.sex");
        assert_eq!(form_name("health_flags[2]"), "health_flags");
        assert_eq!(form_name("location.commune_code"), "location.commune_code");
        assert_eq!(field_id("location.commune_code"), "f-location-commune_code");
        assert_eq!(label_id("subjects.3.sex"), "field-subjects");
    }
}
