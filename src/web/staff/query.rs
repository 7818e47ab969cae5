//! Console pages' query strings: read with the API's parsers, after the console's own
//! forms are made to speak the API's language (empty fields dropped, `lang` left to the
//! page, a date from a date field as midnight in Viet Nam).

/// The query string without empty fields and without `lang`, with each of `date_fields`
/// given as a date (`2026-11-20`) turned into the API's time (midnight in Viet Nam); and
/// the pairs it holds.
pub fn api_query(raw: &str, date_fields: &[&str]) -> (String, Vec<(String, String)>) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .filter(|(k, v)| !v.is_empty() && k != "lang")
        .map(|(k, v)| {
            let is_date = v.len() == 10 && chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").is_ok();
            if is_date && date_fields.contains(&k.as_str()) { (k, format!("{v}T00:00:00+07:00")) } else { (k, v) }
        })
        .collect();
    (encode(&pairs), pairs)
}

/// Pairs as a query string.
pub fn encode(pairs: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// `path?pairs`, encoded.
pub fn link(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    format!("{path}?{}", out.finish())
}

/// The value of `name` among `pairs`, or empty.
pub fn value_of(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// A page's link to the next page: the same pairs with `cursor` replaced.
pub fn next_link(path: &str, pairs: &[(String, String)], cursor: &str) -> String {
    let mut kept: Vec<(&str, &str)> =
        pairs.iter().filter(|(k, _)| k != "cursor").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    kept.push(("cursor", cursor));
    link(path, &kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_and_lang_go_and_dates_become_midnight_in_viet_nam() {
        let (query, pairs) = api_query("q=&lang=en&from=2026-11-20&to=2026-11-2&action=case.opened", &["from", "to"]);
        assert_eq!(query, "from=2026-11-20T00%3A00%3A00%2B07%3A00&to=2026-11-2&action=case.opened");
        assert_eq!(value_of(&pairs, "action"), "case.opened");
        assert_eq!(next_link("/staff/audit", &pairs, "7"), format!("/staff/audit?{query}&cursor=7"));
    }
}
