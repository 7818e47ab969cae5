//! The admins' pages over HTTP: an admin lands on the staff accounts, creates an officer
//! (who can then sign in and must enrol), is told what to fix in the fields' words, disables
//! and enables an account (its sign-in refused, then allowed), resets a second factor (the
//! member's sessions end); registers an integrator client, sees its secret once (and it
//! works), revokes it (and it stops working). Other roles get the 403 page, and nothing
//! they post is done.

use crate::cases::staff;
use crate::console::{console, submit};
use crate::helpers::{Backend, PASSWORD, ok_json, spawn_app};

const STRONG: &str = "Kiem-soat-duong-mon-Ha-Tien-2026";

fn row<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html.find(marker).unwrap_or_else(|| panic!("no row {marker}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn token_grant(app: &crate::helpers::TestApp, id: &str, secret: &str) -> u16 {
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .form(&[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)])
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

async fn an_admin_manages_staff_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    app.create_admin("kg.admin").await;
    let admin = app.full_session("kg.admin").await;
    let mut browser = console(&app, &admin).await;
    // Signing in lands on the work list, which sends an admin to the accounts.
    let landing = browser.get("/staff/cases").await;
    assert_eq!(landing.status, 303);
    assert_eq!(landing.header("location"), "/staff/admin/accounts");
    let page = browser.get("/staff/admin/accounts").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(!page.html.contains(">Cases</a>"), "no cases in an admin's navigation");
    assert!(row(&page.html, "data-login=\"kl.officer\"").contains("Công an Huyện Kiên Lương"));

    // A weak password and an unknown authority: the fields named, the password not sent back.
    let wrong = [
        ("login", "kl.moi"),
        ("display_name", "Lê Văn Mới"),
        ("role", "district_officer"),
        ("password", "matkhau1"),
        ("authority_code", "2024-D999"),
    ];
    let refused = submit(&mut browser, &page, "/staff/admin/accounts", &wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("href=\"#f-authority_code\""), "{}", refused.html);
    assert!(refused.html.contains("value=\"Lê Văn Mới\"") && !refused.html.contains("matkhau1"));
    let good = [
        ("login", "kl.moi"),
        ("display_name", "Lê Văn Mới"),
        ("role", "district_officer"),
        ("password", STRONG),
        ("authority_code", "2024-D902"),
    ];
    let created = submit(&mut browser, &page, "/staff/admin/accounts", &good).await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert_eq!(created.header("location"), "/staff/admin/accounts?role=district_officer&done=created");
    let listed = browser.get("/staff/admin/accounts?role=district_officer&done=created").await;
    assert!(listed.html.contains("The account is created."));
    let new_row = row(&listed.html, "data-login=\"kl.moi\"");
    assert!(
        new_row.contains("Lê Văn Mới") && new_row.contains("Công an Huyện Kiên Lương") && new_row.contains("not yet")
    );
    let first = ok_json(app.login("kl.moi", STRONG, None).await, 200).await;
    assert_eq!(first["mfa_enrollment_required"], true, "the new officer enrols at the first sign-in");

    // Disable, then enable: the sign-in refused, then allowed.
    let id = new_row.split("/staff/admin/accounts/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = format!("/staff/admin/accounts/{id}");
    let disabled = submit(&mut browser, &listed, &path, &[("action", "disable")]).await;
    assert_eq!(disabled.status, 303);
    assert_ne!(app.login("kl.moi", STRONG, None).await.status().as_u16(), 200, "a disabled account cannot sign in");
    let listed = browser.get("/staff/admin/accounts?role=district_officer&done=disable").await;
    assert!(row(&listed.html, "data-login=\"kl.moi\"").contains(">disabled<"));
    let enabled = submit(&mut browser, &listed, &path, &[("action", "enable")]).await;
    assert_eq!(enabled.status, 303);
    assert_eq!(app.login("kl.moi", STRONG, None).await.status().as_u16(), 200);

    // A lost phone: the officer's second factor is reset and their sessions end.
    let officer_row = row(&listed.html, "data-login=\"kl.officer\"");
    assert!(officer_row.contains("value=\"reset_mfa\""));
    let officer_id = &s.officer.user_id;
    let reset =
        submit(&mut browser, &listed, &format!("/staff/admin/accounts/{officer_id}"), &[("action", "reset_mfa")]).await;
    assert_eq!(reset.status, 303);
    let me = app.call("GET", "/api/v1/me", Some(&s.officer.access_token), None).await;
    assert_eq!(me.status().as_u16(), 401, "the officer's session ended");
    let again = ok_json(app.login("kl.officer", PASSWORD, None).await, 200).await;
    assert_eq!(again["mfa_enrollment_required"], true);

    // One's own account offers nothing that would lock oneself out.
    let admins = browser.get("/staff/admin/accounts?role=admin").await;
    assert!(!row(&admins.html, "data-login=\"kg.admin\"").contains("<form"));

    // A supervisor: the 403 page, and a post creates nothing.
    let mut supervisor = console(&app, &s.supervisor).await;
    let own = supervisor.get("/staff/account").await;
    assert!(!own.html.contains("/staff/admin/accounts"), "no administration in their navigation");
    assert_eq!(supervisor.get("/staff/admin/accounts").await.status, 403);
    let sneaky = [("login", "kl.sneaky"), ("role", "admin"), ("password", STRONG)];
    let refused = submit(&mut supervisor, &own, "/staff/admin/accounts", &sneaky).await;
    assert_eq!(refused.status, 403);
    assert_eq!(app.login("kl.sneaky", STRONG, None).await.status().as_u16(), 401, "no such account");
}

async fn an_admin_registers_and_revokes_an_integrator_client(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    app.create_admin("kg.admin").await;
    let admin = app.full_session("kg.admin").await;
    let mut browser = console(&app, &admin).await;
    let page = browser.get("/staff/admin/clients").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"no-clients\""));

    let no_scope = submit(&mut browser, &page, "/staff/admin/clients", &[("name", "Cổng thông tin tỉnh")]).await;
    assert_eq!(no_scope.status, 422, "{}", no_scope.html);
    assert!(no_scope.html.contains("href=\"#f-scopes\"") && no_scope.html.contains("value=\"Cổng thông tin tỉnh\""));
    let form = [("name", "Cổng thông tin tỉnh"), ("scopes", "reports:submit"), ("authority_code", "2024-D902")];
    let created = submit(&mut browser, &page, "/staff/admin/clients", &form).await;
    assert_eq!(created.status, 201, "{}", created.html);
    assert_eq!(created.header("cache-control"), "no-store");
    let id = created.html.split("id=\"client-id\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let secret = created.html.split("id=\"client-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(secret.starts_with("cs_"), "{secret}");
    assert_eq!(token_grant(&app, &id, &secret).await, 200, "the secret shown works");
    let listed = browser.get("/staff/admin/clients").await;
    assert!(!listed.html.contains(&secret), "the secret is shown once");
    let client_row = row(&listed.html, &format!("data-client=\"{id}\""));
    assert!(client_row.contains("submit tips") && client_row.contains("Công an Huyện Kiên Lương"));

    let revoked = submit(&mut browser, &listed, &format!("/staff/admin/clients/{id}"), &[("action", "revoke")]).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(token_grant(&app, &id, &secret).await, 401, "a revoked client gets no token");
    let listed = browser.get("/staff/admin/clients?done=revoke").await;
    assert!(row(&listed.html, &format!("data-client=\"{id}\"")).contains(">revoked<"));

    // An auditor may read the trail, not manage clients.
    let mut auditor = console(&app, &s.auditor).await;
    let own = auditor.get("/staff/account").await;
    assert_eq!(auditor.get("/staff/admin/clients").await.status, 403);
    let refused = submit(&mut auditor, &own, "/staff/admin/clients", &[("name", "x"), ("scopes", "cases:read")]).await;
    assert_eq!(refused.status, 403);
    let after = browser.get("/staff/admin/clients").await;
    assert_eq!(after.html.matches("data-client=").count(), 1, "nothing was created");
}

/// The authority that a new tip from Kiên Lương's town goes to.
async fn authority_of_new_tip(app: &crate::helpers::TestApp, s: &crate::cases::Staff) -> String {
    let created = ok_json(app.submit(Some(&s.citizen.access_token), &crate::helpers::tip(30787)).await, 201).await;
    let case = crate::helpers::case_of(app, &s.auditor.access_token, &created).await;
    let path = format!("/api/v1/cases/{case}");
    let detail = ok_json(app.call("GET", &path, Some(&s.auditor.access_token), None).await, 200).await;
    detail["authority"]["name"].as_str().unwrap().to_owned()
}

async fn an_admin_adds_and_deletes_a_routing_rule(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    app.create_admin("kg.admin").await;
    let admin = app.full_session("kg.admin").await;
    let mut browser = console(&app, &admin).await;
    let page = browser.get("/staff/admin/routing-rules").await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("id=\"no-rules\""));
    assert_eq!(authority_of_new_tip(&app, &s).await, "Công an Huyện Kiên Lương", "by default, the district");

    // A district code given as a commune's: refused, the unit named.
    let wrong = [
        ("matter", "illegal_entry"),
        ("scheme", "2024"),
        ("level", "commune"),
        ("unit_code", "902"),
        ("authority_code", "2024-D900"),
    ];
    let refused = submit(&mut browser, &page, "/staff/admin/routing-rules", &wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("href=\"#f-unit_code\""), "{}", refused.html);
    let rule = [
        ("matter", "illegal_entry"),
        ("scheme", "2024"),
        ("level", "commune"),
        ("unit_code", "30787"),
        ("authority_code", "2024-D900"),
        ("note", "Đồn biên phòng phụ trách đường mòn"),
    ];
    let added = submit(&mut browser, &page, "/staff/admin/routing-rules", &rule).await;
    assert_eq!(added.status, 303, "{}", added.html);
    let listed = browser.get("/staff/admin/routing-rules?done=created").await;
    let rule_row = row(&listed.html, "data-rule=");
    assert!(rule_row.contains("Thị trấn Kiên Lương") && rule_row.contains("Công an Thành phố Hà Tiên"), "{rule_row}");
    assert_eq!(authority_of_new_tip(&app, &s).await, "Công an Thành phố Hà Tiên", "the rule routes new tips");
    let again = submit(&mut browser, &listed, "/staff/admin/routing-rules", &rule).await;
    assert_eq!(again.status, 422, "one rule per matter and unit");
    assert!(again.html.contains("href=\"#f-unit_code\""));

    let id = rule_row.split("data-rule=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let deleted =
        submit(&mut browser, &listed, &format!("/staff/admin/routing-rules/{id}"), &[("action", "delete")]).await;
    assert_eq!(deleted.status, 303);
    assert_eq!(authority_of_new_tip(&app, &s).await, "Công an Huyện Kiên Lương", "back to the district");

    let mut officer = console(&app, &s.officer).await;
    let own = officer.get("/staff/account").await;
    assert_eq!(officer.get("/staff/admin/routing-rules").await.status, 403);
    assert_eq!(submit(&mut officer, &own, "/staff/admin/routing-rules", &rule).await.status, 403);
    assert_eq!(authority_of_new_tip(&app, &s).await, "Công an Huyện Kiên Lương", "the officer added nothing");
}

async fn an_admin_sets_the_phone_that_citizens_are_shown(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    app.create_admin("kg.admin").await;
    let admin = app.full_session("kg.admin").await;
    let mut browser = console(&app, &admin).await;
    let found = browser.get("/staff/admin/authorities?q=kien%20luong").await;
    assert_eq!(found.status, 200);
    let kl_row = row(&found.html, "data-authority=\"2024-D902\"");
    let id = kl_row.split("/staff/admin/authorities/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let path = format!("/staff/admin/authorities/{id}");
    let refused = submit(&mut browser, &found, &path, &[("phone", "gọi 113 nhé"), ("q", "kien luong")]).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains(&format!("href=\"#phone-{id}\"")) && refused.html.contains("value=\"gọi 113 nhé\""));
    let saved = submit(&mut browser, &found, &path, &[("phone", "0297 3852 113"), ("q", "kien luong")]).await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.header("location"), "/staff/admin/authorities?q=kien+luong&done=phone");
    let authority = ok_json(app.call("GET", &format!("/api/v1/authorities/{id}"), None, None).await, 200).await;
    assert_eq!(authority["phone"], "0297 3852 113", "{authority}");
    let trail = ok_json(
        app.call(
            "GET",
            &format!("/api/v1/audit?object_type=authority&object_id={id}"),
            Some(&s.auditor.access_token),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(trail["items"].as_array().unwrap().last().unwrap()["action"], "authority.changed");

    let mut supervisor = console(&app, &s.supervisor).await;
    let own = supervisor.get("/staff/account").await;
    assert_eq!(supervisor.get("/staff/admin/authorities").await.status, 403);
    assert_eq!(submit(&mut supervisor, &own, &path, &[("phone", "113")]).await.status, 403);
    let authority = ok_json(app.call("GET", &format!("/api/v1/authorities/{id}"), None, None).await, 200).await;
    assert_eq!(authority["phone"], "0297 3852 113", "the supervisor changed nothing");
}

crate::on_both_backends!(
    an_admin_sets_the_phone_that_citizens_are_shown,
    an_admin_manages_staff_accounts,
    an_admin_registers_and_revokes_an_integrator_client,
    an_admin_adds_and_deletes_a_routing_rule
);
