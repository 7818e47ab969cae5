//! The pages' words: Fluent catalogues (`locales/<lang>.ftl`), one per language, shipped
//! inside the binary. A translator edits a catalogue with any Fluent tool; a message
//! missing from one is logged and shown by its id, and a test keeps the catalogues alike.

use std::cell::RefCell;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use crate::i18n::Lang;

type Bundle = FluentBundle<FluentResource>;

/// The catalogues as shipped: `(language tag, Fluent source)`.
pub const CATALOGUES: [(&str, &str); 2] =
    [("vi", include_str!("../../locales/vi.ftl")), ("en", include_str!("../../locales/en.ftl"))];

/// Every language's catalogue, parsed once at start-up.
pub struct Texts {
    vi: Bundle,
    en: Bundle,
}

impl Texts {
    /// Parses the shipped catalogues. A syntax error in one is a bug caught by the tests.
    pub fn shipped() -> Result<Texts, String> {
        let [(vi_tag, vi_source), (en_tag, en_source)] = CATALOGUES;
        Ok(Texts { vi: bundle(vi_tag, vi_source)?, en: bundle(en_tag, en_source)? })
    }

    /// The words of `lang`, for a template.
    pub fn of(&self, lang: Lang) -> T<'_> {
        T { bundle: if lang == Lang::En { &self.en } else { &self.vi }, lang, missing: RefCell::default() }
    }
}

fn bundle(tag: &str, source: &str) -> Result<Bundle, String> {
    let resource = FluentResource::try_new(source.to_owned()).map_err(|(_, e)| format!("{tag}.ftl: {e:?}"))?;
    let lang = tag.parse().map_err(|e| format!("{tag}: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // No Unicode isolation marks around arguments: they would show in copied text.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|e| format!("{tag}.ftl: {e:?}"))?;
    Ok(bundle)
}

/// One language's words, as templates use them: `{{ t.get("home-title") }}`.
pub struct T<'a> {
    bundle: &'a Bundle,
    lang: Lang,
    /// The ids asked for that the catalogue lacks (most are made at run time, as
    /// `matter-<code>`, so only drawing a page finds them).
    missing: RefCell<Vec<String>>,
}

impl T<'_> {
    /// The message `id`.
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.to_owned());
        self.format(id, Some(&args))
    }

    /// The language's tag, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.lang.tag()
    }

    /// The ids asked for so far that the catalogue lacks.
    pub fn missing(&self) -> Vec<String> {
        self.missing.borrow().clone()
    }

    /// The language itself, for messages that come from the core (`Msg`).
    pub fn language(&self) -> Lang {
        self.lang
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = self.lang.tag(), "a message is missing from the catalogue");
            self.missing.borrow_mut().push(id.to_owned());
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, lang = self.lang.tag(), "a message could not be formatted");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_catalogue_parses_and_holds_the_same_messages() {
        let texts = Texts::shipped().expect("the catalogues parse");
        let vi = ids(CATALOGUES[0].1);
        let en = ids(CATALOGUES[1].1);
        assert!(vi.len() > 100, "{}", vi.len());
        assert_eq!(vi.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new());
        assert_eq!(texts.of(Lang::Vi).get("nav-report"), "Báo tin");
        assert_eq!(texts.of(Lang::En).with("receipt-phone", "phone", "113"), "Phone: 113");
        assert_eq!(texts.of(Lang::En).get("no-such-message"), "no-such-message");
    }

    #[test]
    fn every_message_a_template_or_page_asks_for_exists() {
        let vi = ids(CATALOGUES[0].1);
        let mut asked = BTreeSet::new();
        for dir in ["templates", "src/web"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(path).expect("the directory").flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for call in ["t.get(\"", "t.with(\""] {
                    for part in text.split(call).skip(1) {
                        asked.insert(part.split('"').next().unwrap_or_default().to_owned());
                    }
                }
            }
        }
        assert!(asked.len() > 50, "{}", asked.len());
        let missing: Vec<&String> = asked.iter().filter(|id| !vi.contains(*id) && !id.contains('{')).collect();
        assert!(missing.is_empty(), "{missing:?}");
    }
}
