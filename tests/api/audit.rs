//! The audit trail: an event for every change, append-only in the database, and `verify`
//! naming the first damaged event after raw SQL alters, deletes or reorders events.

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::cli::{text, tinbao, with_db};
use crate::helpers::{Backend, TestApp, assert_problem, case_of, ok_json, spawn_app, tip};

/// Runs SQL straight on the server's database; returns the error text, if any.
fn sql(app: &TestApp, statements: &[&str]) -> Option<String> {
    let statements: Vec<String> = statements.iter().map(|s| (*s).to_owned()).collect();
    with_db(&app.database_url, move |conn| {
        for statement in statements {
            if let Err(e) = diesel::sql_query(&statement).execute(conn) {
                return Some(e.to_string());
            }
        }
        None
    })
}

/// The events of one object, oldest first, as an auditor reads them.
async fn chain(app: &TestApp, token: &str, object_id: &str) -> Vec<Value> {
    let page =
        ok_json(app.call("GET", &format!("/api/v1/audit?object_id={object_id}"), Some(token), None).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

async fn verify(app: &TestApp, token: &str, checkpoint: Option<&str>) -> Value {
    let path = match checkpoint {
        Some(c) => format!("/api/v1/audit/verify?checkpoint={c}"),
        None => "/api/v1/audit/verify".to_owned(),
    };
    ok_json(app.call("GET", &path, Some(token), None).await, 200).await
}

async fn every_change_is_recorded_and_verify_names_the_first_damaged_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    let officer_id =
        app.create_staff(&admin, "kl.officer", "district_officer", json!({"authority_id": kien_luong})).await;
    app.create_staff(&admin, "the.auditor", "auditor", json!({})).await;
    let officer = app.full_session("kl.officer").await;
    let auditor = app.full_session("the.auditor").await;
    let token = auditor.access_token.as_str();

    // Accounts: created by the admin, then a second factor enrolled by the officer.
    let account_events = chain(&app, token, &officer_id).await;
    let actions: Vec<&str> = account_events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["account.created", "account.mfa_enabled"]);
    assert_eq!(account_events[0]["actor"], format!("user:{}", admin.user_id));
    assert!(!account_events[0].to_string().contains("kl.officer"), "no login in the trail");
    // A routing rule and an authority.
    let rule = ok_json(
        app.post_json(
            "/api/v1/routing-rules",
            Some(&admin.access_token),
            &json!({"unit": {"scheme": "2024", "level": "district", "code": 900}, "authority_id": kien_luong}),
        )
        .await,
        201,
    )
    .await;
    let rule_events = chain(&app, token, rule["id"].as_str().unwrap()).await;
    assert_eq!(rule_events[0]["action"], "routing_rule.created");
    let authority_events = chain(&app, token, &kien_luong).await;
    assert_eq!(authority_events[0]["action"], "authority.created");
    assert_eq!(authority_events[0]["actor"], "system:seed");

    // Three cases of three events each.
    let mut cases = Vec::new();
    for _ in 0..3 {
        let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
        let case = case_of(&app, token, &created).await;
        for action in ["accept", "start_investigation"] {
            let res = app.call("GET", &format!("/api/v1/cases/{case}"), Some(&officer.access_token), None).await;
            let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_owned();
            let changed = app
                .client
                .post(format!("{}/api/v1/cases/{case}/transitions", app.address))
                .bearer_auth(&officer.access_token)
                .header("If-Match", etag)
                .json(&json!({"action": action}))
                .send()
                .await
                .unwrap();
            assert_eq!(changed.status().as_u16(), 200);
        }
        let events = chain(&app, token, &case).await;
        assert_eq!(events.len(), 3);
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e["position"], i as i64 + 1);
            let previous = if i == 0 { Value::Null } else { events[i - 1]["hash"].clone() };
            assert_eq!(e["prev_hash"], previous, "each event links to the one before it");
            assert!(e["request_id"].is_string(), "events name their request");
        }
        cases.push((case, events));
    }
    let whole = verify(&app, token, None).await;
    assert_eq!(whole["intact"], true, "{whole}");
    let total = whole["events_checked"].as_u64().unwrap();
    assert!(total >= 9 + 696 + 4, "{total}");
    let cli = tinbao(&app.database_url, &app.data_dir, &["audit", "verify"]);
    assert!(cli.status.success(), "{}", text(&cli.stderr));
    assert!(text(&cli.stdout).contains(&format!("{total} events checked")), "{}", text(&cli.stdout));
    let forbidden = app.call("GET", "/api/v1/audit/verify", Some(&officer.access_token), None).await;
    assert_problem(forbidden, 403, "forbidden").await;

    // The database refuses to change or remove events.
    let seq = |e: &Value| e["seq"].as_i64().unwrap();
    let (a, b, c) = (&cases[0].1, &cases[1].1, &cases[2].1);
    let refused = sql(&app, &[&format!("UPDATE audit_events SET summary = '{{}}' WHERE seq = {}", seq(&a[1]))]);
    assert!(refused.unwrap_or_default().contains("append-only"));
    let refused = sql(&app, &[&format!("DELETE FROM audit_events WHERE seq = {}", seq(&a[1]))]);
    assert!(refused.unwrap_or_default().contains("append-only"));

    // An attacker with the database's owner rights drops the triggers first.
    let drop = match backend {
        Backend::Sqlite => vec!["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
        Backend::Postgres => vec![
            "DROP TRIGGER audit_events_no_update ON audit_events",
            "DROP TRIGGER audit_events_no_truncate ON audit_events",
        ],
    };
    assert_eq!(sql(&app, &drop), None);

    // Altered: the second event of case A.
    assert_eq!(
        sql(&app, &[&format!("UPDATE audit_events SET summary = summary || ' ' WHERE seq = {}", seq(&a[1]))]),
        None
    );
    let found = verify(&app, token, None).await;
    assert_eq!(found["intact"], false);
    assert_eq!(found["first_damaged"]["seq"], seq(&a[1]));
    assert_eq!(found["first_damaged"]["object_id"], cases[0].0.as_str());
    assert!(found["first_damaged"]["problem"].as_str().unwrap().contains("altered"));
    let cli = tinbao(&app.database_url, &app.data_dir, &["audit", "verify"]);
    assert_eq!(cli.status.code(), Some(1));
    assert!(text(&cli.stderr).contains(&format!("event {}", seq(&a[1]))), "{}", text(&cli.stderr));
    let restore =
        format!("UPDATE audit_events SET summary = substr(summary, 1, length(summary) - 1) WHERE seq = {}", seq(&a[1]));
    assert_eq!(sql(&app, &[&restore]), None);
    assert_eq!(verify(&app, token, None).await["intact"], true);

    // Deleted: the second event of case B; the third no longer follows the first.
    let deleted = seq(&b[1]);
    assert_eq!(
        sql(
            &app,
            &[
                &format!("CREATE TABLE kept AS SELECT * FROM audit_events WHERE seq = {deleted}"),
                &format!("DELETE FROM audit_events WHERE seq = {deleted}"),
            ]
        ),
        None
    );
    let found = verify(&app, token, None).await;
    assert_eq!(found["first_damaged"]["seq"], seq(&b[2]));
    assert!(found["first_damaged"]["problem"].as_str().unwrap().contains("removed or reordered"));
    assert_eq!(sql(&app, &["INSERT INTO audit_events SELECT * FROM kept", "DROP TABLE kept"]), None);
    assert_eq!(verify(&app, token, None).await["intact"], true);

    // Reordered: the second and third events of case C swap places.
    let (second, third) = (seq(&c[1]), seq(&c[2]));
    assert_eq!(
        sql(
            &app,
            &[
                &format!("UPDATE audit_events SET position = -1 WHERE seq = {second}"),
                &format!("UPDATE audit_events SET position = 2 WHERE seq = {third}"),
                &format!("UPDATE audit_events SET position = 3 WHERE seq = {second}"),
            ]
        ),
        None
    );
    let found = verify(&app, token, None).await;
    assert_eq!(found["first_damaged"]["seq"], third, "{found}");
    assert_eq!(found["first_damaged"]["position"], 2);
    assert_eq!(
        sql(
            &app,
            &[
                &format!("UPDATE audit_events SET position = -1 WHERE seq = {third}"),
                &format!("UPDATE audit_events SET position = 2 WHERE seq = {second}"),
                &format!("UPDATE audit_events SET position = 3 WHERE seq = {third}"),
            ]
        ),
        None
    );
    assert_eq!(verify(&app, token, None).await["intact"], true);

    // A cut tail or a deleted chain leaves every remaining chain whole: only a
    // checkpoint kept outside the database reveals it.
    let printed = tinbao(&app.database_url, &app.data_dir, &["audit", "checkpoint"]);
    assert!(printed.status.success(), "{}", text(&printed.stderr));
    let checkpoint = text(&printed.stdout).trim().to_owned();
    let matched = verify(&app, token, Some(&checkpoint)).await;
    assert_eq!((matched["intact"].as_bool(), matched["checkpoint_matches"].as_bool()), (Some(true), Some(true)));
    // Events added after the checkpoint do not disturb it.
    ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    assert_eq!(verify(&app, token, Some(&checkpoint)).await["checkpoint_matches"], true);

    assert_eq!(sql(&app, &[&format!("DELETE FROM audit_events WHERE seq = {}", seq(&a[2]))]), None);
    assert_eq!(verify(&app, token, None).await["intact"], true, "a cut tail looks whole without a checkpoint");
    let cut = verify(&app, token, Some(&checkpoint)).await;
    assert_eq!((cut["intact"].as_bool(), cut["checkpoint_matches"].as_bool()), (Some(false), Some(false)));
    let cli = tinbao(&app.database_url, &app.data_dir, &["audit", "verify", "--checkpoint", &checkpoint]);
    assert_eq!(cli.status.code(), Some(1));
    assert!(text(&cli.stderr).contains("does not match the checkpoint"), "{}", text(&cli.stderr));

    let bad = app.call("GET", "/api/v1/audit/verify?checkpoint=12.x", Some(token), None).await;
    assert_problem(bad, 400, "invalid_parameter").await;
}

async fn a_deleted_chain_is_revealed_by_the_checkpoint(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    app.create_staff(&admin, "the.auditor", "auditor", json!({})).await;
    let auditor = app.full_session("the.auditor").await;
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let case = case_of(&app, &auditor.access_token, &created).await;
    let printed = tinbao(&app.database_url, &app.data_dir, &["audit", "checkpoint"]);
    let checkpoint = text(&printed.stdout).trim().to_owned();
    let drop = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_events_no_delete",
        Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events",
    };
    assert_eq!(sql(&app, &[drop, &format!("DELETE FROM audit_events WHERE object_id = '{case}'")]), None);
    let whole = verify(&app, &auditor.access_token, None).await;
    assert_eq!(whole["intact"], true);
    let found = verify(&app, &auditor.access_token, Some(&checkpoint)).await;
    assert_eq!(found["checkpoint_matches"], false);
    let ok = tinbao(&app.database_url, &app.data_dir, &["audit", "verify", "--checkpoint", "1.1.abc"]);
    assert_eq!(ok.status.code(), Some(1), "a malformed checkpoint is refused");
}

async fn every_kind_of_change_writes_its_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    app.create_staff(&admin, "the.auditor", "auditor", json!({})).await;
    let auditor = app.full_session("the.auditor").await;
    let token = auditor.access_token.as_str();
    let actions = |events: Vec<Value>| -> Vec<String> {
        events.iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
    };

    // Accounts: registered, changed by an admin, password changed by its holder.
    let citizen = app.citizen("0916000333").await;
    let patch = json!({"display_name": "Nguyễn Văn A", "disabled": false});
    let path = format!("/api/v1/users/{}", citizen.user_id);
    ok_json(app.call("PATCH", &path, Some(&admin.access_token), Some(&patch)).await, 200).await;
    let citizen = app.full_session("0916000333").await;
    let change = json!({"current_password": crate::helpers::PASSWORD, "new_password": "orchid tractor seventy lakes"});
    let res = app.post_json("/api/v1/me/password", Some(&citizen.access_token), &change).await;
    assert_eq!(res.status().as_u16(), 204);
    let events = chain(&app, token, &citizen.user_id).await;
    assert_eq!(actions(events.clone()), vec!["account.registered", "account.changed", "account.password_changed"]);
    assert_eq!(events[0]["actor"], "anonymous");
    assert_eq!(events[1]["actor"], format!("user:{}", admin.user_id));
    assert_eq!(events[2]["actor"], format!("user:{}", citizen.user_id));
    assert!(!events.iter().any(|e| e.to_string().contains("0916000333") || e.to_string().contains("orchid")));

    // Routing rules: created and deleted through the API; created and changed by import.
    let kien_luong = app.authority_id("2024-D902").await;
    let body = json!({"unit": {"scheme": "2024", "level": "district", "code": 900}, "authority_id": kien_luong});
    let rule = ok_json(app.post_json("/api/v1/routing-rules", Some(&admin.access_token), &body).await, 201).await;
    let rule_id = rule["id"].as_str().unwrap();
    let deleted =
        app.call("DELETE", &format!("/api/v1/routing-rules/{rule_id}"), Some(&admin.access_token), None).await;
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(actions(chain(&app, token, rule_id).await), vec!["routing_rule.created", "routing_rule.deleted"]);
    let file = app.data_dir.join("rules.csv");
    let import = |note: &str| {
        std::fs::write(&file, format!("matter,unit,authority_code,note\n*,2024:district:900,2024-D902,{note}\n"))
            .unwrap();
        let out = tinbao(&app.database_url, &app.data_dir, &["routing-rules", "import", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    import("first");
    import("second");
    let imported =
        ok_json(app.call("GET", "/api/v1/audit?actor=system:routing-rules-import", Some(token), None).await, 200).await;
    assert_eq!(
        actions(imported["items"].as_array().unwrap().clone()),
        vec!["routing_rule.created", "routing_rule.changed"]
    );
    let changed = &imported["items"][1];
    assert_eq!(changed["summary"]["before"]["note"], "first");
    assert_eq!(changed["summary"]["after"]["note"], "second");

    // Authorities: seeded, then changed by import.
    let file = app.data_dir.join("authorities.csv");
    std::fs::write(
        &file,
        "code,name,kind,units\n2024-D902,Công an huyện Kiên Lương (mới),district,2024:district:902\n",
    )
    .unwrap();
    let out = tinbao(&app.database_url, &app.data_dir, &["authorities", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let events = chain(&app, token, &kien_luong).await;
    assert_eq!(actions(events.clone()), vec!["authority.created", "authority.changed"]);
    assert_eq!(events[1]["actor"], "system:authorities-import");
    assert_eq!(events[1]["summary"]["after"]["name"], "Công an huyện Kiên Lương (mới)");
    assert_eq!(verify(&app, token, None).await["intact"], true);
}

crate::on_both_backends!(
    every_change_is_recorded_and_verify_names_the_first_damaged_event,
    a_deleted_chain_is_revealed_by_the_checkpoint,
    every_kind_of_change_writes_its_event,
);
