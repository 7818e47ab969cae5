//! Human-readable text in Vietnamese and English. Codes never change with the language;
//! only the sentences do.

use std::borrow::Cow;

/// A language tinbao speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Vietnamese: the default, as most callers are Vietnamese residents and staff.
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header: the first of `vi`/`en` by
    /// preference (`q`), Vietnamese when neither is named.
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::default();
        };
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality =
                parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("vi") => Lang::Vi,
                Some("en") => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::default(), |(_, lang)| lang)
    }

    /// The tag for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// A sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub en: Cow<'static, str>,
    pub vi: Cow<'static, str>,
}

impl Msg {
    pub fn new(en: impl Into<Cow<'static, str>>, vi: impl Into<Cow<'static, str>>) -> Self {
        Msg { en: en.into(), vi: vi.into() }
    }

    /// The sentence in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_preference_and_defaults_to_vietnamese() {
        assert_eq!(Lang::negotiate(None), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("en")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.5, vi;q=0.8")), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("vi-VN;q=0, en;q=0.1")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de")), Lang::Vi);
        assert_eq!(Lang::negotiate(Some(";;,q=x")), Lang::Vi);
    }
}
