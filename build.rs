//! Embeds every message catalogue under `locales/<language>/` (its `*.ftl` files), so
//! that a language is added by adding its folder: no code lists the languages.
//! Vietnamese (the default) comes first and English second; both must be there.

// A build script reports a broken tree by panicking, with the message shown.
#![allow(clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: cargo reuses a compiled build
    // script for a checkout in another folder that shares the target directory.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut languages: Vec<String> = std::fs::read_dir(&root)
        .expect("the locales folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    languages.sort_by_key(|tag| (tag != "vi", tag != "en", tag.clone()));
    assert!(
        languages.len() >= 2 && languages[0] == "vi" && languages[1] == "en",
        "locales/vi and locales/en are needed"
    );
    let mut out =
        String::from("/// Every catalogue: `(language tag, [(file name, Fluent source)])`, Vietnamese first.\n");
    out.push_str("pub const CATALOGUES: &[(&str, &[(&str, &str)])] = &[\n");
    for tag in &languages {
        let dir = root.join(tag);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("a language's folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".ftl"))
            .collect();
        files.sort();
        let _ = write!(out, "    ({tag:?}, &[");
        for file in files {
            let path = dir.join(&file);
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = write!(out, "({file:?}, include_str!({:?})), ", path.display().to_string());
        }
        out.push_str("]),\n");
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogues.rs");
    std::fs::write(target, out).expect("the generated list of catalogues");
}
