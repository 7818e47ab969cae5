//! The console's authorization matrix: `tests/console_matrix.csv` says, for every page
//! and form, which status each role gets for an object of their own jurisdiction, of
//! another, and one that does not exist; this test signs each role in to the console in
//! a browser of its own and checks every cell, on both databases.

use std::collections::HashMap;

use serde_json::json;

use crate::console::console;
use crate::helpers::{Backend, ok_json, spawn_app, tip};
use crate::page_client::{Browser, fields};

const CALLERS: [&str; 6] = ["anonymous", "commune_official", "district_officer", "supervisor", "auditor", "admin"];

/// The fields a form of the matrix posts (the CSRF token is added).
fn form_for(path: &str) -> Vec<(String, String)> {
    if path.ends_with("/reveal") {
        fields(&[("reason", "Cần liên hệ để xác minh thêm thông tin."), ("totp_code", "000000")])
    } else if path.starts_with("/staff/cases/") {
        fields(&[("action", "note"), ("body", "Đã gọi cho công an xã để xác minh.")])
    } else {
        fields(&[("checkpoint", "")])
    }
}

async fn every_console_page_obeys_the_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    let commune = app.first_commune(902).await;
    let mut browsers: HashMap<&str, Browser<'_>> = HashMap::new();
    for (role, scope) in [
        ("commune_official", json!({"unit": {"scheme": "2024", "code": commune}})),
        ("district_officer", json!({"authority_id": kien_luong})),
        ("supervisor", json!({"province_code": 91})),
        ("auditor", json!({})),
    ] {
        let login = format!("cm.{}", role.replace('_', "-"));
        app.create_staff(&admin, &login, role, scope).await;
        let session = app.full_session(&login).await;
        browsers.insert(role, console(&app, &session).await);
    }
    browsers.insert("admin", console(&app, &admin).await);
    let mut anonymous = Browser::new(&app);
    anonymous.get("/staff/login?lang=en").await;
    browsers.insert("anonymous", anonymous);

    let same = ok_json(app.submit(None, &tip(commune)).await, 201).await;
    let foreign = ok_json(app.submit(None, &tip(30316)).await, 201).await;
    let same_case = crate::console::case_id(&app, &same).await;
    let foreign_case = crate::console::case_id(&app, &foreign).await;
    let missing = uuid::Uuid::now_v7().to_string();

    let table = include_str!("../console_matrix.csv");
    let mut rows = table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(&header[3..], CALLERS, "the matrix's columns");
    let rows: Vec<&str> = rows.collect();
    let cells = CALLERS.len() * rows.len();
    // Who may read each case (the case page's row), for what a refusal may show.
    let mut readers: HashMap<(&str, &str), &str> = HashMap::new();
    for row in rows.iter().filter(|r| r.starts_with("GET,/staff/cases/{case},")) {
        let cells: Vec<&str> = row.split(',').collect();
        for (caller, expected) in CALLERS.iter().zip(&cells[3..]) {
            readers.insert((cells[2], caller), expected);
        }
    }
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let (method, template, object) = (cells[0], cells[1], cells[2]);
        let case = match object {
            "same" => same_case.as_str(),
            "foreign" => foreign_case.as_str(),
            _ => missing.as_str(),
        };
        let path = template.replace("{case}", case);
        for (caller, expected) in CALLERS.iter().zip(&cells[3..]) {
            let browser = browsers.get_mut(caller).unwrap();
            let page = if method == "GET" {
                browser.get(&path).await
            } else {
                // This browser's token, as its pages carry it.
                let own_page = if *caller == "anonymous" { "/staff/login" } else { "/staff/account" };
                let token = browser.get(own_page).await.input("csrf_token");
                let mut form = form_for(template);
                form.push(("csrf_token".to_owned(), token));
                browser.post(&path, &form).await
            };
            checked += 1;
            if page.status.to_string() != *expected {
                mismatches.push(format!(
                    "{method} {template} [{object}] as {caller}: expected {expected}, got {}",
                    page.status
                ));
            }
            // A case outside the caller's view shows nothing of it, nor does a refusal to
            // a caller who may not read it (an auditor refused a note may read the case).
            let may_read = readers.get(&(object, *caller)).is_some_and(|s| *s == "200");
            if page.status == 404 || (page.status == 403 && !may_read) {
                for created in [&same, &foreign] {
                    let reference = created["reference"].as_str().unwrap();
                    assert!(!page.html.contains(reference), "{method} {path} as {caller} shows {reference}");
                }
            }
        }
    }
    assert_eq!(checked, cells, "every row of the matrix was checked");
    assert!(mismatches.is_empty(), "{} of {checked} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

crate::on_both_backends!(every_console_page_obeys_the_policy);
