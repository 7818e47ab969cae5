//! The administrative units shipped inside the binary (from `data/`), and what is
//! derived from them without a database.

/// The 2024 three-tier units.
pub const UNITS_2024: &str = include_str!("../../data/admin-units-2024.csv");

/// Approximate centres and boxes of the 2024 communes.
pub const CENTROIDS_2024: &str = include_str!("../../data/commune-centroids-2024.csv");

/// Province names as a person might type them into a password (`kiengiang`, `kien giang`,
/// `giang`), for the password-strength check.
pub fn province_words() -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for line in UNITS_2024.lines().skip(1) {
        let Some(name) = line.split(',').nth(1) else {
            continue;
        };
        let folded = super::text::fold(name);
        let bare = folded.trim_start_matches("thanh pho ").trim_start_matches("tinh ").to_owned();
        words.insert(bare.replace(' ', ""));
        words.extend(bare.split(' ').filter(|w| w.len() >= 4).map(str::to_owned));
        words.insert(bare);
    }
    words.into_iter().collect()
}
