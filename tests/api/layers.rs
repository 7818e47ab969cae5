//! The shape of the code, checked so that it stays: each layer imports only the layers
//! below it, no two files import each other (directly or round a circle), diesel is named
//! only in `db`, actix only in the faces, the JSON shapes (`crate::api`) only in the
//! faces, no source file passes 500 lines, and rows in `db` carry ids and codes typed.
//!
//! Layers, lowest first (a file may import its own layer and those below):
//! 0 `clock`, `i18n`, `error`, `metrics`: time, words, errors, counters;
//! 1 `domain`: pure types and rules;
//! 2 `db`: diesel, both backends; returns domain values and `DbError`;
//! 3 `auth`, `config`, `limits`, `telemetry`: passwords, tokens, the access policy,
//!   settings and the logs they configure;
//! 4 `services`, `state`: one use case, one transaction;
//! 5 `http`: what every face reads off a request (parameters, the lists' queries, the
//!   client's address, the request's id), so that no face borrows from another;
//! 6 the faces: `api` and `routes` (the JSON API, its middleware included), `web` (the
//!   pages), `workers`;
//! 7 `startup`, 8 `cli`, 9 `main` and `lib`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The most lines a hand-written source file may have.
const MAX_LINES: usize = 500;

fn layer_of(module: &str) -> Option<u8> {
    Some(match module {
        "clock" | "i18n" | "error" | "metrics" => 0,
        "domain" => 1,
        "db" => 2,
        "auth" | "config" | "limits" | "telemetry" => 3,
        "services" | "state" => 4,
        "http" => 5,
        "api" | "routes" | "web" | "workers" => 6,
        "startup" => 7,
        "cli" => 8,
        "main" | "lib" => 9,
        _ => return None,
    })
}

/// Whether a top-level module is a face (or above): where HTTP and JSON shapes belong.
fn is_face(module: &str) -> bool {
    layer_of(module).is_some_and(|l| l >= 5)
}

struct Source {
    /// Path below `src/`, e.g. `services/intake.rs`.
    rel: String,
    /// The top-level module the file belongs to, e.g. `services`.
    top: String,
    /// Lines of code, comments and blank lines left out.
    code: Vec<String>,
    lines: usize,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(Path::new(SRC), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file");
            let rel = path.strip_prefix(SRC).unwrap().to_string_lossy().replace('\\', "/");
            let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
            // Unit tests at the end of a file may use anything.
            let body = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            let code = body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .map(str::to_owned)
                .collect();
            Source { rel, top, code, lines: text.lines().count() }
        })
        .collect()
}

/// The `crate::a::b::…` paths a file names, as their segments (a name that is not a
/// module, such as a type, is dropped when the path is resolved to a file).
fn crate_paths(source: &Source) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for line in &source.code {
        let mut rest = line.as_str();
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let segments: Vec<String> = rest
                .split("::")
                .map(|s| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>())
                .take_while(|s| !s.is_empty())
                .collect();
            if !segments.is_empty() {
                found.insert(segments);
            }
        }
    }
    found
}

/// The deepest file that a path of segments names (`services/dto/cases.rs` for
/// `crate::services::dto::cases::CaseDetail`).
fn file_of(segments: &[String], files: &BTreeSet<String>) -> Option<String> {
    (1..=segments.len()).rev().find_map(|n| {
        let dir = segments[..n].join("/");
        [format!("{dir}.rs"), format!("{dir}/mod.rs")].into_iter().find(|c| files.contains(c))
    })
}

/// `super::x` and `use super::{x, y}` in `src/dir/file.rs`: the sibling files named.
fn sibling_paths(source: &Source, files: &BTreeSet<String>) -> BTreeSet<String> {
    let Some((dir, _)) = source.rel.rsplit_once('/') else { return BTreeSet::new() };
    let mut found = BTreeSet::new();
    for line in &source.code {
        let mut rest = line.as_str();
        while let Some(at) = rest.find("super::") {
            rest = &rest[at + "super::".len()..];
            let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                group.split('}').next().unwrap_or_default().split(',').map(|n| n.trim().to_owned()).collect()
            } else {
                vec![rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()]
            };
            for name in names {
                let name = name.split("::").next().unwrap_or_default().to_owned();
                let file = format!("{dir}/{name}.rs");
                if files.contains(&file) && file != source.rel {
                    found.insert(file);
                }
            }
        }
    }
    found
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let mut breaks = Vec::new();
    for source in sources() {
        let own = layer_of(&source.top).unwrap_or_else(|| panic!("src/{} is in no layer: add it", source.rel));
        for segments in crate_paths(&source) {
            let first = &segments[0];
            let theirs = layer_of(first).unwrap_or_else(|| panic!("crate::{first} is in no layer: add it"));
            if theirs > own {
                breaks.push(format!("src/{} (layer {own}) imports crate::{first} (layer {theirs})", source.rel));
            }
        }
    }
    assert!(breaks.is_empty(), "imports that run from a lower layer to a higher one:\n{}", breaks.join("\n"));
}

/// Which face a top-level module belongs to: `api` and `routes` are one (the JSON API).
fn face_of(module: &str) -> Option<&'static str> {
    match module {
        "api" | "routes" => Some("the JSON API"),
        "web" => Some("the pages"),
        "workers" => Some("the workers"),
        _ => None,
    }
}

#[test]
fn no_face_borrows_from_another() {
    let mut borrowed = Vec::new();
    for source in sources() {
        let Some(own) = face_of(&source.top) else { continue };
        for segments in crate_paths(&source) {
            if face_of(&segments[0]).is_some_and(|theirs| theirs != own) {
                borrowed.push(format!("src/{} ({own}) imports crate::{}", source.rel, segments.join("::")));
            }
        }
    }
    assert!(borrowed.is_empty(), "what two faces share belongs in `http` or below:\n{}", borrowed.join("\n"));
}

#[test]
fn no_files_import_each_other_round_a_circle() {
    let sources = sources();
    let files: BTreeSet<String> = sources.iter().map(|s| s.rel.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in &sources {
        let mut targets = sibling_paths(source, &files);
        for segments in crate_paths(source) {
            if let Some(file) = file_of(&segments, &files) {
                targets.insert(file);
            }
        }
        // A folder's mod.rs declares its files; that is not a use of them.
        targets.retain(|t| t != &source.rel && !source.rel.ends_with("mod.rs") && !source.rel.ends_with("lib.rs"));
        graph.insert(source.rel.clone(), targets);
    }
    // Depth-first search; a grey node met again closes a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
        circles: &mut Vec<String>,
    ) {
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                0 => visit(next, graph, state, path, circles),
                1 => {
                    let start = path.iter().position(|p| p == next).unwrap_or(0);
                    circles.push(format!("{} -> {next}", path[start..].join(" -> ")));
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
    }
    let (mut state, mut circles) = (BTreeMap::new(), Vec::new());
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            visit(node, &graph, &mut state, &mut Vec::new(), &mut circles);
        }
    }
    assert!(circles.is_empty(), "files that import each other:\n{}", circles.join("\n"));
}

/// Files naming `word` outside the modules that may.
fn naming(word: &str, allowed: impl Fn(&Source) -> bool) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|s| !allowed(s) && s.code.iter().any(|l| l.contains(word)))
        .map(|s| format!("src/{}", s.rel))
        .collect()
}

#[test]
fn imports_name_their_layer_in_full() {
    // `use crate::{a, b}` would hide which layers a file imports from the checks above.
    let grouped = naming("use crate::{", |_| false);
    assert!(grouped.is_empty(), "write `use crate::layer::…` one layer per line: {grouped:?}");
}

#[test]
fn diesel_is_named_only_in_db() {
    let outside = naming("diesel::", |s| s.top == "db");
    assert!(outside.is_empty(), "diesel outside src/db/: {outside:?}");
}

#[test]
fn actix_is_named_only_in_the_faces() {
    let outside = naming("actix_", |s| is_face(&s.top));
    assert!(outside.is_empty(), "actix outside the faces: {outside:?}");
}

#[test]
fn the_json_shapes_are_named_only_in_the_faces() {
    let outside = naming("crate::api", |s| is_face(&s.top));
    assert!(outside.is_empty(), "crate::api outside the faces: {outside:?}");
}

#[test]
fn no_source_file_passes_500_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|s| s.rel != "db/schema.rs" && s.lines > MAX_LINES)
        .map(|s| format!("src/{} ({} lines)", s.rel, s.lines))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

#[test]
fn rows_carry_ids_and_codes_typed() {
    // A field of a struct in `db` named like an id or a vocabulary's code holds the typed
    // value (`Uuid`, `Status`, …; see `db/column_types.rs`), never its text: no one above
    // `db` should have to parse what the database gave back. Audit events keep text ids
    // (an object's id need not be a UUID) and are left out.
    let typed = ["id", "status", "priority", "state", "matter", "role", "stage", "kind", "scheme", "level"];
    let mut untyped = Vec::new();
    for source in sources().into_iter().filter(|s| s.top == "db" && s.rel != "db/audit.rs") {
        for line in &source.code {
            let Some((name, ty)) = line.trim_start_matches("pub ").split_once(": ") else { continue };
            let textual = ["String,", "Option<String>,", "&'a str,", "Option<&'a str>,", "&'static str,"];
            let name_is_typed = typed.iter().any(|t| name == *t || name.ends_with(&format!("_{t}")))
                || ["assignee_id", "merged_into", "proposed_by", "decided_by"].contains(&name)
                || name.starts_with("submitted_by_");
            if name_is_typed && textual.contains(&ty) {
                untyped.push(format!("src/{}: {line}", source.rel));
            }
        }
    }
    assert!(untyped.is_empty(), "row fields holding an id or a code as text:\n{}", untyped.join("\n"));
}
