//! The case page's remaining forms and lists over HTTP: assigning the case to another
//! officer of its authority (only those are offered, and a foreign officer is refused with
//! the field named), proposing a transfer to another authority of the province (the
//! reason's rules in the field's words), the history in words, and the notes, messages
//! and history beyond the 50 the case page embeds, page by page, for those who may read
//! the case only.

use serde_json::json;

use crate::cases::{change, new_case, read, staff};
use crate::console::{console, submit};
use crate::helpers::{Backend, ok_json, spawn_app, tip};

/// The options of the select `id`: (value, label).
fn options(html: &str, id: &str) -> Vec<(String, String)> {
    let select = &html[html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"))..];
    let select = &select[..select.find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = o.split('"').next().unwrap().to_owned();
            let label = o.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
            (value, label)
        })
        .filter(|(value, _)| !value.is_empty())
        .collect()
}

async fn officers_assign_and_transfer_from_the_case_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    let path = format!("/staff/cases/{case}");
    let mut officer = console(&app, &s.officer).await;
    let page = officer.get(&path).await;
    assert_eq!(page.status, 200);

    // Only the active officers of Kiên Lương are offered.
    let offered: Vec<String> = options(&page.html, "f-assignee_id").into_iter().map(|(_, label)| label).collect();
    assert_eq!(offered, ["kl.colleague", "kl.officer"]);
    let (version, opened_at) = (page.input("version"), page.input("opened_at"));
    let assign = |officer: &str| {
        [
            ("action", "assign".to_owned()),
            ("version", version.clone()),
            ("opened_at", opened_at.clone()),
            ("assignee_id", officer.to_owned()),
        ]
    };
    let as_pairs = |owned: &[(&'static str, String); 4]| owned.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    // No officer chosen, then an officer of Hà Tiên: refused, the field named.
    let none = as_pairs(&assign(""));
    let none: Vec<(&str, &str)> = none.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = submit(&mut officer, &page, &path, &none).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("href=\"#f-assignee_id\"") && refused.html.contains("Choose the officer"));
    let foreign = as_pairs(&assign(&s.ha_tien.user_id));
    let foreign: Vec<(&str, &str)> = foreign.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = submit(&mut officer, &page, &path, &foreign).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("href=\"#f-assignee_id\""));
    let (detail, _) = read(&app, &s.officer.access_token, &case).await;
    assert!(detail["assignee_id"].is_null(), "nothing changed: {detail}");

    // The colleague: assigned, named on the page, and said in the history.
    let to_colleague = as_pairs(&assign(&s.colleague.user_id));
    let to_colleague: Vec<(&str, &str)> = to_colleague.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = submit(&mut officer, &page, &path, &to_colleague).await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.header("location"), format!("{path}?done=assign"));
    let (detail, _) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(detail["assignee_id"], s.colleague.user_id.as_str());
    let page = officer.get(&format!("{path}?done=assign")).await;
    assert!(page.html.contains("The case is assigned."));
    assert!(page.html.contains("id=\"case-assignee\">kl.colleague<"), "the assignee by name");
    assert!(page.html.contains("Assignment changed: assigned to kl.colleague"), "{}", page.html);
    assert!(page.html.contains("Case opened from a tip"));

    // A transfer: only the province's other authorities are offered.
    let targets = options(&page.html, "f-to_authority_id");
    let ha_tien = app.authority_id("2024-D900").await;
    assert!(targets.iter().any(|(value, _)| *value == ha_tien), "{targets:?}");
    let kien_luong = app.authority_id("2024-D902").await;
    assert!(!targets.iter().any(|(value, _)| *value == kien_luong), "not to itself");
    let chau_doc = app.authority_id("2024-D884").await;
    assert!(!targets.iter().any(|(value, _)| *value == chau_doc), "not to another province");
    let version = page.input("version");
    let short = [
        ("action", "transfer"),
        ("version", version.as_str()),
        ("to_authority_id", ha_tien.as_str()),
        ("transfer_reason", "Hà Tiên"),
    ];
    let refused = submit(&mut officer, &page, &path, &short).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("href=\"#f-transfer_reason\""), "{}", refused.html);
    assert!(refused.html.contains(">Hà Tiên</textarea>"), "what was typed is kept");
    let reason = "Nhóm người đang ở phường Đông Hồ, Hà Tiên.";
    let good = [
        ("action", "transfer"),
        ("version", version.as_str()),
        ("to_authority_id", ha_tien.as_str()),
        ("transfer_reason", reason),
    ];
    let done = submit(&mut officer, &page, &path, &good).await;
    assert_eq!(done.status, 303, "{}", done.html);
    let (detail, _) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(detail["transfers"][0]["state"], "proposed");
    assert_eq!(detail["transfers"][0]["to_authority"]["id"], ha_tien.as_str());
    let page = officer.get(&path).await;
    assert!(page.html.contains("id=\"h-transfer\"") && !page.html.contains("id=\"transfer-form\""), "one at a time");
    assert!(page.html.contains(&format!("Transfer proposed: “{reason}”")));

    // An auditor reads the case but changes nothing: no forms, and a post is refused.
    let mut auditor = console(&app, &s.auditor).await;
    let seen = auditor.get(&path).await;
    assert!(!seen.html.contains("id=\"assign-form\"") && !seen.html.contains("id=\"transfer-form\""));
    let colleague = s.colleague.user_id.clone();
    let refused = submit(&mut auditor, &seen, &path, &[("action", "assign"), ("assignee_id", &colleague)]).await;
    assert_eq!(refused.status, 403);
}

async fn notes_messages_and_history_beyond_the_embedded_fifty(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    let kl = &s.officer.access_token;
    for i in 1..=51 {
        let body = json!({"body": format!("Ghi chú số {i}: đã gọi công an xã.")});
        ok_json(app.post_json(&format!("/api/v1/cases/{case}/notes"), Some(kl), &body).await, 201).await;
    }
    let (_, etag) = read(&app, kl, &case).await;
    let message = json!({"body": "Cảm ơn bạn, chúng tôi đang xác minh."});
    assert_eq!(change(&app, kl, &case, "messages", &etag, &message).await.status().as_u16(), 201);

    let mut officer = console(&app, &s.officer).await;
    let page = officer.get(&format!("/staff/cases/{case}")).await;
    assert!(page.html.contains("Ghi chú số 51") && !page.html.contains("Ghi chú số 1:"), "the newest 50 embedded");
    assert!(page.html.contains(&format!("href=\"/staff/cases/{case}/notes\" id=\"all-notes\"")));
    assert!(page.html.contains(&format!("href=\"/staff/cases/{case}/history\" id=\"full-history\"")), "53 events");

    let first = officer.get(&format!("/staff/cases/{case}/notes")).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("cache-control"), "no-store");
    assert_eq!(first.html.matches("<li class=\"message\">").count(), 50);
    assert!(first.html.contains("Ghi chú số 51") && first.html.contains("Ghi chú số 2:"));
    let next = first.html.split("href=\"").find(|h| h.contains("/notes?cursor=")).unwrap();
    let next = next.split('"').next().unwrap().replace("&#38;", "&");
    let second = officer.get(&next).await;
    assert_eq!(second.html.matches("<li class=\"message\">").count(), 1);
    assert!(second.html.contains("Ghi chú số 1:") && !second.html.contains("id=\"next-page\""));

    let messages = officer.get(&format!("/staff/cases/{case}/messages")).await;
    assert_eq!(messages.status, 200);
    assert!(messages.html.contains("Cảm ơn bạn, chúng tôi đang xác minh."));
    let history = officer.get(&format!("/staff/cases/{case}/history")).await;
    assert_eq!(history.status, 200);
    assert_eq!(history.html.matches("Note added").count(), 51, "every event, in words");
    assert!(history.html.contains("Message sent to the reporter") && history.html.contains("Case opened from a tip"));
    assert!(!history.html.contains("Ghi chú số"), "a note's event holds its digest, not its words");

    // A wrong cursor is the error page; another district's officer sees none of it.
    let wrong = officer.get(&format!("/staff/cases/{case}/notes?cursor=yesterday")).await;
    assert_eq!(wrong.status, 422);
    let mut ha_tien = console(&app, &s.ha_tien).await;
    for list in ["notes", "messages", "history"] {
        let refused = ha_tien.get(&format!("/staff/cases/{case}/{list}")).await;
        assert_eq!(refused.status, 404, "{list}");
        assert!(!refused.html.contains("Ghi chú") && !refused.html.contains("Cảm ơn"), "{list}");
    }
}

crate::on_both_backends!(
    officers_assign_and_transfer_from_the_case_page,
    notes_messages_and_history_beyond_the_embedded_fifty
);
