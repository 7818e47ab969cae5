//! Human-readable text, in every language that has a catalogue. Codes never change with
//! the language; only the sentences do. The sentences live in Fluent catalogues,
//! `locales/<language>/*.ftl` (`problems.ftl` for the core's messages, `pages.ftl` for
//! the pages'), embedded by `build.rs`: a language is added by adding its folder.
//! Vietnamese is the default, and the language a message falls back to when a
//! catalogue lacks it.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// A language tinbao speaks: one of [`CATALOGUES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lang(usize);

impl Lang {
    /// Vietnamese: the default, as most callers are Vietnamese residents and staff.
    pub const VI: Lang = Lang(0);
    /// English.
    pub const EN: Lang = Lang(1);

    /// Every language with a catalogue, Vietnamese first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..CATALOGUES.len()).map(Lang)
    }

    /// The language whose tag (or primary subtag) is `tag`, e.g. `vi`, `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split('-').next().unwrap_or_default().to_ascii_lowercase();
        CATALOGUES.iter().position(|(t, _)| *t == primary).map(Lang)
    }

    /// Picks the language from an `Accept-Language` header: the first tinbao speaks by
    /// preference (`q`), Vietnamese when it speaks none of them.
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::default();
        };
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality =
                parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let Some(lang) = Lang::from_tag(tag) else { continue };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::default(), |(_, lang)| lang)
    }

    /// The tag for `Content-Language` and `<html lang>`.
    pub fn tag(self) -> &'static str {
        CATALOGUES.get(self.0).map_or("vi", |(tag, _)| tag)
    }
}

type Bundle = FluentBundle<FluentResource>;

/// Each language's messages, parsed once. A catalogue with a syntax error keeps the
/// messages that parsed; [`check_catalogues`] names the error at start-up and in tests.
static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| {
    CATALOGUES
        .iter()
        .map(|(tag, files)| {
            let lang = tag.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // No Unicode isolation marks around arguments: they would show in copied text.
            bundle.set_use_isolating(false);
            for (_, source) in *files {
                let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, _)| partial);
                // A message defined twice keeps its first definition (the second is
                // refused, and the catalogue test names it).
                let _ = bundle.add_resource(resource);
            }
            bundle
        })
        .collect()
});

/// Every syntax error in the catalogues, by file; none when all of them parse.
pub fn check_catalogues() -> Result<(), String> {
    let mut problems = Vec::new();
    for (tag, files) in CATALOGUES {
        for (file, source) in *files {
            if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                problems.push(format!("locales/{tag}/{file}: {errors:?}"));
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// The message `id` of `lang`'s catalogue with `args`, or `None` when that catalogue
/// lacks it (no fallback: the pages' tests want to know).
pub fn format_in(lang: Lang, id: &str, args: &[(&str, &str)]) -> Option<String> {
    let bundle = BUNDLES.get(lang.0)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, *value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!(id, lang = lang.tag(), "a message could not be formatted");
    }
    Some(text)
}

/// The ids of the messages in `lang`'s catalogue file `file` (`problems.ftl`).
pub fn ids_in(lang: Lang, file: &str) -> Vec<String> {
    let Some((_, files)) = CATALOGUES.get(lang.0) else { return Vec::new() };
    files
        .iter()
        .filter(|(name, _)| *name == file)
        .flat_map(|(_, source)| source.lines())
        .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
        .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// A sentence of the core, by its catalogue id, with its arguments: rendered in the
/// caller's language only when answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    id: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Msg {
    /// The message `id` of `locales/<language>/problems.ftl`.
    pub fn of(id: &'static str) -> Self {
        Msg { id, args: Vec::new() }
    }

    /// With the argument `name` (written `{ $name }` in the catalogues).
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The sentence in `lang`; in Vietnamese when `lang`'s catalogue lacks it, and its id
    /// when every catalogue does (a bug the catalogue test catches).
    pub fn get(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        format_in(lang, self.id, &args).or_else(|| format_in(Lang::VI, self.id, &args)).unwrap_or_else(|| {
            tracing::warn!(id = self.id, "a message is missing from every catalogue");
            self.id.to_owned()
        })
    }

    /// The sentence in English, for the operator's log.
    pub fn en(&self) -> String {
        self.get(Lang::EN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_preference_and_defaults_to_vietnamese() {
        assert_eq!(Lang::negotiate(None), Lang::VI);
        assert_eq!(Lang::negotiate(Some("en")), Lang::EN);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9")), Lang::EN);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.5, vi;q=0.8")), Lang::VI);
        assert_eq!(Lang::negotiate(Some("vi-VN;q=0, en;q=0.1")), Lang::EN);
        assert_eq!(Lang::negotiate(Some("de")), Lang::VI);
        assert_eq!(Lang::negotiate(Some(";;,q=x")), Lang::VI);
        assert_eq!((Lang::VI.tag(), Lang::EN.tag()), ("vi", "en"));
    }

    #[test]
    fn every_catalogue_parses_and_vietnamese_and_english_hold_the_same_messages() {
        check_catalogues().expect("every catalogue parses");
        for file in ["problems.ftl", "pages.ftl"] {
            let mut vi = ids_in(Lang::VI, file);
            let mut en = ids_in(Lang::EN, file);
            vi.sort();
            en.sort();
            assert!(vi.len() > 100, "{file}: {}", vi.len());
            assert_eq!(vi, en, "{file}");
        }
        let wait = Msg::of("error-too-many-attempts-please-wait-seconds").arg("seconds", 30);
        assert_eq!(wait.en(), "Too many attempts. Please wait 30 seconds and try again.");
        assert_eq!(wait.get(Lang::VI), "Quá nhiều lần thử. Vui lòng đợi 30 giây rồi thử lại.");
        assert_eq!(Msg::of("no-such-message").get(Lang::EN), "no-such-message");
    }

    #[test]
    fn the_languages_are_the_folders_of_locales() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut folders: Vec<String> = std::fs::read_dir(root)
            .expect("locales")
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        let mut served: Vec<String> = Lang::all().map(|l| l.tag().to_owned()).collect();
        served.sort();
        assert_eq!(served, folders, "a folder of locales/ is a language, and nothing else is");
        for lang in Lang::all() {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
            assert!(format_in(lang, "lang-name", &[]).is_some(), "{} names itself", lang.tag());
        }
    }

    #[test]
    fn every_message_the_code_names_is_in_the_catalogue() {
        let known = ids_in(Lang::VI, "problems.ftl");
        let mut missing = Vec::new();
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for part in text.split("Msg::of(\"").skip(1) {
                let id = part.split('"').next().unwrap_or_default();
                if !known.iter().any(|k| k == id) && id != "no-such-message" {
                    missing.push(format!("{}: {id}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
