//! Text folding for searches that ignore Vietnamese diacritics and case.

/// Folds a name for accent- and case-insensitive search: `Huyện Kiên Lương` becomes
/// `huyen kien luong`. `đ`/`Đ` become `d`, as Vietnamese readers expect.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text as the work list searches it: folded, cut into its words (runs of letters and
/// digits; everything else separates), each once between single spaces, with a space at
/// each end — `Nguyễn Văn Kiệt, 50%` becomes ` nguyen van kiet 50 `. A phrase of words
/// is then found by `LIKE '% van kiet %'`, and the index that SQLite keeps of these words
/// (FTS5 `unicode61`, which cuts at the same places) finds exactly the same cases.
pub fn searchable(text: &str) -> String {
    let words = words_of(text);
    if words.is_empty() { " ".to_owned() } else { format!(" {} ", words.join(" ")) }
}

/// The words of a folded `text`: runs of ASCII letters and digits.
pub fn words_of(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Escapes `%`, `_` and the escape character itself so that user text is matched literally
/// inside a `LIKE` pattern that uses `\` as its escape.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_case_and_extra_spaces() {
        assert_eq!(fold("Huyện  Kiên Lương"), "huyen kien luong");
        assert_eq!(fold("Đảo Phú Quốc"), "dao phu quoc");
        assert_eq!(fold("GIANG THÀNH"), "giang thanh");
    }

    #[test]
    fn searchable_text_is_its_words_between_single_spaces() {
        assert_eq!(searchable("Nguyễn Văn Kiệt, 50% (TB-AB12-CD34)!"), " nguyen van kiet 50 tb ab12 cd34 ");
        assert_eq!(searchable(" -- "), " ");
        assert_eq!(words_of("a_b\"c"), vec!["a", "b", "c"]);
    }

    #[test]
    fn like_escaping_makes_wildcards_literal() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
