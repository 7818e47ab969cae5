//! The authorization matrix: `tests/authorization_matrix.csv` says, for every endpoint,
//! object and caller, what the answer's status must be. Every cell is checked, on both
//! databases, and every mismatch is reported at once.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::helpers::{Backend, ok_json, spawn_app};

const CALLERS: [&str; 8] =
    ["anonymous", "citizen", "commune_official", "district_officer", "supervisor", "auditor", "admin", "client"];

/// The body each writing route gets: valid, so that only the policy decides.
fn body_for(method: &str, path: &str, caller: &str, rule_authority: &str) -> Option<Value> {
    match (method, path) {
        ("PATCH", p) if p.starts_with("/api/v1/users/") => Some(json!({"display_name": "Tên mới"})),
        ("POST", "/api/v1/users") => {
            Some(json!({"login": format!("matrix.{caller}"), "password": crate::helpers::PASSWORD, "role": "auditor"}))
        }
        ("POST", "/api/v1/clients") => Some(json!({"name": format!("matrix {caller}"), "scopes": ["cases:read"]})),
        ("POST", "/api/v1/reports") => Some(crate::helpers::tip(30316)),
        ("POST", "/api/v1/tracking") => Some(json!({"reference": "TB-0000-0000", "receipt_code": "WRONG"})),
        ("POST", "/api/v1/tracking/messages") => {
            Some(json!({"reference": "TB-0000-0000", "receipt_code": "WRONG", "body": "Thêm thông tin."}))
        }
        ("POST", "/api/v1/auth/register") => Some(json!({"login": "matrix@example.vn", "password": "short"})),
        ("POST", "/api/v1/auth/register/verify") => Some(json!({"login": "0916999000", "code": "000000"})),
        ("POST", "/api/v1/auth/password-reset") => Some(json!({"login": "0916999001"})),
        ("POST", "/api/v1/auth/password-reset/confirm") => {
            Some(json!({"login": "0916999001", "code": "000000", "password": "orchid tractor seventy lakes"}))
        }
        ("POST", "/api/v1/auth/refresh") => Some(json!({"refresh_token": "rt_matrix"})),
        ("POST", "/api/v1/me/password") => {
            Some(json!({"current_password": "not the password", "new_password": "orchid tractor seventy lakes"}))
        }
        ("POST", "/api/v1/me/mfa/totp/confirm") => Some(json!({"code": "000000"})),
        ("POST", p) if p.ends_with("/messages") => Some(json!({"body": "Thêm thông tin."})),
        ("POST", p) if p.ends_with("/transitions") => Some(json!({"action": "accept"})),
        ("POST", p) if p.ends_with("/transfers") => {
            Some(json!({"to_authority_id": rule_authority, "reason": "Địa bàn thuộc đơn vị khác quản lý."}))
        }
        ("POST", p) if p.ends_with("/decision") => Some(json!({"decision": "accept"})),
        ("POST", p) if p.ends_with("/merge") => Some(json!({"into": uuid::Uuid::now_v7()})),
        ("POST", p) if p.ends_with("/assignment") => Some(json!({"priority": "high"})),
        ("POST", p) if p.ends_with("/notes") => Some(json!({"body": "Đã liên hệ công an xã."})),
        ("POST", p) if p.ends_with("/reporter-contact") => {
            Some(json!({"reason": "Cần gọi lại người báo tin để xác minh vị trí."}))
        }
        ("POST", "/api/v1/routing-rules") => Some(json!({
            "unit": {"scheme": "2024", "level": "province", "code": 91},
            "authority_id": rule_authority,
        })),
        _ => None,
    }
}

async fn the_authorization_matrix_holds(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    let ha_tien = app.authority_id("2024-D900").await;
    let commune = app.first_commune(902).await;

    let mut tokens: HashMap<&str, Option<String>> = HashMap::new();
    let mut own: HashMap<&str, String> = HashMap::new();
    let mut staff: HashMap<&str, crate::helpers::Session> = HashMap::new();
    let scopes = [
        ("commune_official", json!({"unit": {"scheme": "2024", "code": commune}})),
        ("district_officer", json!({"authority_id": kien_luong})),
        ("supervisor", json!({"province_code": 91})),
        ("auditor", json!({})),
    ];
    for (role, scope) in scopes {
        let login = format!("m.{}", role.replace('_', "-"));
        app.create_staff(&admin, &login, role, scope).await;
        let session = app.full_session(&login).await;
        own.insert(role, session.user_id.clone());
        tokens.insert(role, Some(session.access_token.clone()));
        staff.insert(role, session);
    }
    let citizen = app.citizen("0901234567").await;
    own.insert("citizen", citizen.user_id);
    tokens.insert("citizen", Some(citizen.access_token));
    own.insert("admin", admin.user_id.clone());
    tokens.insert("admin", Some(admin.access_token.clone()));
    tokens.insert("anonymous", None);

    let created = ok_json(
        app.post_json(
            "/api/v1/clients",
            Some(&admin.access_token),
            &json!({"name": "matrix", "scopes": ["cases:read", "reports:submit"]}),
        )
        .await,
        201,
    )
    .await;
    let (client_id, secret) =
        (created["id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned());
    let token = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    tokens.insert("client", Some(ok_json(token, 200).await["access_token"].as_str().unwrap().to_owned()));

    let colleague =
        app.create_staff(&admin, "m.colleague", "district_officer", json!({"authority_id": kien_luong})).await;
    let stranger = app.create_staff(&admin, "m.stranger", "district_officer", json!({"authority_id": ha_tien})).await;
    let missing = uuid::Uuid::now_v7().to_string();

    // Tips: one of each submitting caller's own, one in the commune official's commune,
    // one from Châu Đốc (An Giang), outside every scoped caller's jurisdiction.
    let mut own_tip: HashMap<&str, String> = HashMap::new();
    for caller in ["citizen", "commune_official", "client"] {
        let created = ok_json(app.submit(tokens[caller].as_deref(), &crate::helpers::tip(commune)).await, 201).await;
        own_tip.insert(caller, created["id"].as_str().unwrap().to_owned());
    }
    let same_tip =
        ok_json(app.submit(None, &crate::helpers::tip(commune)).await, 201).await["id"].as_str().unwrap().to_owned();
    let foreign_created = ok_json(app.submit(None, &crate::helpers::tip(30316)).await, 201).await;
    let foreign_tip = foreign_created["id"].as_str().unwrap().to_owned();
    // Cases: the case of a tip in Kiên Lương and the case of the tip from Châu Đốc.
    let same_created = ok_json(app.submit(None, &crate::helpers::tip(commune)).await, 201).await;
    let auditor = tokens["auditor"].clone();
    let same_case = crate::helpers::case_of(&app, auditor.as_deref().unwrap(), &same_created).await;
    let foreign_case = crate::helpers::case_of(&app, auditor.as_deref().unwrap(), &foreign_created).await;

    let table = include_str!("../authorization_matrix.csv");
    let mut rows = table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(&header[3..], CALLERS, "the matrix's columns");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let (method, template, object) = (cells[0], cells[1], cells[2]);
        for (caller, expected) in CALLERS.iter().zip(&cells[3..]) {
            if *expected == "-" {
                continue;
            }
            let id = |kind: &str| -> String {
                match (kind, object) {
                    ("user", "own") => own[caller].clone(),
                    ("user", "same") => colleague.clone(),
                    ("user", "foreign") => stranger.clone(),
                    ("authority", "same") => kien_luong.clone(),
                    ("authority", "foreign") => ha_tien.clone(),
                    ("client", "same") => client_id.clone(),
                    ("report", "own") => own_tip[caller].clone(),
                    ("report", "same") => same_tip.clone(),
                    ("report", "foreign") => foreign_tip.clone(),
                    ("case", "same") => same_case.clone(),
                    ("case", "foreign") => foreign_case.clone(),
                    _ => missing.clone(),
                }
            };
            let mut path = template.to_owned();
            for kind in ["user", "authority", "client", "report", "rule", "case", "transfer"] {
                let placeholder = format!("{{{kind}}}");
                if path.contains(&placeholder) {
                    path = path.replace(&placeholder, &id(kind));
                }
            }
            let mut body = body_for(method, template, caller, &kien_luong);
            // A reveal asks for a fresh authenticator code too: the caller whom the
            // policy lets through gets one; every other cell must be refused by the
            // policy, before its code is looked at (a wrong code would also be a 403).
            let reveal = template.ends_with("/reporter-contact");
            if let (true, Some(body)) = (reveal, body.as_mut()) {
                let code = match staff.get(caller) {
                    Some(session) if *expected == "200" => app.fresh_code(session).await,
                    _ => "000000".to_owned(),
                };
                body["totp_code"] = Value::from(code);
            }
            let res = app.call(method, &path, tokens[caller].as_deref(), body.as_ref()).await;
            let status = res.status().as_u16().to_string();
            checked += 1;
            let text = res.text().await.unwrap_or_default();
            if reveal && text.contains("step_up_required") {
                mismatches.push(format!("{method} {template} [{object}] as {caller}: refused by its code, {text}"));
            } else if status != *expected {
                mismatches.push(format!(
                    "{method} {template} [{object}] as {caller}: expected {expected}, got {status} {text}"
                ));
            }
        }
    }
    assert!(checked > 150, "only {checked} cells checked");
    assert!(mismatches.is_empty(), "{} of {checked} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

crate::on_both_backends!(the_authorization_matrix_holds);
