//! The pages' words: the `pages.ftl` of each language's catalogue (`locales/<lang>/`),
//! read through `i18n`. A translator edits a catalogue with any Fluent tool; a message
//! missing from one is logged and shown by its id, and tests keep the catalogues alike.

use std::cell::RefCell;

use crate::i18n::{Lang, format_in};

/// One language's words, as templates use them: `{{ t.get("home-title") }}`.
pub struct T {
    lang: Lang,
    /// The ids asked for that the catalogue lacks (most are made at run time, as
    /// `matter-<code>`, so only drawing a page finds them).
    missing: RefCell<Vec<String>>,
}

impl T {
    /// The words of `lang`.
    pub fn of(lang: Lang) -> T {
        T { lang, missing: RefCell::default() }
    }

    /// The message `id`.
    pub fn get(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` with one argument.
    pub fn with(&self, id: &str, name: &str, value: &str) -> String {
        self.format(id, &[(name, value)])
    }

    /// The message `id` with several arguments.
    pub fn with_args(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.format(id, args)
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

    fn format(&self, id: &str, args: &[(&str, &str)]) -> String {
        format_in(self.lang, id, args).unwrap_or_else(|| {
            tracing::warn!(id, lang = self.lang.tag(), "a message is missing from the catalogue");
            self.missing.borrow_mut().push(id.to_owned());
            id.to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::i18n::ids_in;

    #[test]
    fn the_pages_words_come_from_each_languages_catalogue() {
        assert_eq!(T::of(Lang::VI).get("nav-report"), "Báo tin");
        assert_eq!(T::of(Lang::EN).with("receipt-phone", "phone", "113"), "Phone: 113");
        let missing = T::of(Lang::EN);
        assert_eq!(missing.get("no-such-message"), "no-such-message");
        assert_eq!(missing.missing(), ["no-such-message"]);
    }

    #[test]
    fn every_message_a_template_or_page_asks_for_exists() {
        let vi: BTreeSet<String> =
            ids_in(Lang::VI, "pages.ftl").into_iter().chain(ids_in(Lang::VI, "console.ftl")).collect();
        let mut asked = BTreeSet::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("templates"), root.join("src/web")];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("the directory").flatten() {
                if entry.path().is_dir() { dirs.push(entry.path()) } else { files.push(entry.path()) }
            }
        }
        assert!(files.iter().any(|f| f.ends_with("staff/case.html")), "the console's templates are read too");
        {
            for path in files {
                let text = std::fs::read_to_string(path).unwrap_or_default();
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
