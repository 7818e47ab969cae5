//! Text folding for searches that ignore Vietnamese diacritics and case.

/// Folds a name for accent- and case-insensitive search: `Huyện Kiên Lương` becomes
/// `huyen kien luong`. `đ`/`Đ` become `d`, as Vietnamese readers expect.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn like_escaping_makes_wildcards_literal() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
