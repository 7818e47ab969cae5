//! Bounded conversations: a reporter writes at most 10 messages an hour on a tip, a tip
//! holds at most 200 messages, answers embed the newest 50 messages, notes and events,
//! and the rest are paged.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::cases::staff;
use crate::helpers::{Backend, TestApp, assert_problem, case_of, ok_json, spawn_app, tip};

/// Every item of a paged list, following `next_cursor` from `path`.
async fn all_pages(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let (mut items, mut cursor): (Vec<Value>, Option<String>) = (Vec::new(), None);
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=50&cursor={c}"),
            None => format!("{path}?limit=50"),
        };
        let page = ok_json(app.call("GET", &url, Some(token), None).await, 200).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

async fn a_reporter_writes_ten_messages_an_hour_and_a_tip_holds_two_hundred(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = staff(&app).await;
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let (reference, code) = (created["reference"].as_str().unwrap(), created["receipt_code"].as_str().unwrap());
    let from_reporter =
        |n: usize| json!({"reference": reference, "receipt_code": code, "body": format!("Thêm tin {n}.")});
    for n in 0..10 {
        ok_json(app.post_json("/api/v1/tracking/messages", None, &from_reporter(n)).await, 201).await;
    }
    let eleventh = app.post_json("/api/v1/tracking/messages", None, &from_reporter(10)).await;
    let wait: u64 = eleventh.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3_500..=3_600).contains(&wait), "the oldest of the hour leaves it in about an hour: {wait}");
    assert_problem(eleventh, 429, "too_many_messages").await;

    // Staff fill the tip up to 200; then no one adds more.
    let officer = people.officer.access_token.as_str();
    let case = case_of(&app, officer, &created).await;
    for n in 0..190 {
        let sent = app
            .post_json(&format!("/api/v1/cases/{case}/messages"), Some(officer), &json!({"body": format!("Hỏi {n}")}))
            .await;
        ok_json(sent, 201).await;
    }
    let full =
        app.post_json(&format!("/api/v1/cases/{case}/messages"), Some(officer), &json!({"body": "Một câu nữa"})).await;
    assert_problem(full, 422, "conversation_full").await;
    let tracked = ok_json(
        app.post_json("/api/v1/tracking", None, &json!({"reference": reference, "receipt_code": code})).await,
        200,
    )
    .await;
    assert_eq!(tracked["messages"].as_array().unwrap().len(), 50, "the reporter sees the newest 50");
    assert_eq!(tracked["messages"][49]["body"], "Hỏi 189", "oldest first, ending with the newest");

    let detail = ok_json(app.call("GET", &format!("/api/v1/cases/{case}"), Some(officer), None).await, 200).await;
    assert_eq!(detail["reports"][0]["messages"].as_array().unwrap().len(), 50);
    let all = all_pages(&app, officer, &format!("/api/v1/cases/{case}/messages")).await;
    assert_eq!(all.len(), 200, "every message, page by page");
    let ids: HashSet<&str> = all.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 200, "no message twice");
    assert_eq!((all[0]["body"].as_str(), all[199]["body"].as_str()), (Some("Hỏi 189"), Some("Thêm tin 0.")));
    assert!(all.iter().all(|m| m["report_id"] == created["id"]));
}

async fn a_case_embeds_its_newest_fifty_notes_and_pages_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = staff(&app).await;
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let officer = people.officer.access_token.as_str();
    let case = case_of(&app, officer, &created).await;
    for n in 0..55 {
        let note = json!({"body": format!("Ghi chú số {n}")});
        ok_json(app.post_json(&format!("/api/v1/cases/{case}/notes"), Some(officer), &note).await, 201).await;
    }
    let detail = ok_json(app.call("GET", &format!("/api/v1/cases/{case}"), Some(officer), None).await, 200).await;
    let notes = detail["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 50);
    assert_eq!((notes[0]["body"].as_str(), notes[49]["body"].as_str()), (Some("Ghi chú số 5"), Some("Ghi chú số 54")));
    assert_eq!(detail["history"].as_array().unwrap().len(), 50, "56 events, the newest 50 embedded");
    let all = all_pages(&app, officer, &format!("/api/v1/cases/{case}/notes")).await;
    assert_eq!(all.len(), 55);
    assert_eq!(all[0]["body"], "Ghi chú số 54", "newest first");
    let auditor = people.auditor.access_token.as_str();
    assert_eq!(all_pages(&app, auditor, &format!("/api/v1/cases/{case}/notes")).await.len(), 55);
    let bad = app.call("GET", &format!("/api/v1/cases/{case}/notes?cursor=nope"), Some(officer), None).await;
    assert_problem(bad, 400, "invalid_parameter").await;
}

async fn a_citizen_pages_through_the_messages_on_their_own_tip(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = staff(&app).await;
    let citizen = people.citizen.access_token.as_str();
    let created = ok_json(app.submit(Some(citizen), &tip(app.first_commune(902).await)).await, 201).await;
    let id = created["id"].as_str().unwrap();
    for n in 0..3 {
        let sent = app
            .post_json(
                &format!("/api/v1/me/reports/{id}/messages"),
                Some(citizen),
                &json!({"body": format!("Tin {n}")}),
            )
            .await;
        ok_json(sent, 201).await;
    }
    let page =
        ok_json(app.call("GET", &format!("/api/v1/me/reports/{id}/messages?limit=2"), Some(citizen), None).await, 200)
            .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["body"], "Tin 2");
    let rest = all_pages(&app, citizen, &format!("/api/v1/me/reports/{id}/messages")).await;
    assert_eq!(rest.len(), 3);
    let officer = people.officer.access_token.as_str();
    let other = app.call("GET", &format!("/api/v1/me/reports/{id}/messages"), Some(officer), None).await;
    assert_problem(other, 404, "not_found").await;
}

crate::on_both_backends!(
    a_reporter_writes_ten_messages_an_hour_and_a_tip_holds_two_hundred,
    a_case_embeds_its_newest_fifty_notes_and_pages_the_rest,
    a_citizen_pages_through_the_messages_on_their_own_tip,
);
