//! Case handling: the workflow for every role, If-Match, assignment, the work list's
//! jurisdiction, notes, messages, revealing a reporter, and the audit trail.

use serde_json::{Value, json};

use crate::helpers::{
    Backend, Session, TestApp, assert_problem, case_of, error_fields, ok_json, spawn_app, spawn_app_with, tip,
};

/// The staff of Kiên Giang (91): an officer and a colleague of Kiên Lương (902), an
/// officer of Hà Tiên (900), the province's supervisor, and an auditor.
pub(crate) struct Staff {
    pub(crate) officer: Session,
    pub(crate) colleague: Session,
    pub(crate) ha_tien: Session,
    pub(crate) supervisor: Session,
    pub(crate) auditor: Session,
    pub(crate) citizen: Session,
}

pub(crate) async fn staff(app: &TestApp) -> Staff {
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    let ha_tien = app.authority_id("2024-D900").await;
    for (login, role, scope) in [
        ("kl.officer", "district_officer", json!({"authority_id": kien_luong})),
        ("kl.colleague", "district_officer", json!({"authority_id": kien_luong})),
        ("ht.officer", "district_officer", json!({"authority_id": ha_tien})),
        ("kg.supervisor", "supervisor", json!({"province_code": 91})),
        ("the.auditor", "auditor", json!({})),
    ] {
        app.create_staff(&admin, login, role, scope).await;
    }
    Staff {
        officer: app.full_session("kl.officer").await,
        colleague: app.full_session("kl.colleague").await,
        ha_tien: app.full_session("ht.officer").await,
        supervisor: app.full_session("kg.supervisor").await,
        auditor: app.full_session("the.auditor").await,
        citizen: app.citizen("0915000222").await,
    }
}

/// A tip from a commune of Kiên Lương, filed by the citizen (no hourly limit); returns
/// the tip's answer and its case id.
pub(crate) async fn new_case(app: &TestApp, s: &Staff, body: &Value) -> (Value, String) {
    let created = ok_json(app.submit(Some(&s.citizen.access_token), body).await, 201).await;
    let case = case_of(app, &s.auditor.access_token, &created).await;
    (created, case)
}

/// GETs a case; returns its body and ETag.
pub(crate) async fn read(app: &TestApp, token: &str, case: &str) -> (Value, String) {
    let res = app.call("GET", &format!("/api/v1/cases/{case}"), Some(token), None).await;
    let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (ok_json(res, 200).await, etag)
}

/// POSTs a change with If-Match.
pub(crate) async fn change(
    app: &TestApp,
    token: &str,
    case: &str,
    what: &str,
    etag: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/cases/{case}/{what}", app.address))
        .header("Accept-Language", "en")
        .header("If-Match", etag)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn body_for(action: &str) -> Value {
    match action {
        "resolve" => {
            json!({"action": "resolve", "outcome": "located_and_handled", "note": "Đã bàn giao cho trạm y tế."})
        }
        "reject" | "reopen" => json!({"action": action, "note": "Lý do ghi trong hồ sơ."}),
        _ => json!({"action": action}),
    }
}

/// Takes `case` to `status` as the supervisor (who may take every step).
async fn drive(app: &TestApp, s: &Staff, case: &str, status: &str) {
    let path: &[&str] = match status {
        "new" => &[],
        "accepted" => &["accept"],
        "investigating" => &["accept", "start_investigation"],
        "resolved" => &["accept", "resolve"],
        "closed" => &["accept", "resolve", "close"],
        "rejected" => &["reject"],
        _ => unreachable!(),
    };
    for action in path {
        let (_, etag) = read(app, &s.supervisor.access_token, case).await;
        ok_json(change(app, &s.supervisor.access_token, case, "transitions", &etag, &body_for(action)).await, 200)
            .await;
    }
}

const ACTIONS: [&str; 6] = ["accept", "start_investigation", "resolve", "reject", "close", "reopen"];

/// The workflow, written out independently of the code: (from, action, to).
const EDGES: [(&str, &str, &str); 11] = [
    ("new", "accept", "accepted"),
    ("new", "reject", "rejected"),
    ("accepted", "start_investigation", "investigating"),
    ("accepted", "resolve", "resolved"),
    ("accepted", "reject", "rejected"),
    ("investigating", "resolve", "resolved"),
    ("resolved", "close", "closed"),
    ("rejected", "close", "closed"),
    ("resolved", "reopen", "investigating"),
    ("closed", "reopen", "investigating"),
    ("rejected", "reopen", "investigating"),
];

async fn every_transition_is_allowed_or_refused_for_every_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let mut mismatches = Vec::new();
    for from in ["new", "accepted", "investigating", "resolved", "closed", "rejected"] {
        // One case per state for the refusals; a fresh one for each step that succeeds.
        let (_, shared) = new_case(&app, &s, &tip(30787)).await;
        drive(&app, &s, &shared, from).await;
        for (role, token) in [
            ("district_officer", &s.officer.access_token),
            ("supervisor", &s.supervisor.access_token),
            ("auditor", &s.auditor.access_token),
        ] {
            for action in ACTIONS {
                let edge = EDGES.iter().find(|(f, a, _)| *f == from && *a == action);
                let role_may = match role {
                    "district_officer" => action != "reopen",
                    "supervisor" => true,
                    _ => false,
                };
                let expected = match (edge, role_may) {
                    (_, false) => 403,
                    (None, true) => 409,
                    (Some(_), true) => 200,
                };
                let case = if expected == 200 {
                    let (_, fresh) = new_case(&app, &s, &tip(30787)).await;
                    drive(&app, &s, &fresh, from).await;
                    fresh
                } else {
                    shared.clone()
                };
                let (_, etag) = read(&app, token, &case).await;
                let res = change(&app, token, &case, "transitions", &etag, &body_for(action)).await;
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                if status != expected {
                    mismatches
                        .push(format!("{from} --{action}--> as {role}: expected {expected}, got {status} {body}"));
                    continue;
                }
                match expected {
                    200 => {
                        let to = edge.unwrap().2;
                        let (after, _) = read(&app, token, &case).await;
                        if body["status"] != to || after["status"] != to {
                            mismatches.push(format!("{from} --{action}--> as {role}: now {}", after["status"]));
                        }
                    }
                    409 | 403 if role != "auditor" => {
                        // The refusal lists what the caller may do instead.
                        let allowed: Vec<&str> = EDGES
                            .iter()
                            .filter(|(f, a, _)| *f == from && (role == "supervisor" || *a != "reopen"))
                            .map(|(_, a, _)| *a)
                            .collect();
                        let mut listed: Vec<&str> =
                            body["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
                        let mut wanted = allowed.clone();
                        listed.sort_unstable();
                        wanted.sort_unstable();
                        if listed != wanted {
                            mismatches
                                .push(format!("{from} --{action}--> as {role}: allowed {listed:?}, want {wanted:?}"));
                        }
                        let (after, _) = read(&app, token, &case).await;
                        if after["status"] != from {
                            mismatches.push(format!("{from} --{action}--> as {role}: a refusal changed the case"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

async fn a_resolution_needs_an_outcome_and_a_note(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    drive(&app, &s, &case, "accepted").await;
    let token = &s.officer.access_token;
    let (_, etag) = read(&app, token, &case).await;
    let bare = change(&app, token, &case, "transitions", &etag, &json!({"action": "resolve"})).await;
    let problem = assert_problem(bare, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["outcome", "note"]);
    let odd = json!({"action": "resolve", "outcome": "vanished", "note": "x"});
    let problem =
        assert_problem(change(&app, token, &case, "transitions", &etag, &odd).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["outcome"]);
    let unknown = json!({"action": "teleport"});
    let problem =
        assert_problem(change(&app, token, &case, "transitions", &etag, &unknown).await, 422, "validation_failed")
            .await;
    assert_eq!(error_fields(&problem), vec!["action"]);
    let (unchanged, same_etag) = read(&app, token, &case).await;
    assert_eq!((unchanged["status"].as_str(), same_etag.as_str()), (Some("accepted"), etag.as_str()));

    let ok = json!({"action": "resolve", "outcome": "referred", "note": "Chuyển Đồn Biên phòng Giang Thành."});
    let resolved = ok_json(change(&app, token, &case, "transitions", &etag, &ok).await, 200).await;
    assert_eq!((resolved["status"].as_str(), resolved["outcome"].as_str()), (Some("resolved"), Some("referred")));
    let last = resolved["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "case.resolve");
    assert_eq!(last["summary"]["note"], "Chuyển Đồn Biên phòng Giang Thành.");
    assert_eq!(last["actor"], format!("user:{}", s.officer.user_id));
}

async fn a_stale_or_missing_if_match_never_loses_an_update(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    let path = format!("/api/v1/cases/{case}/transitions");
    let missing = app.post_json(&path, Some(&s.officer.access_token), &json!({"action": "accept"})).await;
    assert_problem(missing, 428, "if_match_required").await;
    let empty = change(&app, &s.officer.access_token, &case, "transitions", "", &json!({"action": "accept"})).await;
    assert_problem(empty, 428, "if_match_required").await;
    let (before, etag) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(etag, format!("\"{}\"", before["version"]));

    // Two officers read the case, then change it at the same moment: one wins.
    let (a, b) = (&s.officer.access_token, &s.colleague.access_token);
    let (accept, reject) = (json!({"action": "accept"}), body_for("reject"));
    let (first, second) = tokio::join!(
        change(&app, a, &case, "transitions", &etag, &accept),
        change(&app, b, &case, "transitions", &etag, &reject),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    let winner = if statuses[0] == 200 { "accepted" } else { "rejected" };
    let loser = if statuses[0] == 200 { second } else { first };
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    assert_problem(loser, 412, "case_changed").await;
    let (after, new_etag) = read(&app, a, &case).await;
    assert_eq!(after["status"], winner);
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    assert_ne!(new_etag, etag);
    let changes = after["history"].as_array().unwrap().iter().filter(|e| e["action"] != "case.opened").count();
    assert_eq!(changes, 1, "exactly one change was recorded");
    // The old ETag stays stale.
    let stale = change(&app, a, &case, "assignment", &etag, &json!({"priority": "low"})).await;
    assert_problem(stale, 412, "case_changed").await;
}

async fn cases_are_assigned_to_officers_of_their_authority_and_prioritised(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let mut present = tip(30787);
    present["urgency"] = json!("present");
    let (_, urgent) = new_case(&app, &s, &present).await;
    let (case, _) = read(&app, &s.officer.access_token, &urgent).await;
    assert_eq!(case["priority"], "urgent", "people still present make a case urgent");
    let (_, normal) = new_case(&app, &s, &tip(30787)).await;
    let (case, etag) = read(&app, &s.officer.access_token, &normal).await;
    assert_eq!(case["priority"], "normal");
    let due_before = case["resolve_due_at"].as_str().unwrap().to_owned();

    let token = &s.officer.access_token;
    let foreign = json!({"assignee_id": s.ha_tien.user_id});
    let problem =
        assert_problem(change(&app, token, &normal, "assignment", &etag, &foreign).await, 422, "validation_failed")
            .await;
    assert_eq!(error_fields(&problem), vec!["assignee_id"]);
    let empty = change(&app, token, &normal, "assignment", &etag, &json!({})).await;
    assert_problem(empty, 422, "validation_failed").await;

    let body = json!({"assignee_id": s.colleague.user_id, "priority": "urgent"});
    let res = change(&app, token, &normal, "assignment", &etag, &body).await;
    let new_etag = res.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    let assigned = ok_json(res, 200).await;
    assert_eq!(assigned["assignee_id"], s.colleague.user_id.as_str());
    assert_eq!(assigned["priority"], "urgent");
    assert!(assigned["resolve_due_at"].as_str().unwrap() < due_before.as_str(), "urgent is due sooner");
    let event = assigned["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(event["action"], "case.assignment");
    assert_eq!(event["summary"]["after"]["assignee_id"], s.colleague.user_id.as_str());

    let mine = ok_json(
        app.call("GET", &format!("/api/v1/cases?assignee_id={}", s.colleague.user_id), Some(token), None).await,
        200,
    )
    .await;
    let ids: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![normal.as_str()]);
    let unassign = change(&app, token, &normal, "assignment", &new_etag, &json!({"assignee_id": null})).await;
    assert_eq!(ok_json(unassign, 200).await["assignee_id"], Value::Null);
}

async fn the_work_list_never_shows_another_jurisdictions_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    // Ours: Kiên Lương. Canaries: Hà Tiên (same province) and Châu Đốc (An Giang).
    let mut ours = Vec::new();
    for (i, urgency) in ["present", "past", "recent", "past"].into_iter().enumerate() {
        let mut body = tip(30787);
        body["urgency"] = json!(urgency);
        body["narrative"] = json!(format!("Thuyền đánh cá chở người qua sông Giang Thành lần {i}, lúc nửa đêm."));
        ours.push(new_case(&app, &s, &body).await.1);
    }
    let ha_tien_commune = app.first_commune(900).await;
    let mut canary = tip(ha_tien_commune);
    canary["narrative"] = json!("Canary Hà Tiên: thuyền đánh cá chở người qua sông Giang Thành lúc nửa đêm.");
    let (_, ha_tien_case) = new_case(&app, &s, &canary).await;
    let mut far = tip(30316);
    far["narrative"] = json!("Canary Châu Đốc: thuyền đánh cá chở người qua sông lúc nửa đêm.");
    let (_, far_case) = new_case(&app, &s, &far).await;
    drive(&app, &s, &ours[1], "accepted").await;
    drive(&app, &s, &ha_tien_case, "accepted").await;

    let kien_luong = app.authority_id("2024-D902").await;
    let filters = [
        "",
        "status=new",
        "status=accepted",
        "status=new,accepted",
        "status=new&status=accepted",
        "priority=urgent",
        "matter=illegal_entry",
        "overdue=true",
        "q=thuyen",
        "q=giang%20thanh",
        "q=canary",
        "unit=2024.district.900",
        "unit=2024.province.89",
        "unit=2024.district.902",
        &format!("authority_id={}", app.authority_id("2024-D900").await),
        &format!("authority_id={kien_luong}"),
        "created_from=2020-01-01T00:00:00Z",
        "created_to=2100-01-01T00:00:00Z",
    ];
    for (who, token, visible) in [
        ("officer", &s.officer.access_token, ours.clone()),
        ("supervisor", &s.supervisor.access_token, [ours.clone(), vec![ha_tien_case.clone()]].concat()),
    ] {
        for filter in filters {
            for sort in ["newest", "oldest", "due_soonest", "priority"] {
                // Walk every page, one case at a time.
                let items = every_case(&app, token, &format!("limit=1&sort={sort}&{filter}")).await;
                let keys: Vec<(i64, String)> =
                    items.iter().map(|item| (sort_key(sort, item), item["id"].as_str().unwrap().to_owned())).collect();
                let seen: Vec<String> = keys.iter().map(|(_, id)| id.clone()).collect();
                assert!(seen.len() <= 10, "{who} {filter} {sort}: more cases than there are");
                let leaked: Vec<&String> = seen.iter().filter(|id| !visible.contains(id)).collect();
                assert!(leaked.is_empty(), "{who} sees {leaked:?} with `{filter}` sorted {sort}");
                assert!(!seen.contains(&far_case));
                let mut unique = seen.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), seen.len(), "{who} {filter} {sort}: a case on two pages");
                let mut ordered = keys.clone();
                ordered.sort();
                if sort == "newest" {
                    ordered.reverse();
                }
                assert_eq!(keys, ordered, "{who} {filter}: the pages are not in {sort} order");
                if filter.is_empty() {
                    assert_eq!(seen.len(), visible.len(), "{who} sees all their cases sorted {sort}");
                }
            }
        }
    }
    // Spot checks that the filters filter.
    let count = |page: Value| page["items"].as_array().unwrap().len();
    let officer = &s.officer.access_token;
    let app = &app;
    let get = |path: String| async move { ok_json(app.call("GET", &path, Some(officer), None).await, 200).await };
    assert_eq!(count(get("/api/v1/cases?status=accepted".into()).await), 1);
    // Generated clients repeat a list parameter; the comma form means the same.
    let listed = |page: Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
    };
    let commas = listed(get("/api/v1/cases?status=new,accepted".into()).await);
    assert!(commas.len() > 1, "new and accepted cases both exist: {commas:?}");
    assert_eq!(listed(get("/api/v1/cases?status=new&status=accepted".into()).await), commas);
    assert_eq!(listed(get("/api/v1/cases?status=new&status=new,accepted".into()).await), commas);
    for bad in ["status=new&status=", "status=new,,accepted", "status=new&status=lost"] {
        let res = app.call("GET", &format!("/api/v1/cases?{bad}"), Some(officer), None).await;
        assert_eq!(error_fields(&assert_problem(res, 400, "invalid_parameter").await), vec!["status"], "{bad}");
    }
    let res = app.call("GET", "/api/v1/cases?priority=urgent&priority=low", Some(officer), None).await;
    let problem = assert_problem(res, 400, "invalid_parameter").await;
    assert_eq!(problem["errors"][0]["code"], "repeated", "other parameters may not repeat");
    assert_eq!(count(get("/api/v1/cases?priority=urgent".into()).await), 1);
    assert_eq!(count(get("/api/v1/cases?q=GIANG%20THÀNH".into()).await), 4, "search ignores case and diacritics");
    assert_eq!(count(get("/api/v1/cases?overdue=true".into()).await), 0);
    let auditor =
        ok_json(app.call("GET", "/api/v1/cases?q=canary", Some(&s.auditor.access_token), None).await, 200).await;
    assert_eq!(count(auditor), 2, "auditors read every case");
    let stranger = ok_json(app.call("GET", "/api/v1/cases", Some(&s.ha_tien.access_token), None).await, 200).await;
    let ids: Vec<&str> = stranger["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![ha_tien_case.as_str()]);
    let bad = app.call("GET", "/api/v1/cases?sort=priority&cursor=nonsense&status=lost", Some(officer), None).await;
    let problem = assert_problem(bad, 400, "invalid_parameter").await;
    assert_eq!(error_fields(&problem), vec!["status"]);
}

async fn notes_and_messages_reach_staff_and_reporters(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let anonymous = ok_json(app.submit(None, &tip(30787)).await, 201).await;
    let case = case_of(&app, &s.auditor.access_token, &anonymous).await;
    let note = json!({"body": "Đã phối hợp công an xã kiểm tra bến đò."});
    let added =
        ok_json(app.post_json(&format!("/api/v1/cases/{case}/notes"), Some(&s.officer.access_token), &note).await, 201)
            .await;
    let by_auditor = app.post_json(&format!("/api/v1/cases/{case}/notes"), Some(&s.auditor.access_token), &note).await;
    assert_problem(by_auditor, 403, "forbidden").await;
    let empty = app
        .post_json(&format!("/api/v1/cases/{case}/notes"), Some(&s.officer.access_token), &json!({"body": ""}))
        .await;
    assert_eq!(error_fields(&assert_problem(empty, 422, "validation_failed").await), vec!["body"]);

    let message = json!({"body": "Cảm ơn bạn. Chúng tôi đang xác minh."});
    ok_json(
        app.post_json(&format!("/api/v1/cases/{case}/messages"), Some(&s.officer.access_token), &message).await,
        201,
    )
    .await;
    let (detail, _) = read(&app, &s.supervisor.access_token, &case).await;
    assert_eq!(detail["notes"][0]["id"], added["id"]);
    assert_eq!(detail["notes"][0]["body"], "Đã phối hợp công an xã kiểm tra bến đò.");
    assert_eq!(detail["reports"][0]["messages"][0]["body"], "Cảm ơn bạn. Chúng tôi đang xác minh.");
    assert_eq!(detail["reports"][0]["messages"][0]["from"], "staff");
    let actions: Vec<&str> =
        detail["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["case.opened", "case.note_added", "case.message_sent"]);
    assert!(!detail["history"].to_string().contains("bến đò"), "the trail keeps a digest of a note, not its words");

    let tracked = ok_json(
        app.post_json(
            "/api/v1/tracking",
            None,
            &json!({"reference": anonymous["reference"], "receipt_code": anonymous["receipt_code"]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(tracked["messages"][0]["body"], "Cảm ơn bạn. Chúng tôi đang xác minh.");
    assert_eq!(tracked["messages"][0]["from"], "staff");
    assert!(!tracked.to_string().contains("bến đò"), "reporters never see internal notes");
}

async fn a_reporters_identity_is_revealed_only_with_a_reason_and_always_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let mut body = tip(30787);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Trần Thị Bé", "phone": "0987654321"});
    let created = ok_json(app.submit(None, &body).await, 201).await;
    let case = case_of(&app, &s.auditor.access_token, &created).await;
    let (detail, _) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(detail["reports"][0]["reporter_left_contact"], true);
    assert!(!detail.to_string().contains("987654321") && !detail.to_string().contains("Trần Thị Bé"));

    let path = format!("/api/v1/cases/{case}/reporter-contact");
    let no_reason = app.post_json(&path, Some(&s.officer.access_token), &json!({"reason": "vì"})).await;
    assert_eq!(error_fields(&assert_problem(no_reason, 422, "validation_failed").await), vec!["reason"]);
    let reason = json!({"reason": "Cần gọi lại để xác định nơi nhóm người đang ở."});
    assert_problem(app.post_json(&path, Some(&s.supervisor.access_token), &reason).await, 403, "forbidden").await;
    assert_problem(app.post_json(&path, Some(&s.ha_tien.access_token), &reason).await, 404, "not_found").await;
    let trail = ok_json(
        app.call("GET", &format!("/api/v1/cases/{case}/audit"), Some(&s.auditor.access_token), None).await,
        200,
    )
    .await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 1, "refused reveals reveal nothing and record nothing");

    // A session alone is not enough: a fresh authenticator code, every time.
    let officer = Some(s.officer.access_token.as_str());
    assert_problem(app.post_json(&path, officer, &reason).await, 403, "step_up_required").await;
    let wrong = json!({"reason": reason["reason"], "totp_code": "000000"});
    assert_problem(app.post_json(&path, officer, &wrong).await, 403, "step_up_required").await;
    let code = app.fresh_code(&s.officer).await;
    let reason = json!({"reason": reason["reason"], "totp_code": code});
    let revealed = ok_json(app.post_json(&path, officer, &reason).await, 200).await;
    assert_problem(app.post_json(&path, officer, &reason).await, 403, "step_up_required").await;
    assert_eq!(revealed["contacts"][0]["phone"], "+84987654321", "as stored: in international form");
    assert_eq!(revealed["contacts"][0]["name"], "Trần Thị Bé");
    assert_eq!(revealed["contacts"][0]["reference"], created["reference"]);
    let trail = ok_json(
        app.call("GET", &format!("/api/v1/cases/{case}/audit"), Some(&s.auditor.access_token), None).await,
        200,
    )
    .await;
    let last = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "case.reporter_contact_revealed");
    assert_eq!(last["actor"], format!("user:{}", s.officer.user_id));
    assert_eq!(last["summary"]["reason"], "Cần gọi lại để xác định nơi nhóm người đang ở.");
    assert!(!trail.to_string().contains("987654321"), "the trail says who looked, not what they saw");
    let audit = ok_json(
        app.call("GET", "/api/v1/audit?action=case.reporter_contact_revealed", Some(&s.auditor.access_token), None)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

async fn a_transfer_waits_for_the_receiver_and_a_supervisor_decides_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    let ha_tien = app.authority_id("2024-D900").await;
    let kien_luong = app.authority_id("2024-D902").await;
    let (kl, ht, sup) = (&s.officer.access_token, &s.ha_tien.access_token, &s.supervisor.access_token);
    let path = format!("/api/v1/cases/{case}");
    assert_problem(app.call("GET", &path, Some(ht), None).await, 404, "not_found").await;

    let propose = json!({"to_authority_id": ha_tien, "reason": "Nhóm người đang ở phường Đông Hồ, Hà Tiên."});
    let (_, etag) = read(&app, kl, &case).await;
    let proposed = ok_json(change(&app, kl, &case, "transfers", &etag, &propose).await, 200).await;
    assert_eq!(proposed["authority"]["id"], kien_luong.as_str(), "the case stays until the receiver accepts");
    assert_eq!(proposed["transfers"][0]["state"], "proposed");
    let transfer = proposed["transfers"][0]["id"].as_str().unwrap().to_owned();
    let (_, etag) = read(&app, kl, &case).await;
    assert_problem(change(&app, kl, &case, "transfers", &etag, &propose).await, 409, "transfer_pending").await;

    // The receiver reads the case to decide, and sees it in its queue, but cannot work it.
    let (seen, ht_etag) = read(&app, ht, &case).await;
    assert_eq!(seen["allowed_actions"], json!([]));
    let queue = ok_json(app.call("GET", "/api/v1/transfers?direction=incoming", Some(ht), None).await, 200).await;
    assert_eq!(queue["items"][0]["id"], transfer.as_str());
    let accept_case = change(&app, ht, &case, "transitions", &ht_etag, &json!({"action": "accept"})).await;
    assert_problem(accept_case, 403, "forbidden").await;
    let decision = format!("transfers/{transfer}/decision");
    let by_sender = change(&app, kl, &case, &decision, &ht_etag, &json!({"decision": "accept"})).await;
    assert_problem(by_sender, 403, "forbidden").await;

    let declined = ok_json(
        change(&app, ht, &case, &decision, &ht_etag, &json!({"decision": "decline", "note": "Không thuộc địa bàn."}))
            .await,
        200,
    )
    .await;
    assert_eq!(declined["transfers"][0]["state"], "declined");
    assert_eq!(declined["authority"]["id"], kien_luong.as_str());
    assert_problem(app.call("GET", &path, Some(ht), None).await, 404, "not_found").await;

    let (_, etag) = read(&app, kl, &case).await;
    let again = ok_json(change(&app, kl, &case, "transfers", &etag, &propose).await, 200).await;
    let transfer = again["transfers"][1]["id"].as_str().unwrap().to_owned();
    let (_, ht_etag) = read(&app, ht, &case).await;
    let decision = format!("transfers/{transfer}/decision");
    let accepted =
        ok_json(change(&app, ht, &case, &decision, &ht_etag, &json!({"decision": "accept"})).await, 200).await;
    assert_eq!(accepted["authority"]["id"], ha_tien.as_str());
    assert_eq!(accepted["allowed_actions"], json!(["accept", "reject"]), "now Hà Tiên works it");
    assert_problem(app.call("GET", &path, Some(kl), None).await, 404, "not_found").await;
    let answered = change(&app, ht, &case, &decision, &accepted_etag(&accepted), &json!({"decision": "decline"})).await;
    assert_problem(answered, 409, "transfer_decided").await;

    // A supervisor moves a case at once.
    let back = json!({"to_authority_id": kien_luong, "reason": "Trả về Kiên Lương theo chỉ đạo của tỉnh."});
    let (_, etag) = read(&app, sup, &case).await;
    let moved = ok_json(change(&app, sup, &case, "transfers", &etag, &back).await, 200).await;
    assert_eq!(moved["authority"]["id"], kien_luong.as_str());
    assert_eq!(moved["transfers"][2]["state"], "accepted");
    let actions: Vec<&str> =
        moved["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec![
            "case.opened",
            "case.transfer_proposed",
            "case.transfer_declined",
            "case.transfer_proposed",
            "case.transfer_accepted",
            "case.transferred"
        ]
    );
    let to_self = json!({"to_authority_id": kien_luong, "reason": "Chuyển về chính đơn vị mình."});
    let (_, etag) = read(&app, kl, &case).await;
    let problem =
        assert_problem(change(&app, kl, &case, "transfers", &etag, &to_self).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["to_authority_id"]);
}

fn accepted_etag(case: &Value) -> String {
    format!("\"{}\"", case["version"])
}

async fn merging_keeps_every_tip_and_every_reporter_follows_their_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let first = ok_json(app.submit(None, &tip(30787)).await, 201).await;
    let mut urgent = tip(30787);
    urgent["urgency"] = json!("present");
    let second = ok_json(app.submit(None, &urgent).await, 201).await;
    let (a, b) =
        (case_of(&app, &s.auditor.access_token, &first).await, case_of(&app, &s.auditor.access_token, &second).await);
    let kl = &s.officer.access_token;
    let (b_detail, b_etag) = read(&app, kl, &b).await;
    let suggested: Vec<&str> =
        b_detail["possible_duplicates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(suggested, vec![a.as_str()], "the tip nearby, close in time, is suggested");

    let (_, ht_case) = new_case(&app, &s, &tip(app.first_commune(900).await)).await;
    let foreign = change(&app, kl, &b, "merge", &b_etag, &json!({"into": ht_case})).await;
    assert_eq!(error_fields(&assert_problem(foreign, 422, "validation_failed").await), vec!["into"]);
    let to_self = change(&app, kl, &b, "merge", &b_etag, &json!({"into": b})).await;
    assert_problem(to_self, 422, "validation_failed").await;

    let merged = ok_json(change(&app, kl, &b, "merge", &b_etag, &json!({"into": a})).await, 200).await;
    assert_eq!(merged["id"], a.as_str());
    let references: Vec<&str> =
        merged["reports"].as_array().unwrap().iter().map(|r| r["reference"].as_str().unwrap()).collect();
    assert_eq!(references, vec![first["reference"].as_str().unwrap(), second["reference"].as_str().unwrap()]);
    assert_eq!(merged["priority"], "urgent", "the surviving case keeps the higher priority");
    let (gone, gone_etag) = read(&app, kl, &b).await;
    assert_eq!((gone["status"].as_str(), gone["merged_into"].as_str()), (Some("merged"), Some(a.as_str())));
    assert_eq!(gone["reports"], json!([]));
    assert_problem(change(&app, kl, &b, "merge", &gone_etag, &json!({"into": a})).await, 409, "case_merged").await;

    // Both reporters follow the surviving case through their own reference.
    let (_, etag) = read(&app, kl, &a).await;
    ok_json(change(&app, kl, &a, "transitions", &etag, &json!({"action": "accept"})).await, 200).await;
    let message = json!({"body": "Cảm ơn các bạn, chúng tôi đã tiếp nhận."});
    ok_json(app.post_json(&format!("/api/v1/cases/{a}/messages"), Some(kl), &message).await, 201).await;
    for created in [&first, &second] {
        let tracked = ok_json(
            app.post_json(
                "/api/v1/tracking",
                None,
                &json!({"reference": created["reference"], "receipt_code": created["receipt_code"]}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(tracked["reference"], created["reference"]);
        assert_eq!(tracked["status"], "being_handled");
        assert_eq!(tracked["messages"][0]["body"], "Cảm ơn các bạn, chúng tôi đã tiếp nhận.");
    }
    let history = |case: &Value| -> Vec<String> {
        case["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
    };
    assert!(history(&gone).contains(&"case.merged_into".to_owned()));
    let (survivor, _) = read(&app, kl, &a).await;
    assert!(history(&survivor).contains(&"case.merged_in".to_owned()));
}

async fn overdue_cases_are_escalated_once_per_missed_deadline(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.deadlines = tinbao::domain::case::Deadlines::parse("normal=1s/8s").unwrap();
        config.escalation_interval_secs = 1;
    })
    .await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip(30787)).await;
    let sup = &s.supervisor.access_token;
    let escalations = |case: Value| -> Vec<String> {
        case["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "case.escalated")
            .map(|e| e["summary"]["deadline"].as_str().unwrap().to_owned())
            .collect()
    };
    // Not accepted within a second: escalated for the time to accept.
    let mut seen = Vec::new();
    for _ in 0..40 {
        let (detail, _) = read(&app, sup, &case).await;
        seen = escalations(detail);
        if !seen.is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(seen, vec!["accept"]);
    let watch = ok_json(app.call("GET", "/api/v1/cases?escalated=true", Some(sup), None).await, 200).await;
    assert_eq!(watch["items"][0]["id"], case.as_str());
    assert!(watch["items"][0]["escalated_at"].is_string());
    assert_eq!(watch["items"][0]["overdue"], true);
    let overdue_list = |token: String| {
        let app = &app;
        async move {
            let page = ok_json(app.call("GET", "/api/v1/cases?overdue=true", Some(&token), None).await, 200).await;
            page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(overdue_list(sup.clone()).await, vec![case.clone()], "new and late to be accepted: overdue");
    let (detail, etag) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(detail["history"].as_array().unwrap().iter().filter(|e| e["actor"] == "system:deadlines").count(), 1);
    // An escalation changes no one's ETag: accepting still works with the ETag read before.
    assert_eq!(etag, format!("\"{}\"", 1));
    ok_json(
        change(&app, &s.officer.access_token, &case, "transitions", &etag, &json!({"action": "accept"})).await,
        200,
    )
    .await;
    // Not resolved within eight seconds: escalated again, for the time to resolve, once.
    for _ in 0..60 {
        let (detail, _) = read(&app, sup, &case).await;
        seen = escalations(detail);
        if seen.len() > 1 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(seen, vec!["accept", "resolve"]);
    assert_eq!(overdue_list(sup.clone()).await, vec![case.clone()], "accepted and late to be resolved: overdue");
    assert!(overdue_list(s.ha_tien.access_token.clone()).await.is_empty(), "not another district's");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (detail, _) = read(&app, sup, &case).await;
    assert_eq!(escalations(detail), vec!["accept", "resolve"], "each missed deadline once");
    let ht =
        ok_json(app.call("GET", "/api/v1/cases?escalated=true", Some(&s.ha_tien.access_token), None).await, 200).await;
    assert_eq!(ht["items"], json!([]), "another district's officers see nothing of it");
}

async fn statistics_count_the_callers_cases_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let mut ours = Vec::new();
    for _ in 0..3 {
        ours.push(new_case(&app, &s, &tip(30787)).await.1);
    }
    new_case(&app, &s, &tip(app.first_commune(900).await)).await;
    new_case(&app, &s, &tip(30316)).await;
    drive(&app, &s, &ours[1], "accepted").await;
    drive(&app, &s, &ours[2], "resolved").await;

    let stats = |token: String, query: &'static str| {
        let app = &app;
        async move { ok_json(app.call("GET", &format!("/api/v1/stats/cases{query}"), Some(&token), None).await, 200).await }
    };
    let officer = stats(s.officer.access_token.clone(), "").await;
    assert_eq!(officer["total"], 3);
    assert_eq!(officer["by_status"]["new"], 1);
    assert_eq!(officer["by_status"]["accepted"], 1);
    assert_eq!(officer["by_status"]["resolved"], 1);
    assert_eq!(officer["by_status"]["closed"], 0);
    assert_eq!(
        officer["by_authority"],
        json!([{"authority": {"id": app.authority_id("2024-D902").await, "name": "Công an Huyện Kiên Lương"}, "count": 3}])
    );
    assert!(officer["median_seconds_to_accept"].as_i64().unwrap() >= 0);
    assert!(officer["median_seconds_to_resolve"].as_i64().unwrap() >= 0);
    assert_eq!(officer["overdue"], 0);

    let supervisor = stats(s.supervisor.access_token.clone(), "").await;
    assert_eq!(supervisor["total"], 4, "Kiên Giang's cases, not An Giang's");
    assert_eq!(
        supervisor["by_unit"],
        json!([{"unit": "2024.district.902", "count": 3}, {"unit": "2024.district.900", "count": 1}])
    );
    let auditor = stats(s.auditor.access_token.clone(), "").await;
    assert_eq!(auditor["total"], 5);
    let before = stats(s.auditor.access_token.clone(), "?created_to=2020-01-01T00:00:00Z").await;
    assert_eq!(before["total"], 0);
    assert_eq!(before["median_seconds_to_accept"], Value::Null);

    let citizen = app.call("GET", "/api/v1/stats/cases", Some(&s.citizen.access_token), None).await;
    assert_problem(citizen, 403, "forbidden").await;
    let window = "/api/v1/stats/cases?created_from=2026-01-01T00:00:00Z&created_to=2025-01-01T00:00:00Z";
    let bad = app.call("GET", window, Some(&s.officer.access_token), None).await;
    assert_eq!(error_fields(&assert_problem(bad, 400, "invalid_parameter").await), vec!["created_from"]);
}

async fn sample_cases_read_like_real_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let seeded = crate::cli::tinbao(&app.database_url, &app.data_dir, &["cases", "seed-sample", "--count", "300"]);
    assert!(seeded.status.success(), "{}", crate::cli::text(&seeded.stderr));
    assert!(crate::cli::text(&seeded.stdout).contains("wrote 300 sample cases"));
    let page =
        ok_json(app.call("GET", "/api/v1/cases?limit=100", Some(&s.auditor.access_token), None).await, 200).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 100);
    assert!(page["next_cursor"].is_string());
    for item in items.iter().take(20) {
        let (case, _) = read(&app, &s.auditor.access_token, item["id"].as_str().unwrap()).await;
        assert_eq!(case["reports"][0]["reference"], item["reference"]);
        assert_eq!(case["reports"][0]["tip"]["commune"][1], item["unit"]["commune_code"]);
    }
    // Ids sort like opening times, as real ones do.
    let times: Vec<&str> = items.iter().map(|c| c["created_at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
}

/// Every case of a work list (`query` says the page size, filters and order), page by page.
async fn every_case(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut cases = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut path = format!("/api/v1/cases?{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = ok_json(app.call("GET", &path, Some(token), None).await, 200).await;
        cases.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return cases,
        }
    }
    panic!("{query}: the pages never end");
}

async fn a_window_of_opening_times_holds_exactly_its_cases(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    // Sample cases are opened over the past year; a real one now.
    let seeded = crate::cli::tinbao(&app.database_url, &app.data_dir, &["cases", "seed-sample", "--count", "300"]);
    assert!(seeded.status.success(), "{}", crate::cli::text(&seeded.stderr));
    new_case(&app, &s, &tip(30787)).await;
    let token = &s.auditor.access_token;
    let opened = |case: &Value| chrono::DateTime::parse_from_rfc3339(case["created_at"].as_str().unwrap()).unwrap();
    let all = every_case(&app, token, "limit=100").await;
    assert_eq!(all.len(), 301);

    // From the 200th newest case's opening time (included) to the 100th's (excluded).
    let (from, to) = (all[200]["created_at"].as_str().unwrap(), all[100]["created_at"].as_str().unwrap());
    let (from_at, to_at) = (opened(&all[200]), opened(&all[100]));
    let expected: Vec<&Value> =
        all.iter().filter(|c| from_at <= opened(c) && opened(c) < to_at).map(|c| &c["id"]).collect();
    assert!(expected.len() >= 100, "the window holds the cases between the two");
    for sort in ["newest", "oldest", "due_soonest", "priority"] {
        let window =
            every_case(&app, token, &format!("limit=100&sort={sort}&created_from={from}&created_to={to}")).await;
        let mut got: Vec<&Value> = window.iter().map(|c| &c["id"]).collect();
        got.sort_unstable_by(|a, b| b.as_str().cmp(&a.as_str()));
        assert_eq!(got, expected, "sort={sort}");
    }
    let only_from = every_case(&app, token, &format!("limit=100&created_from={from}")).await;
    assert_eq!(only_from.len(), all.iter().filter(|c| from_at <= opened(c)).count());
    let only_to = every_case(&app, token, &format!("limit=100&created_to={to}")).await;
    assert_eq!(only_to.len(), all.iter().filter(|c| opened(c) < to_at).count());

    let path = format!("/api/v1/stats/cases?created_from={from}&created_to={to}");
    let stats = ok_json(app.call("GET", &path, Some(token), None).await, 200).await;
    assert_eq!(stats["total"], expected.len());
}

crate::on_both_backends!(
    every_transition_is_allowed_or_refused_for_every_role,
    a_resolution_needs_an_outcome_and_a_note,
    a_stale_or_missing_if_match_never_loses_an_update,
    cases_are_assigned_to_officers_of_their_authority_and_prioritised,
    the_work_list_never_shows_another_jurisdictions_case,
    notes_and_messages_reach_staff_and_reporters,
    a_reporters_identity_is_revealed_only_with_a_reason_and_always_audited,
    a_transfer_waits_for_the_receiver_and_a_supervisor_decides_at_once,
    merging_keeps_every_tip_and_every_reporter_follows_their_own,
    overdue_cases_are_escalated_once_per_missed_deadline,
    statistics_count_the_callers_cases_only,
    sample_cases_read_like_real_ones,
    a_window_of_opening_times_holds_exactly_its_cases,
);

/// What a work list sorted by `sort` orders by, before the id (ascending; `newest` is
/// the reverse of `oldest`).
fn sort_key(sort: &str, item: &Value) -> i64 {
    match sort {
        "due_soonest" => {
            chrono::DateTime::parse_from_rfc3339(item["resolve_due_at"].as_str().unwrap()).unwrap().timestamp_micros()
        }
        "priority" => ["urgent", "high", "normal", "low"].iter().position(|p| item["priority"] == *p).unwrap() as i64,
        _ => 0,
    }
}
