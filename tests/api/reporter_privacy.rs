//! A citizen's tips link to no account in any answer staff get (issue 14, point 2): not
//! through the case, its history, the audit trail, nor a filter by actor; older events
//! that named the account are shown as anonymous, and older tips are unlinked at start-up.

use serde_json::{Value, json};

use crate::cases::staff;
use crate::cli::with_db;
use crate::helpers::{Backend, TestApp, case_of, ok_json, spawn_app, tip};

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    ok_json(app.call("GET", path, Some(token), None).await, 200).await
}

/// Every event of the audit trail.
async fn whole_trail(app: &TestApp, token: &str) -> Vec<Value> {
    let (mut events, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/audit?limit=100&cursor={c}"),
            None => "/api/v1/audit?limit=100".to_owned(),
        };
        let page = get(app, token, &path).await;
        events.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return events,
        }
    }
}

async fn a_citizens_tips_link_to_no_account_in_any_staff_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let citizen = s.citizen.user_id.clone();
    let anonymous = ok_json(app.submit(Some(&s.citizen.access_token), &tip(30787)).await, 201).await;
    let mut body = tip(30787);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Lê Văn Tư", "phone": "0915000222"});
    let confidential = ok_json(app.submit(Some(&s.citizen.access_token), &body).await, 201).await;
    let anonymous_id = anonymous["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.sql_count(&format!(
            "SELECT COUNT(*) AS n FROM reports WHERE id = '{anonymous_id}' AND submitted_by_user IS NULL \
             AND owner_index IS NOT NULL"
        ))
        .await,
        1,
        "the anonymous tip stores a blind index, not the account"
    );

    // The citizen still has both, and can add to the anonymous one.
    let mine = get(&app, &s.citizen.access_token, "/api/v1/me/reports").await;
    let references: Vec<&str> =
        mine["items"].as_array().unwrap().iter().map(|r| r["reference"].as_str().unwrap()).collect();
    assert!(references.contains(&anonymous["reference"].as_str().unwrap()), "{mine}");
    assert!(references.contains(&confidential["reference"].as_str().unwrap()), "{mine}");
    get(&app, &s.citizen.access_token, &format!("/api/v1/me/reports/{anonymous_id}")).await;
    let added = app
        .post_json(
            &format!("/api/v1/me/reports/{anonymous_id}/messages"),
            Some(&s.citizen.access_token),
            &json!({"body": "Họ vừa đi về phía chợ."}),
        )
        .await;
    assert_eq!(added.status().as_u16(), 201);
    // Another citizen does not.
    let stranger = app.citizen("0915000333").await;
    let res = app.call("GET", &format!("/api/v1/me/reports/{anonymous_id}"), Some(&stranger.access_token), None).await;
    assert_eq!(res.status().as_u16(), 404);

    // As an earlier version wrote them: the tip naming the account, an event by it.
    let anon_case = case_of(&app, &s.auditor.access_token, &anonymous).await;
    let (url, case_for_event, user) = (app.database_url.clone(), anon_case.clone(), citizen.clone());
    with_db(&url, move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE reports SET submitted_by_user = '{user}', owner_index = NULL WHERE id = '{anonymous_id}'"
        ))
        .execute(conn)
        .unwrap();
        let origin = tinbao::domain::audit::Origin::user(uuid::Uuid::parse_str(&user).unwrap(), None);
        tinbao::db::audit::append(
            conn,
            tinbao::domain::audit::ObjectType::Case,
            &case_for_event,
            &origin,
            "case.reporter_message",
            json!({"sha256": "0".repeat(64)}),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    });
    // An instance starting unlinks the older tip.
    let sibling = app.sibling().await;
    assert_eq!(
        sibling
            .sql_count(&format!(
                "SELECT COUNT(*) AS n FROM reports WHERE submitted_by_user = '{citizen}' AND identity_mode = 'anonymous'"
            ))
            .await,
        0
    );
    let mine = get(&sibling, &s.citizen.access_token, "/api/v1/me/reports").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "still the citizen's: {mine}");

    // Nothing any staff member reads names the account or its number.
    let conf_case = case_of(&sibling, &s.auditor.access_token, &confidential).await;
    let mut answers = Vec::new();
    for token in [&s.officer.access_token, &s.supervisor.access_token, &s.auditor.access_token] {
        for case in [&anon_case, &conf_case] {
            answers.push(get(&sibling, token, &format!("/api/v1/cases/{case}")).await.to_string());
            answers.push(get(&sibling, token, &format!("/api/v1/cases/{case}/messages")).await.to_string());
        }
        answers.push(get(&sibling, token, "/api/v1/cases?limit=100").await.to_string());
    }
    for case in [&anon_case, &conf_case] {
        let trail = get(&sibling, &s.auditor.access_token, &format!("/api/v1/cases/{case}/audit")).await;
        answers.push(trail.to_string());
    }
    // The trail names the account only in the account's own events (its registration).
    for event in whole_trail(&sibling, &s.auditor.access_token).await {
        if event["object_type"] == "account" && event["object_id"] == json!(citizen) {
            assert_eq!(event["actor"], "anonymous", "{event}");
        } else {
            answers.push(event.to_string());
        }
    }
    for report in [&anonymous, &confidential] {
        let id = report["id"].as_str().unwrap();
        answers.push(get(&sibling, &s.officer.access_token, &format!("/api/v1/reports/{id}")).await.to_string());
    }
    for answer in &answers {
        let shown: String = answer.chars().take(2000).collect();
        assert!(!answer.contains(&citizen), "the account shows: {shown}");
        assert!(!answer.contains("915000222"), "the number shows: {shown}");
    }
    // The older event is shown as anonymous, flagged; the trail still verifies.
    let trail = get(&sibling, &s.auditor.access_token, &format!("/api/v1/cases/{anon_case}/audit")).await;
    let older = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((older["actor"].clone(), older["actor_masked"].clone()), (json!("anonymous"), json!(true)), "{older}");
    let opened = &trail["items"][0];
    assert_eq!((opened["action"].clone(), opened["actor"].clone()), (json!("case.opened"), json!("anonymous")));
    assert!(opened.get("actor_masked").is_none(), "written as anonymous: {opened}");
    let verified = get(&sibling, &s.auditor.access_token, "/api/v1/audit/verify").await;
    assert_eq!(verified["intact"], true, "{verified}");
    // A filter by the account finds nothing, though an event names it.
    let filtered = get(&sibling, &s.auditor.access_token, &format!("/api/v1/audit?actor=user:{citizen}")).await;
    assert_eq!(filtered["items"], json!([]));
    // Staff still appear as themselves.
    let by_officer =
        get(&sibling, &s.auditor.access_token, &format!("/api/v1/audit?actor=user:{}", s.officer.user_id)).await;
    assert!(by_officer["items"].as_array().is_some());
}

async fn a_citizens_login_is_stored_as_a_digest_and_sealed(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let citizen = app.citizen("0915000444").await;
    let stored =
        "SELECT COUNT(*) AS n FROM users WHERE role = 'citizen' AND login LIKE 'h:%' AND login_sealed IS NOT NULL";
    assert_eq!(app.sql_count(stored).await, 1);
    let clear = "SELECT COUNT(*) AS n FROM users WHERE login LIKE '%915000444%' OR login_sealed LIKE '%915000444%'";
    assert_eq!(app.sql_count(clear).await, 0, "the number is in no column");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM users WHERE login = 'root.admin'").await, 1, "staff in clear");
    if backend == Backend::Sqlite {
        for file in ["tinbao.db", "tinbao.db-wal"] {
            let bytes = std::fs::read(app.data_dir.join(file)).unwrap_or_default();
            assert!(!bytes.windows(9).any(|w| w == b"915000444"), "{file} holds the number");
        }
    }
    // Its owner signs in with it, typed any way, and sees it; an admin does not.
    ok_json(app.login("0915 000 444", crate::helpers::PASSWORD, None).await, 200).await;
    let me = get(&app, &citizen.access_token, "/api/v1/me").await;
    assert_eq!(me["login"], "+84915000444");
    let seen = get(&app, &admin.access_token, &format!("/api/v1/users/{}", citizen.user_id)).await;
    assert_eq!(seen["login"], Value::Null, "{seen}");
    let list = get(&app, &admin.access_token, "/api/v1/users?role=citizen").await;
    assert!(!list.to_string().contains("915000444"), "{list}");
    // The number stays taken, though the answer does not say so.
    let again = app
        .post_json("/api/v1/auth/register", None, &json!({"login": "0915000444", "password": crate::helpers::PASSWORD}))
        .await;
    assert_eq!(again.status().as_u16(), 202);
    app.gateway.wait_for("+84915000444", 2).await;
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM users WHERE role = 'citizen'").await, 1);

    // An account made before logins were sealed is sealed when an instance starts.
    let (url, id) = (app.database_url.clone(), citizen.user_id.clone());
    with_db(&url, move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!("UPDATE users SET login = '+84915000444', login_sealed = NULL WHERE id = '{id}'"))
            .execute(conn)
            .unwrap();
    });
    let sibling = app.sibling().await;
    assert_eq!(sibling.sql_count(stored).await, 1);
    assert_eq!(sibling.sql_count(clear).await, 0);
    ok_json(sibling.login("0915000444", crate::helpers::PASSWORD, None).await, 200).await;
}

crate::on_both_backends!(
    a_citizens_tips_link_to_no_account_in_any_staff_answer,
    a_citizens_login_is_stored_as_a_digest_and_sealed,
);
