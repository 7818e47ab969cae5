//! The contract: `openapi.yaml` and the server's route table say the same thing, and both
//! migration folders hold the same migrations.

use std::collections::BTreeSet;

use serde_yaml::Value;

use crate::helpers::{Backend, spawn_app};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn documented_operations() -> BTreeSet<(String, String)> {
    let doc: Value = serde_yaml::from_str(include_str!("../../openapi.yaml")).expect("openapi.yaml is YAML");
    assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true), "OpenAPI 3.1");
    let paths = doc["paths"].as_mapping().expect("paths");
    let mut ops = BTreeSet::new();
    for (path, item) in paths {
        let item = item.as_mapping().expect("a path item");
        for (method, _) in item {
            let method = method.as_str().expect("a key");
            if METHODS.contains(&method) {
                ops.insert((method.to_uppercase(), path.as_str().expect("a path").to_owned()));
            }
        }
    }
    ops
}

fn served_operations() -> BTreeSet<(String, String)> {
    let api = tinbao::routes::endpoints().into_iter().map(|e| (e.method.to_string(), e.path.to_owned()));
    let pages = tinbao::web::pages().into_iter().map(|p| (p.method.to_string(), p.path.to_owned()));
    api.chain(pages).collect()
}

/// The pages' operations: they answer HTML, their errors as pages.
fn is_page(path: &str) -> bool {
    tinbao::web::pages().iter().any(|p| p.path == path)
}

#[test]
fn every_served_route_is_documented_and_every_documented_route_is_served() {
    let documented = documented_operations();
    let served = served_operations();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(undocumented.is_empty(), "served but missing from openapi.yaml: {undocumented:?}");
    assert!(unserved.is_empty(), "in openapi.yaml but not served: {unserved:?}");
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc: Value = serde_yaml::from_str(include_str!("../../openapi.yaml")).unwrap();
    for (method, path) in documented_operations() {
        let responses = &doc["paths"][path.as_str()][method.to_lowercase().as_str()]["responses"];
        let errors = if is_page(&path) { "#/components/responses/PageError" } else { "#/components/responses/Problem" };
        assert_eq!(responses["default"]["$ref"].as_str(), Some(errors), "{method} {path} must document its errors");
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR")))
            .expect("the migrations folder")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for name in &sqlite {
        for file in ["up.sql", "down.sql"] {
            for backend in ["sqlite", "postgres"] {
                let path = format!("{}/migrations/{backend}/{name}/{file}", env!("CARGO_MANIFEST_DIR"));
                assert!(std::path::Path::new(&path).exists(), "{path} is missing");
            }
        }
    }
}

/// Over HTTP, every documented operation reaches a handler: neither the unknown-route 404
/// nor a 405.
async fn every_documented_route_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    for (method, path) in documented_operations() {
        let concrete = path
            .replace("{scheme}", "2024")
            .replace("{code}", "902?level=district")
            .replace("{id}", "01a215ef-6589-72a5-85e5-aa9e0f68544b");
        let res =
            app.client.request(method.parse().unwrap(), format!("{}{concrete}", app.address)).send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_ne!(status, 405, "{method} {path}");
        assert!(!body.contains("route_not_found"), "{method} {path}: {body}");
        assert!(status < 500, "{method} {path}: {status}");
    }
}

crate::on_both_backends!(every_documented_route_answers);
