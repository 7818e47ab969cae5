//! The staff second factor: enrolment, sessions limited to enrolment, codes that work
//! once, and throttled wrong codes. And the scenario, end to end.

use serde_json::json;

use crate::helpers::{Backend, PASSWORD, assert_problem, ok_json, spawn_app};

async fn staff_must_enrol_totp_before_a_full_session(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_admin("first.admin").await;
    let first = ok_json(app.login("first.admin", PASSWORD, None).await, 200).await;
    assert_eq!(first["mfa_enrollment_required"], true);
    let limited = first["access_token"].as_str().unwrap();
    assert_eq!(app.call("GET", "/api/v1/me", Some(limited), None).await.status().as_u16(), 200);
    let users = app.call("GET", "/api/v1/users", Some(limited), None).await;
    assert_problem(users, 403, "mfa_enrollment_required").await;

    let confirm_early = app.post_json("/api/v1/me/mfa/totp/confirm", Some(limited), &json!({"code": "123456"})).await;
    assert_problem(confirm_early, 409, "mfa_not_started").await;

    let enrolment = ok_json(app.post_json("/api/v1/me/mfa/totp", Some(limited), &json!(null)).await, 200).await;
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(enrolment["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/tinbao:first.admin?"));
    assert!(enrolment["otpauth_uri"].as_str().unwrap().contains(&format!("secret={secret}")));

    let wrong = app.post_json("/api/v1/me/mfa/totp/confirm", Some(limited), &json!({"code": "000000"})).await;
    let body = assert_problem(wrong, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "code");

    let now = chrono::Utc::now().timestamp() as u64;
    let code = tinbao::auth::totp::code_at(&secret, now).unwrap();
    let confirm = app.post_json("/api/v1/me/mfa/totp/confirm", Some(limited), &json!({"code": code})).await;
    assert_eq!(confirm.status().as_u16(), 204);
    let me = ok_json(app.call("GET", "/api/v1/me", Some(limited), None).await, 200).await;
    assert_eq!(me["mfa_enabled"], true);

    // Without a code, then with the code already used for confirming, then with a fresh one.
    assert_problem(app.login("first.admin", PASSWORD, None).await, 401, "mfa_required").await;
    assert_problem(app.login("first.admin", PASSWORD, Some(&code)).await, 401, "invalid_credentials").await;
    let next = tinbao::auth::totp::code_at(&secret, now + 30).unwrap();
    let full = ok_json(app.login("first.admin", PASSWORD, Some(&next)).await, 200).await;
    assert_eq!(full["mfa_enrollment_required"], false);
    let token = full["access_token"].as_str().unwrap();
    assert_eq!(app.call("GET", "/api/v1/users", Some(token), None).await.status().as_u16(), 200);

    // The same code cannot open a second session.
    assert_problem(app.login("first.admin", PASSWORD, Some(&next)).await, 401, "invalid_credentials").await;
    let again = app.post_json("/api/v1/me/mfa/totp", Some(token), &json!(null)).await;
    assert_problem(again, 409, "mfa_already_enabled").await;
}

async fn wrong_codes_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    for _ in 0..5 {
        assert_problem(app.login(&admin.login, PASSWORD, Some("000000")).await, 401, "invalid_credentials").await;
    }
    let secret = admin.totp_secret.as_deref().unwrap();
    let good = tinbao::auth::totp::code_at(secret, chrono::Utc::now().timestamp() as u64 + 30).unwrap();
    let throttled = app.login(&admin.login, PASSWORD, Some(&good)).await;
    assert!(throttled.headers().contains_key("retry-after"));
    assert_problem(throttled, 429, "too_many_requests").await;
}

/// The scenario: an admin made by the CLI creates a district officer for Kiên
/// Lương; the officer signs in with TOTP; a citizen reaches no staff route; the officer
/// of Kiên Lương reads nothing of Hà Tiên.
async fn an_admin_from_the_cli_sets_up_a_district_officer_for_kien_luong(backend: Backend) {
    let app = spawn_app(backend).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tinbao"))
        .args(["users", "create-admin", "--login", "admin.kiengiang"])
        .env("DATABASE_URL", &app.database_url)
        .env("TINBAO_DATA_DIR", &app.data_dir)
        .env("TINBAO_ADMIN_PASSWORD", PASSWORD)
        .env("TINBAO_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin admin.kiengiang"));
    let admin = app.full_session("admin.kiengiang").await;

    let kien_luong = app.authority_id("2024-D902").await;
    let ha_tien = app.authority_id("2024-D900").await;
    let officer_id =
        app.create_staff(&admin, "officer.kienluong", "district_officer", json!({"authority_id": kien_luong})).await;
    let other_id =
        app.create_staff(&admin, "officer.hatien", "district_officer", json!({"authority_id": ha_tien})).await;
    let officer = app.full_session("officer.kienluong").await;
    assert_eq!(officer.user_id, officer_id);
    let me = ok_json(app.call("GET", "/api/v1/me", Some(&officer.access_token), None).await, 200).await;
    assert_eq!(me["role"], "district_officer");
    assert_eq!(me["authority_id"], kien_luong.as_str());
    assert_eq!(me["mfa_enabled"], true);

    let citizen = app.citizen("0905111222").await;
    for (method, path) in [
        ("GET", "/api/v1/users".to_owned()),
        ("GET", format!("/api/v1/users/{other_id}")),
        ("GET", "/api/v1/clients".to_owned()),
    ] {
        assert_problem(app.call(method, &path, Some(&citizen.access_token), None).await, 403, "forbidden").await;
        assert_problem(app.call(method, &path, Some(&officer.access_token), None).await, 403, "forbidden").await;
    }
    let create = app
        .post_json(
            "/api/v1/users",
            Some(&citizen.access_token),
            &json!({"login": "sneaky", "password": PASSWORD, "role": "admin"}),
        )
        .await;
    assert_problem(create, 403, "forbidden").await;

    // Re-scoping the officer ends their session at once.
    let moved = app
        .call(
            "PATCH",
            &format!("/api/v1/users/{officer_id}"),
            Some(&admin.access_token),
            Some(&json!({"authority_id": ha_tien})),
        )
        .await;
    assert_eq!(ok_json(moved, 200).await["authority_id"], ha_tien.as_str());
    assert_problem(app.call("GET", "/api/v1/me", Some(&officer.access_token), None).await, 401, "invalid_token").await;
}

async fn staff_scopes_must_fit_their_role_and_exist(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let missing = app
        .post_json(
            "/api/v1/users",
            Some(&admin.access_token),
            &json!({"login": "x.officer", "password": PASSWORD, "role": "district_officer"}),
        )
        .await;
    let body = assert_problem(missing, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "authority_id");

    let unknown = app
        .post_json(
            "/api/v1/users",
            Some(&admin.access_token),
            &json!({"login": "y.official", "password": PASSWORD, "role": "commune_official", "unit": {"scheme": "2024", "code": 99999}}),
        )
        .await;
    assert_eq!(assert_problem(unknown, 422, "validation_failed").await["errors"][0]["field"], "unit");

    let commune = app.first_commune(902).await;
    let official = app
        .create_staff(&admin, "z.official", "commune_official", json!({"unit": {"scheme": "2024", "code": commune}}))
        .await;
    let supervisor = app.create_staff(&admin, "kg.supervisor", "supervisor", json!({"province_code": 91})).await;
    let read =
        ok_json(app.call("GET", &format!("/api/v1/users/{official}"), Some(&admin.access_token), None).await, 200)
            .await;
    assert_eq!(read["unit"], json!({"scheme": "2024", "level": "commune", "code": commune}));
    let read =
        ok_json(app.call("GET", &format!("/api/v1/users/{supervisor}"), Some(&admin.access_token), None).await, 200)
            .await;
    assert_eq!(read["province"], json!({"scheme": "2024", "level": "province", "code": 91}));
    let page =
        ok_json(app.call("GET", "/api/v1/users?role=supervisor", Some(&admin.access_token), None).await, 200).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

crate::on_both_backends!(
    staff_must_enrol_totp_before_a_full_session,
    wrong_codes_are_throttled,
    an_admin_from_the_cli_sets_up_a_district_officer_for_kien_luong,
    staff_scopes_must_fit_their_role_and_exist,
);
