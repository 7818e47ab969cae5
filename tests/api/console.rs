//! The staff console over HTTP: signing in (password, then code; enrolment with the QR
//! page), the session's cookie and limits, sign-out everywhere, the work list, a case
//! worked from new to resolved, a stale version, the step-up for the reporter's identity,
//! CSRF, and a case of another district as a 404 page.

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::cli::with_db;
use crate::helpers::{Backend, PASSWORD, Session, TestApp, ok_json, spawn_app, spawn_app_with, tip};
use crate::page_client::{Browser, Page, fields};

/// A browser that asked for English (the language cookie).
async fn english(app: &TestApp) -> Browser<'_> {
    let mut browser = Browser::new(app);
    browser.get("/staff/login?lang=en").await;
    browser
}

/// The 303's target.
fn location(page: &Page) -> &str {
    assert_eq!(page.status, 303, "{}", page.html);
    page.header("location")
}

/// Posts a console form with this browser's CSRF token (read from `from`).
pub(crate) async fn submit(browser: &mut Browser<'_>, from: &Page, path: &str, pairs: &[(&str, &str)]) -> Page {
    let mut all = fields(pairs);
    all.push(("csrf_token".to_owned(), from.input("csrf_token")));
    browser.post(path, &all).await
}

/// Signs `session`'s account in to the console with its password and a fresh code.
pub(crate) async fn console<'a>(app: &'a TestApp, session: &Session) -> Browser<'a> {
    let mut browser = english(app).await;
    let login = browser.get("/staff/login").await;
    let answer =
        submit(&mut browser, &login, "/staff/login", &[("login", &session.login), ("password", PASSWORD)]).await;
    assert_eq!(location(&answer), "/staff/login/code");
    let code_page = browser.get("/staff/login/code").await;
    let code = app.fresh_code(session).await;
    let signed_in = submit(&mut browser, &code_page, "/staff/login/code", &[("totp_code", &code)]).await;
    assert_eq!(location(&signed_in), "/staff/cases");
    browser
}

async fn a_new_officer_enrols_from_the_qr_page_then_signs_in_with_password_and_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    app.create_staff(&admin, "kl.new", "district_officer", json!({"authority_id": kien_luong})).await;
    let mut browser = english(&app).await;
    assert_eq!(location(&browser.get("/staff/cases").await), "/staff/login", "no session: sign in first");

    let login = browser.get("/staff/login").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.header("cache-control"), "no-store");
    let wrong =
        submit(&mut browser, &login, "/staff/login", &[("login", "kl.new"), ("password", "not it at all")]).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.html.contains("The login, password or code is not right"), "{}", wrong.html);
    assert!(!wrong.html.contains("not it at all"), "a password is never written back");
    assert!(browser.cookie("tinbao_staff").is_none());
    let no_token = browser.post("/staff/login", &fields(&[("login", "kl.new"), ("password", PASSWORD)])).await;
    assert_eq!(no_token.status, 403, "a sign-in from another site is refused");

    let first = submit(&mut browser, &login, "/staff/login", &[("login", "kl.new"), ("password", PASSWORD)]).await;
    assert_eq!(location(&first), "/staff/enrol");
    let set_cookie: Vec<&str> = first.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    let session_cookie = set_cookie.iter().find(|c| c.starts_with("tinbao_staff=")).expect("the session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"), "{session_cookie}");
    assert_eq!(location(&browser.get("/staff/cases").await), "/staff/enrol", "enrol before anything else");

    let enrol = browser.get("/staff/enrol").await;
    assert_eq!(enrol.status, 200);
    assert_eq!(enrol.header("cache-control"), "no-store");
    assert!(enrol.html.contains("<svg role=\"img\""), "the QR code is drawn on the server");
    let shown = enrol.text_of("totp-secret");
    assert!(shown.split(' ').all(|g| g.len() <= 4 && g.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())));
    let secret = shown.replace(' ', "");
    assert_eq!(browser.get("/staff/enrol").await.text_of("totp-secret"), shown, "a reload shows the same secret");
    let wrong = submit(&mut browser, &enrol, "/staff/enrol", &[("totp_code", "000000")]).await;
    assert_eq!(wrong.status, 422);
    let code = tinbao::auth::totp::code_at(&secret, crate::helpers::unix_now()).unwrap();
    let confirmed = submit(&mut browser, &enrol, "/staff/enrol", &[("totp_code", &code)]).await;
    assert_eq!(location(&confirmed), "/staff/cases");
    let cases = browser.get("/staff/cases").await;
    assert_eq!(cases.status, 200, "{}", cases.html);
    assert_eq!(cases.header("cache-control"), "no-store");

    let out = submit(&mut browser, &cases, "/staff/logout", &[]).await;
    assert_eq!(location(&out), "/staff/login");
    assert_eq!(location(&browser.get("/staff/cases").await), "/staff/login");

    // From now on: the password, then the code, each on its page.
    let login = browser.get("/staff/login").await;
    let password = submit(&mut browser, &login, "/staff/login", &[("login", "kl.new"), ("password", PASSWORD)]).await;
    assert_eq!(location(&password), "/staff/login/code");
    let code_page = browser.get("/staff/login/code").await;
    let bad = submit(&mut browser, &code_page, "/staff/login/code", &[("totp_code", "123456")]).await;
    assert_eq!(bad.status, 401);
    let next = tinbao::auth::totp::code_at(&secret, crate::helpers::unix_now() + 30).unwrap();
    let full = submit(&mut browser, &code_page, "/staff/login/code", &[("totp_code", &next)]).await;
    assert_eq!(location(&full), "/staff/cases");
    assert!(browser.cookie("tinbao_staff_sign_in").is_none(), "the waiting sign-in is over");
    let replay = submit(&mut browser, &code_page, "/staff/login/code", &[("totp_code", &next)]).await;
    assert_eq!(location(&replay), "/staff/login", "a finished sign-in cannot be used again");

    // The account page lists this browser's session; "sign out everywhere" ends it.
    let account = browser.get("/staff/account").await;
    assert_eq!(account.status, 200);
    assert!(account.html.contains("this browser"), "{}", account.html);
    let everywhere = submit(&mut browser, &account, "/staff/account/sign-out-everywhere", &[]).await;
    assert_eq!(location(&everywhere), "/staff/login");
    let enrolled = app.sql_count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.mfa_enabled'").await;
    assert_eq!(enrolled, 2, "the admin's enrolment and the new officer's are in the trail");
    let ended =
        app.sql_count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.signed_out_everywhere'").await;
    assert_eq!(ended, 1);
    assert_eq!(location(&browser.get("/staff/account").await), "/staff/login");
}

async fn a_citizen_cannot_use_the_console_and_sessions_end_when_idle_or_old(backend: Backend) {
    let app = spawn_app(backend).await;
    let citizen = app.citizen("0915000333").await;
    let mut browser = english(&app).await;
    let login = browser.get("/staff/login").await;
    let refused =
        submit(&mut browser, &login, "/staff/login", &[("login", &citizen.login), ("password", PASSWORD)]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.html.contains("tracking page"), "{}", refused.html);

    let admin = app.admin().await;
    let mut officer = console(&app, &admin).await;
    assert_eq!(officer.get("/staff/account").await.status, 200);
    // Thirty minutes without a request end the session.
    with_db(&app.database_url, |conn| {
        diesel::sql_query("UPDATE sessions SET last_seen_at = '2020-01-01 00:00:00' WHERE cookie_hash IS NOT NULL")
            .execute(conn)
            .unwrap()
    });
    assert_eq!(location(&officer.get("/staff/account").await), "/staff/login");
    // And twelve hours in all, however busy.
    let mut officer = console(&app, &admin).await;
    let lifetime = app
        .sql_count("SELECT COUNT(*) AS n FROM sessions WHERE cookie_hash IS NOT NULL AND expires_at > created_at")
        .await;
    assert_eq!(lifetime, 2, "every console session has an end");
    with_db(&app.database_url, |conn| {
        diesel::sql_query("UPDATE sessions SET expires_at = '2020-01-01 00:00:00' WHERE cookie_hash IS NOT NULL")
            .execute(conn)
            .unwrap()
    });
    assert_eq!(location(&officer.get("/staff/account").await), "/staff/login");
}

async fn over_https_the_session_cookie_is_host_prefixed_and_secure(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.public_url = Some("https://tinbao.kiengiang.gov.vn".to_owned())).await;
    let admin = app.admin().await;
    let mut browser = english(&app).await;
    let login = browser.get("/staff/login").await;
    let answer = submit(&mut browser, &login, "/staff/login", &[("login", &admin.login), ("password", PASSWORD)]).await;
    assert_eq!(location(&answer), "/staff/login/code");
    let waiting: Vec<&str> = answer.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    let cookie = waiting.iter().find(|c| c.starts_with("__Host-tinbao_staff_sign_in=")).expect("prefixed");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && cookie.contains("SameSite=Strict"), "{cookie}");
    let page = browser.get("/staff/login/code").await;
    let code = app.fresh_code(&admin).await;
    let done = submit(&mut browser, &page, "/staff/login/code", &[("totp_code", &code)]).await;
    let set: Vec<&str> = done.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    let session = set.iter().find(|c| c.starts_with("__Host-tinbao_staff=")).expect("the session cookie");
    assert!(session.contains("Secure") && session.contains("HttpOnly"), "{session}");
}

/// The case id of the tip `created`, from its row.
pub(crate) async fn case_id(app: &TestApp, created: &Value) -> String {
    let reference = created["reference"].as_str().unwrap().to_owned();
    let url = app.database_url.clone();
    with_db(&url, move |conn| {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            case_id: String,
        }
        let rows: Vec<Row> = diesel::sql_query(format!("SELECT case_id FROM reports WHERE reference = '{reference}'"))
            .load(conn)
            .unwrap();
        rows[0].case_id.clone()
    })
}

async fn an_officer_works_a_case_to_resolved_and_the_reporter_reads_the_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = crate::cases::staff(&app).await;
    let mut body = tip(30787);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Trần Thị Bé", "phone": "0987654321"});
    let created = ok_json(app.submit(None, &body).await, 201).await;
    let case = case_id(&app, &created).await;
    let reference = created["reference"].as_str().unwrap();
    let mut officer = console(&app, &s.officer).await;

    let list = officer.get("/staff/cases?status=new").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains(reference), "the new case is in the list");
    let searched = officer.get("/staff/cases?q=zzzz-nothing").await;
    assert!(searched.html.contains("id=\"no-cases\""), "a search that matches nothing");
    let bad = officer.get("/staff/cases?status=lost").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("error-summary"), "{}", bad.html);

    let page = officer.get(&format!("/staff/cases/{case}")).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(
        page.html.contains("value=\"accept\"") && !page.html.contains("value=\"resolve\""),
        "only what may be done now"
    );
    assert!(!page.html.contains("987654321") && !page.html.contains("Trần Thị Bé"), "the identity stays sealed");
    let path = format!("/staff/cases/{case}");
    let version = page.input("version");
    let accepted = submit(&mut officer, &page, &path, &[("action", "accept"), ("version", &version)]).await;
    assert_eq!(location(&accepted), format!("/staff/cases/{case}?done=accept"));
    let page = officer.get(&format!("/staff/cases/{case}?done=accept")).await;
    assert_eq!(page.text_of("case-notice"), "The case is accepted.");

    // A colleague changes the case in between: the officer's old version is refused,
    // the change is shown, and nothing is overwritten.
    let mut colleague = console(&app, &s.colleague).await;
    let theirs = colleague.get(&path).await;
    let stale_version = page.input("version");
    let take = submit(
        &mut colleague,
        &theirs,
        &path,
        &[("action", "set_priority"), ("priority", "high"), ("version", &theirs.input("version"))],
    )
    .await;
    assert_eq!(location(&take), format!("{path}?done=set_priority"));
    let note = "Đã cử tổ công tác đến ấp Ba Hòn.";
    let stale = submit(
        &mut officer,
        &page,
        &path,
        &[
            ("action", "start_investigation"),
            ("version", &stale_version),
            ("opened_at", &page.input("opened_at")),
            ("reason", note),
        ],
    )
    .await;
    assert_eq!(stale.status, 409, "{}", stale.html);
    assert!(stale.html.contains("Someone else changed this case"), "{}", stale.html);
    assert!(stale.html.contains(note), "what the officer typed is kept");
    assert!(stale.html.contains("class=\"fresh\""), "the colleague's change is marked");
    let status =
        ok_json(app.call("GET", &format!("/api/v1/cases/{case}"), Some(&s.officer.access_token), None).await, 200)
            .await;
    assert_eq!(status["status"], "accepted");
    assert_eq!(status["priority"], "high", "the colleague's change stands");
    let again =
        submit(&mut officer, &stale, &path, &[("action", "start_investigation"), ("version", &stale.input("version"))])
            .await;
    assert_eq!(location(&again), format!("{path}?done=start_investigation"));

    // A note, a message to the reporter, then resolved with an outcome.
    let page = officer.get(&path).await;
    let noted = submit(&mut officer, &page, &path, &[("action", "note"), ("body", "Gọi công an xã Dương Hòa.")]).await;
    assert_eq!(location(&noted), format!("{path}?done=note"));
    let message = "Cảm ơn, chúng tôi đang xác minh.";
    let sent = submit(&mut officer, &page, &path, &[("action", "message"), ("body", message)]).await;
    assert_eq!(location(&sent), format!("{path}?done=message"));
    let blank = submit(&mut officer, &page, &path, &[("action", "message"), ("body", "  ")]).await;
    assert_eq!(blank.status, 422);
    let page = officer.get(&path).await;
    let refused =
        submit(&mut officer, &page, &path, &[("action", "resolve"), ("version", &page.input("version"))]).await;
    assert_eq!(refused.status, 422, "resolving needs an outcome and a note: {}", refused.html);
    let resolved = submit(
        &mut officer,
        &page,
        &path,
        &[
            ("action", "resolve"),
            ("version", &page.input("version")),
            ("outcome", "located_and_handled"),
            ("reason", "Đã tìm thấy nhóm người, bàn giao cho trạm kiểm soát."),
        ],
    )
    .await;
    assert_eq!(location(&resolved), format!("{path}?done=resolve"));
    let tracked = ok_json(
        app.post_json(
            "/api/v1/tracking",
            None,
            &json!({"reference": reference, "receipt_code": created["receipt_code"]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(tracked["status"], "closed", "the reporter sees the coarse status: {tracked}");
    assert!(tracked.to_string().contains(message), "the reporter reads the message: {tracked}");

    // Without the CSRF token: refused, nothing changed.
    let forged = officer.post(&path, &fields(&[("action", "reopen"), ("version", "99")])).await;
    assert_eq!(forged.status, 403);
    // Another district's officer: a 404 page, reading or writing.
    let mut stranger = console(&app, &s.ha_tien).await;
    assert_eq!(stranger.get(&path).await.status, 404);
    let theirs = stranger.get("/staff/cases").await;
    assert_eq!(submit(&mut stranger, &theirs, &path, &[("action", "note"), ("body", "x y z")]).await.status, 404);
    assert!(!theirs.html.contains(reference), "not in their list either");
}

async fn revealing_the_reporter_asks_a_reason_and_a_fresh_code_and_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = crate::cases::staff(&app).await;
    let mut body = tip(30787);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Trần Thị Bé", "phone": "0987654321"});
    let created = ok_json(app.submit(None, &body).await, 201).await;
    let case = case_id(&app, &created).await;
    let path = format!("/staff/cases/{case}/reveal");
    let mut officer = console(&app, &s.officer).await;
    let page = officer.get(&format!("/staff/cases/{case}")).await;
    assert!(page.html.contains("id=\"reveal-form\""));
    let reason = "Cần gọi lại để xác định nơi nhóm người đang ở.";
    let short = submit(&mut officer, &page, &path, &[("reason", "vì"), ("totp_code", "000000")]).await;
    assert_eq!(short.status, 422);
    let no_code = submit(&mut officer, &page, &path, &[("reason", reason)]).await;
    assert_eq!(no_code.status, 403);
    assert!(no_code.html.contains("fresh code") && !no_code.html.contains("987654321"), "{}", no_code.html);
    let code = app.fresh_code(&s.officer).await;
    let shown = submit(&mut officer, &page, &path, &[("reason", reason), ("totp_code", &code)]).await;
    assert_eq!(shown.status, 200, "{}", shown.html);
    assert_eq!(shown.header("cache-control"), "no-store");
    assert!(shown.html.contains("+84987654321") && shown.html.contains("Trần Thị Bé"));
    let again = submit(&mut officer, &page, &path, &[("reason", reason), ("totp_code", &code)]).await;
    assert_eq!(again.status, 403, "a code serves once");
    let trail = ok_json(
        app.call("GET", "/api/v1/audit?action=case.reporter_contact_revealed", Some(&s.auditor.access_token), None)
            .await,
        200,
    )
    .await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 1);
    assert_eq!(trail["items"][0]["summary"]["reason"], reason);
    // A supervisor sees the case but not the form, and is refused by the policy.
    let mut supervisor = console(&app, &s.supervisor).await;
    let theirs = supervisor.get(&format!("/staff/cases/{case}")).await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.html.contains("id=\"reveal-form\""));
    let code = app.fresh_code(&s.supervisor).await;
    let refused = submit(&mut supervisor, &theirs, &path, &[("reason", reason), ("totp_code", &code)]).await;
    assert_eq!(refused.status, 403);
    assert!(!refused.html.contains("987654321"));
}

crate::on_both_backends!(
    a_new_officer_enrols_from_the_qr_page_then_signs_in_with_password_and_code,
    a_citizen_cannot_use_the_console_and_sessions_end_when_idle_or_old,
    over_https_the_session_cookie_is_host_prefixed_and_secure,
    an_officer_works_a_case_to_resolved_and_the_reporter_reads_the_message,
    revealing_the_reporter_asks_a_reason_and_a_fresh_code_and_is_audited,
);
