//! The console's audit pages over HTTP: an auditor filters the trail, opens a case's
//! chain, verifies the whole trail with and without a checkpoint and reads the result in
//! words, also after an attacker with the owner's rights altered an event; other roles
//! are refused, and a wrong filter or checkpoint is a page with the field marked.

use diesel::RunQueryDsl;

use crate::cli::with_db;
use crate::console::{console, submit};
use crate::helpers::{Backend, ok_json, spawn_app, tip};

fn sql(url: &str, statements: &[&str]) {
    let statements: Vec<String> = statements.iter().map(|s| (*s).to_owned()).collect();
    with_db(url, move |conn| {
        for statement in statements {
            diesel::sql_query(&statement).execute(conn).unwrap();
        }
    });
}

/// The rows of the page's event table: their sequence numbers.
fn shown_events(html: &str) -> Vec<i64> {
    html.split("data-seq=\"").skip(1).map(|rest| rest.split('"').next().unwrap().parse().unwrap()).collect()
}

async fn an_auditor_filters_the_trail_opens_a_chain_and_verifies_it_in_words(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = crate::cases::staff(&app).await;
    let created = ok_json(app.submit(None, &tip(30787)).await, 201).await;
    let case = crate::console::case_id(&app, &created).await;
    let (_, etag) = crate::cases::read(&app, &s.officer.access_token, &case).await;
    let accepted = crate::cases::change(
        &app,
        &s.officer.access_token,
        &case,
        "transitions",
        &etag,
        &serde_json::json!({"action": "accept"}),
    )
    .await;
    assert_eq!(accepted.status().as_u16(), 200);
    let api_chain = ok_json(
        app.call(
            "GET",
            &format!("/api/v1/audit?object_type=case&object_id={case}"),
            Some(&s.auditor.access_token),
            None,
        )
        .await,
        200,
    )
    .await;
    let api_seqs: Vec<i64> =
        api_chain["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(api_seqs.len(), 2, "opened and accepted: {api_chain}");

    let mut auditor = console(&app, &s.auditor).await;
    let trail = auditor.get("/staff/audit").await;
    assert_eq!(trail.status, 200, "{}", trail.html);
    assert_eq!(trail.header("cache-control"), "no-store");
    assert!(trail.html.contains("href=\"/staff/audit\" aria-current=\"page\""), "the navigation offers the trail");
    assert!(!shown_events(&trail.html).is_empty());
    assert!(trail.html.contains("case.opened"));

    // One case's chain: the API's events, each linked to the one above.
    let chain = auditor.get(&format!("/staff/audit?object_type=case&object_id={case}")).await;
    assert_eq!(chain.status, 200);
    assert_eq!(shown_events(&chain.html), api_seqs);
    assert!(chain.html.contains("id=\"chain-title\"") && chain.html.contains(&case));
    assert_eq!(chain.html.matches("links to the event above").count(), 1, "the second event names the first");
    let accept_action = api_chain["items"][1]["action"].as_str().unwrap().to_owned();
    let by_action = auditor.get(&format!("/staff/audit?action={accept_action}")).await;
    assert_eq!(shown_events(&by_action.html), vec![api_seqs[1]]);
    let from_tomorrow = auditor.get("/staff/audit?from=2100-01-01").await;
    assert!(shown_events(&from_tomorrow.html).is_empty() && from_tomorrow.html.contains("id=\"no-events\""));

    // A wrong filter: the page again, with the field named.
    let wrong = auditor.get("/staff/audit?object_type=planet").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("error-summary") && wrong.html.contains("href=\"#f-object_type\""), "{}", wrong.html);

    // Verification without a checkpoint, with a true one, with a malformed one.
    let form = auditor.get("/staff/audit/verify").await;
    assert_eq!(form.status, 200);
    let plain = submit(&mut auditor, &form, "/staff/audit/verify", &[("checkpoint", "")]).await;
    assert_eq!(plain.status, 200, "{}", plain.html);
    assert!(plain.html.contains("The trail is intact") && plain.html.contains("No checkpoint was given"));
    let url = app.database_url.clone();
    let kept = with_db(&url, |conn| tinbao::services::audit::checkpoint(conn).unwrap().token());
    let matched = submit(&mut auditor, &form, "/staff/audit/verify", &[("checkpoint", &kept)]).await;
    assert!(matched.html.contains("It agrees with the checkpoint"), "{}", matched.html);
    let malformed = submit(&mut auditor, &form, "/staff/audit/verify", &[("checkpoint", "12.not-a-digest")]).await;
    assert_eq!(malformed.status, 422);
    assert!(malformed.html.contains("aria-invalid=\"true\"") && malformed.html.contains("tinbao audit checkpoint"));

    // An attacker with the owner's rights drops the guard and alters the accept event.
    let drop = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_events_no_update",
        Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events",
    };
    sql(&url, &[drop, &format!("UPDATE audit_events SET summary = summary || ' ' WHERE seq = {}", api_seqs[1])]);
    let damaged = submit(&mut auditor, &form, "/staff/audit/verify", &[("checkpoint", &kept)]).await;
    assert_eq!(damaged.status, 200);
    let html = &damaged.html;
    assert!(html.contains("The trail is damaged"), "{html}");
    assert!(html.contains(&format!("Event no. {} (Case {case}, event 2 of its chain)", api_seqs[1])), "{html}");
    assert!(html.contains("changed after it was recorded"), "{html}");
    assert!(html.contains("every chain ends where the checkpoint says"), "the hashes were left as they were: {html}");
    // Then gives the altered event a hash of its own: the checkpoint no longer agrees.
    sql(&url, &[&format!("UPDATE audit_events SET hash = '{}' WHERE seq = {}", "f".repeat(64), api_seqs[1])]);
    let rehashed = submit(&mut auditor, &form, "/staff/audit/verify", &[("checkpoint", &kept)]).await;
    assert!(rehashed.html.contains("It does not match the checkpoint"), "{}", rehashed.html);
    assert!(rehashed.html.contains("The trail is damaged"));

    // Other roles: no link, and the pages refuse them.
    let mut officer = console(&app, &s.officer).await;
    let cases = officer.get("/staff/cases").await;
    assert!(!cases.html.contains("href=\"/staff/audit\""));
    let refused = officer.get("/staff/audit").await;
    assert_eq!(refused.status, 403);
    assert!(!refused.html.contains("case.opened"));
    assert_eq!(officer.get("/staff/audit/verify").await.status, 403);
    let posted = submit(&mut officer, &cases, "/staff/audit/verify", &[("checkpoint", "")]).await;
    assert_eq!(posted.status, 403);
    assert!(!posted.html.contains("events checked"));
    let bad_filter = officer.get("/staff/audit?object_type=planet").await;
    assert_eq!(bad_filter.status, 403, "who may read comes before what was asked");
    // Without a session, the sign-in page.
    let mut stranger = crate::page_client::Browser::new(&app);
    let away = stranger.get("/staff/audit").await;
    assert_eq!(away.status, 303);
    assert_eq!(away.header("location"), "/staff/login");
}

crate::on_both_backends!(an_auditor_filters_the_trail_opens_a_chain_and_verifies_it_in_words);
