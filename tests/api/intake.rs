//! Tip intake: routing, validation, idempotency, tracking, reporters' safety.

use serde_json::{Value, json};

use crate::helpers::{Backend, assert_problem, error_fields, ok_json, spawn_app, tip};

async fn tips_from_kien_giang_reach_their_districts_authority(backend: Backend) {
    let app = spawn_app(backend).await;
    for (district, name) in [
        (899, "Công an Thành phố Rạch Giá"),
        (900, "Công an Thành phố Hà Tiên"),
        (902, "Công an Huyện Kiên Lương"),
        (911, "Công an Thành phố Phú Quốc"),
        (914, "Công an Huyện Giang Thành"),
    ] {
        let commune = app.first_commune(district).await;
        let res = app.submit(None, &tip(commune)).await;
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let created = ok_json(res, 201).await;
        assert_eq!(created["authority"]["name"], name, "commune {commune} of district {district}");
        assert_eq!(created["status"], "received");
        assert_eq!(location, format!("/api/v1/reports/{}", created["id"].as_str().unwrap()));
        let reference = created["reference"].as_str().unwrap();
        assert!(reference.starts_with("TB-") && reference.len() == 12, "{reference}");
        assert_eq!(created["receipt_code"].as_str().unwrap().len(), 31, "26 characters in groups of five");
    }
}

async fn a_more_specific_rule_wins_and_existing_cases_stay(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let commune = app.first_commune(902).await;
    let before = ok_json(app.submit(None, &tip(commune)).await, 201).await;
    assert_eq!(before["authority"]["name"], "Công an Huyện Kiên Lương");

    // Facilitation in this commune goes to Hà Tiên's authority; other matters stay.
    let ha_tien = app.authority_id("2024-D900").await;
    let rule = ok_json(
        app.post_json(
            "/api/v1/routing-rules",
            Some(&admin.access_token),
            &json!({"matter": "facilitation", "unit": {"scheme": "2024", "level": "commune", "code": commune}, "authority_id": ha_tien, "note": "boat landings"}),
        )
        .await,
        201,
    )
    .await;
    let mut facilitation = tip(commune);
    facilitation["matter"] = json!("facilitation");
    let routed = ok_json(app.submit(None, &facilitation).await, 201).await;
    assert_eq!(routed["authority"]["name"], "Công an Thành phố Hà Tiên");
    let other = ok_json(app.submit(None, &tip(commune)).await, 201).await;
    assert_eq!(other["authority"]["name"], "Công an Huyện Kiên Lương");

    let detail = ok_json(
        app.call(
            "GET",
            &format!("/api/v1/reports/{}", routed["id"].as_str().unwrap()),
            Some(&admin.access_token),
            None,
        )
        .await,
        200,
    )
    .await;
    let explanation = detail["routing_explanation"].as_str().unwrap();
    assert!(
        explanation.contains(rule["id"].as_str().unwrap()) && explanation.contains("most specific"),
        "{explanation}"
    );

    let deleted = app
        .call(
            "DELETE",
            &format!("/api/v1/routing-rules/{}", rule["id"].as_str().unwrap()),
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status().as_u16(), 204);
    let after = ok_json(app.submit(None, &facilitation).await, 201).await;
    assert_eq!(after["authority"]["name"], "Công an Huyện Kiên Lương");
    let kept = ok_json(
        app.call(
            "GET",
            &format!("/api/v1/reports/{}", routed["id"].as_str().unwrap()),
            Some(&admin.access_token),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(kept["authority"]["name"], "Công an Thành phố Hà Tiên", "changing rules never moves a case");
}

async fn a_commune_no_authority_covers_goes_to_the_province_triage_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = tinbao::db::DatabaseUrl::parse(&app.database_url).unwrap();
    actix_web::web::block(move || {
        let db = tinbao::db::Db::open(&url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/data/admin-units-2025.csv")).unwrap();
        tinbao::services::imports::import_units(&mut conn, tinbao::domain::admin_unit::Scheme::S2025, file).unwrap();
    })
    .await
    .unwrap();
    let mut body = tip(30292);
    body["location"]["scheme"] = json!("2025");
    let created = ok_json(app.submit(None, &body).await, 201).await;
    let name = created["authority"]["name"].as_str().unwrap();
    assert!(name.starts_with("Tổ tiếp nhận và phân loại tin báo") && name.contains("An Giang"), "{name}");
    let again = ok_json(app.submit(None, &body).await, 201).await;
    assert_eq!(again["authority"]["id"], created["authority"]["id"], "one queue per province");
}

async fn every_limit_of_a_tip_is_checked_and_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("matter", json!("smuggling"), "matter"),
        ("observed_at", json!("yesterday"), "observed_at"),
        ("observed_at", json!("2099-01-01T00:00:00Z"), "observed_at"),
        ("narrative", json!("too short"), "narrative"),
        ("narrative", json!("x".repeat(5001)), "narrative"),
        ("persons_count", json!(0), "persons_count"),
        ("persons_count", json!(1001), "persons_count"),
        ("crossing_mode", json!("tunnel"), "crossing_mode"),
        ("crossing_point", json!("x".repeat(201)), "crossing_point"),
        ("subjects", json!(vec![json!({"alias": "A"}); 51]), "subjects"),
        ("subjects", json!([{"approximate_age": 121}]), "subjects[0].approximate_age"),
        ("subjects", json!([{"sex": "x"}]), "subjects[0].sex"),
        ("health_flags", json!(["sneezing"]), "health_flags[0]"),
        ("urgency", json!("asap"), "urgency"),
        ("acknowledged_false_report_warning", json!(false), "acknowledged_false_report_warning"),
        ("acting_as", json!("Nguyễn Văn A"), "acting_as"),
        ("reporter", json!({"identity_mode": "anonymous", "phone": "0912345678"}), "reporter.identity_mode"),
        ("reporter", json!({"identity_mode": "confidential", "phone": "12345"}), "reporter.phone"),
        ("reporter", json!({"identity_mode": "secret"}), "reporter.identity_mode"),
        ("location", json!({"scheme": "2024", "commune_code": 99999}), "location.commune_code"),
        (
            "location",
            json!({"scheme": "2024", "commune_code": commune, "latitude": 48.85, "longitude": 2.35}),
            "location.latitude",
        ),
        ("location", json!({"scheme": "2024", "commune_code": commune, "latitude": 10.1}), "location.longitude"),
        ("persons_count", json!("five"), "persons_count"),
        ("sneaky", json!("x"), "sneaky"),
        ("narrative", json!("contains a NUL \u{0000} character here"), "narrative"),
    ];
    for (key, value, field) in cases {
        let mut body = tip(commune);
        body[key] = value;
        let res = app.submit(None, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert!(error_fields(&problem).contains(&field.to_owned()), "{key}: {problem}");
    }
    let mut many = tip(commune);
    many["matter"] = json!("x");
    many["narrative"] = json!("short");
    many["persons_count"] = json!(2);
    many["children_count"] = json!(3);
    let problem = assert_problem(app.submit(None, &many).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["matter", "children_count", "narrative"], "one entry per bad field");
    let vietnamese = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .header("Accept-Language", "vi")
        .json(&many)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(vietnamese, 422, "validation_failed").await;
    assert!(problem["errors"][2]["message"].as_str().unwrap().starts_with("phải có từ 20"), "{problem}");
}

async fn every_missing_and_every_wrong_field_is_named_in_one_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let problem = assert_problem(app.submit(None, &json!({})).await, 422, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        [
            "matter",
            "observed_at",
            "location.scheme",
            "location.commune_code",
            "narrative",
            "reporter.identity_mode",
            "acknowledged_false_report_warning"
        ],
        "{problem}"
    );
    assert!(problem["errors"].as_array().unwrap().iter().all(|e| e["code"] != "wrong_type"), "{problem}");
    // Wrong types, an unknown field and a missing one, all at once; the wrong values are
    // never quoted back.
    let wrong = json!({
        "matter": "illegal_entry",
        "observed_at": "2026-11-20T21:30:00+07:00",
        "location": {"scheme": "2024", "commune_code": "Kiên Lương"},
        "persons_count": "five",
        "subjects": [{"sex": "male", "approximate_age": "old"}],
        "reporter": {"identity_mode": "confidential", "phone": 912345678},
        "acknowledged_false_report_warning": "yes",
        "colour": "red"
    });
    let problem = assert_problem(app.submit(None, &wrong).await, 422, "validation_failed").await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "acknowledged_false_report_warning",
            "colour",
            "location.commune_code",
            "narrative",
            "persons_count",
            "reporter.phone",
            "subjects[0].approximate_age"
        ],
        "{problem}"
    );
    let text = problem.to_string();
    assert!(!text.contains("912345678") && !text.contains("Kiên Lương") && !text.contains("five"), "{text}");
    let message = |field: &str| {
        problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap()["message"].clone()
    };
    assert_eq!(message("persons_count"), "must be a whole number");
    assert_eq!(message("reporter.phone"), "must be text");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 0, "nothing was written");
}

async fn a_retry_with_the_same_key_never_makes_a_second_tip(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let send = |key: &str, body: Value| {
        app.client
            .post(format!("{}/api/v1/reports", app.address))
            .header("Idempotency-Key", key)
            .header("Accept-Language", "en")
            .json(&body)
            .send()
    };
    let (key_1, key_2) = (uuid::Uuid::now_v7().to_string(), "a-key-of-22-characters".to_owned());
    let first = ok_json(send(&key_1, tip(commune)).await.unwrap(), 201).await;
    let retry = ok_json(send(&key_1, tip(commune)).await.unwrap(), 201).await;
    assert_eq!(retry, first, "the first answer, receipt code included");
    let mut other = tip(commune);
    other["persons_count"] = json!(7);
    assert_problem(send(&key_1, other).await.unwrap(), 422, "idempotency_key_reused").await;

    // Eight concurrent sends of one key: one tip, and every one of them is answered with
    // it (the later ones wait for the first to commit, then read its answer).
    let sends: Vec<_> = (0..8).map(|_| send(&key_2, tip(commune))).collect();
    let answers = futures_util::future::join_all(sends).await;
    let mut bodies = std::collections::HashSet::new();
    for answer in answers {
        bodies.insert(ok_json(answer.unwrap(), 201).await.to_string());
    }
    assert_eq!(bodies.len(), 1, "exactly one tip for one key, the same answer to all: {bodies:?}");
    let settled = ok_json(send(&key_2, tip(commune)).await.unwrap(), 201).await;
    assert!(bodies.contains(&settled.to_string()));
    let tips = app.sql_count("SELECT count(*) AS n FROM reports").await;
    assert_eq!(tips, 2, "two keys, two tips");

    // A key must carry 128 bits: a UUID, or 22 characters of A-Z a-z 0-9 _ -.
    for bad in ["has space", "key-1", "twenty-one-characters", "a-key-of-22-characters!"] {
        let res = send(bad, tip(commune)).await.unwrap();
        let problem = assert_problem(res, 400, "invalid_parameter").await;
        assert_eq!(problem["errors"][0]["field"], "Idempotency-Key", "{bad}: {problem}");
    }
    assert_eq!(app.sql_count("SELECT count(*) AS n FROM reports").await, 2, "refused keys file nothing");
}

async fn a_reporter_follows_the_tip_with_the_receipt_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let created = ok_json(app.submit(None, &tip(commune)).await, 201).await;
    let (reference, code) = (created["reference"].as_str().unwrap(), created["receipt_code"].as_str().unwrap());
    let tracked = ok_json(
        app.post_json("/api/v1/tracking", None, &json!({"reference": reference, "receipt_code": code})).await,
        200,
    )
    .await;
    assert_eq!(tracked["status"], "received");
    assert_eq!(tracked["messages"], json!([]));
    let sloppy = code.to_lowercase().replace('-', " ");
    let again = app
        .post_json("/api/v1/tracking", None, &json!({"reference": reference.to_lowercase(), "receipt_code": sloppy}))
        .await;
    assert_eq!(again.status().as_u16(), 200, "case and dashes do not matter");

    let added = app
        .post_json(
            "/api/v1/tracking/messages",
            None,
            &json!({"reference": reference, "receipt_code": code, "body": "Họ đã rời đi lúc 23 giờ."}),
        )
        .await;
    assert_eq!(ok_json(added, 201).await["from"], "reporter");
    let tracked = ok_json(
        app.post_json("/api/v1/tracking", None, &json!({"reference": reference, "receipt_code": code})).await,
        200,
    )
    .await;
    assert_eq!(tracked["messages"][0]["body"], "Họ đã rời đi lúc 23 giờ.");

    let other = ok_json(app.submit(None, &tip(commune)).await, 201).await;
    let wrong = app
        .post_json("/api/v1/tracking", None, &json!({"reference": reference, "receipt_code": other["receipt_code"]}))
        .await;
    let unknown =
        app.post_json("/api/v1/tracking", None, &json!({"reference": "TB-0000-0000", "receipt_code": code})).await;
    let (a, b) = (assert_problem(wrong, 404, "not_found").await, assert_problem(unknown, 404, "not_found").await);
    assert_eq!(a["detail"], b["detail"], "a wrong code answers like an unknown reference");
}

async fn citizens_follow_their_own_tips_and_no_one_elses(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let citizen = app.citizen("0913000111").await;
    let mut body = tip(commune);
    body["reporter"] = json!({"identity_mode": "identified", "name": "Lan", "phone": "0913000111"});
    let created = ok_json(app.submit(Some(&citizen.access_token), &body).await, 201).await;
    assert!(created.get("receipt_code").is_none(), "an identified tip needs no receipt code");
    let mine = ok_json(app.call("GET", "/api/v1/me/reports", Some(&citizen.access_token), None).await, 200).await;
    assert_eq!(mine["items"][0]["reference"], created["reference"]);
    let id = created["id"].as_str().unwrap();
    let message = app
        .post_json(
            &format!("/api/v1/me/reports/{id}/messages"),
            Some(&citizen.access_token),
            &json!({"body": "Thêm: có một trẻ em."}),
        )
        .await;
    assert_eq!(message.status().as_u16(), 201);
    let own =
        ok_json(app.call("GET", &format!("/api/v1/reports/{id}"), Some(&citizen.access_token), None).await, 200).await;
    assert_eq!(own["reporter_left_contact"], true);
    assert!(own.get("routing_explanation").is_none(), "staff only");
    assert!(!own.to_string().contains("0913000111") && !own.to_string().contains("Lan\""), "never the contact itself");

    let other = app.citizen("0913000222").await;
    assert_problem(
        app.call("GET", &format!("/api/v1/me/reports/{id}"), Some(&other.access_token), None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call("GET", &format!("/api/v1/reports/{id}"), Some(&other.access_token), None).await,
        404,
        "not_found",
    )
    .await;
}

async fn staff_read_tips_of_their_jurisdiction_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let kien_luong = app.authority_id("2024-D902").await;
    let ha_tien = app.authority_id("2024-D900").await;
    app.create_staff(&admin, "o.kienluong", "district_officer", json!({"authority_id": kien_luong})).await;
    app.create_staff(&admin, "o.hatien", "district_officer", json!({"authority_id": ha_tien})).await;
    let (ours, theirs) = (app.full_session("o.kienluong").await, app.full_session("o.hatien").await);
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let path = format!("/api/v1/reports/{}", created["id"].as_str().unwrap());
    let read = ok_json(app.call("GET", &path, Some(&ours.access_token), None).await, 200).await;
    assert!(read["routing_explanation"].as_str().unwrap().contains("2024-D902"));
    assert_problem(app.call("GET", &path, Some(&theirs.access_token), None).await, 404, "not_found").await;
    let submit = app.submit(Some(&ours.access_token), &tip(app.first_commune(902).await)).await;
    assert_problem(submit, 403, "forbidden").await;
}

async fn anonymous_tips_are_limited_per_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    for _ in 0..10 {
        assert_eq!(app.submit(None, &tip(commune)).await.status().as_u16(), 201);
    }
    let limited = app.submit(None, &tip(commune)).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, "too_many_requests").await;
    let citizen = app.citizen("0914000111").await;
    assert_eq!(
        app.submit(Some(&citizen.access_token), &tip(commune)).await.status().as_u16(),
        201,
        "the limit is for anonymous tips"
    );
}

async fn tracking_lookups_are_limited_per_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let guess = json!({"reference": "TB-0000-0000", "receipt_code": "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A"});
    for _ in 0..20 {
        assert_problem(app.post_json("/api/v1/tracking", None, &guess).await, 404, "not_found").await;
    }
    let limited = app.post_json("/api/v1/tracking", None, &guess).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, "too_many_requests").await;
}

async fn a_phones_position_finds_its_commune(backend: Backend) {
    let app = spawn_app(backend).await;
    let found = app.get_json("/api/v1/admin-units/locate?latitude=10.38&longitude=104.49&limit=3", 200).await;
    let first = &found["items"][0];
    assert_eq!(first["parent_code"], 900, "in Hà Tiên: {found}");
    assert!(first["distance_m"].as_u64().unwrap() < 5_000);
    let sea = app.get_json("/api/v1/admin-units/locate?latitude=7.0&longitude=110.0", 200).await;
    assert_eq!(sea["items"], json!([]));
    let outside = assert_problem(
        app.get("/api/v1/admin-units/locate?latitude=48.8&longitude=2.3").await,
        400,
        "invalid_parameter",
    )
    .await;
    assert_eq!(error_fields(&outside), ["latitude", "longitude"]);

    // A tip whose point lies far from its commune is taken, and flagged for staff.
    let admin = app.admin().await;
    let mut body = tip(app.first_commune(902).await);
    body["location"]["latitude"] = json!(21.03);
    body["location"]["longitude"] = json!(105.85);
    let created = ok_json(app.submit(None, &body).await, 201).await;
    let read = ok_json(
        app.call(
            "GET",
            &format!("/api/v1/reports/{}", created["id"].as_str().unwrap()),
            Some(&admin.access_token),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read["location_flagged"], true);
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

/// Everything the database holds, as bytes: the SQLite files (WAL included), or every
/// row of every PostgreSQL table as text.
async fn everything_stored(app: &crate::helpers::TestApp, backend: Backend) -> Vec<u8> {
    use diesel::RunQueryDsl;
    match backend {
        Backend::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://").to_owned();
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            bytes
        }
        Backend::Postgres => {
            let url = tinbao::db::DatabaseUrl::parse(&app.database_url).unwrap();
            actix_web::web::block(move || {
                let db = tinbao::db::Db::open(&url, 1).unwrap();
                let mut conn = db.get().unwrap();
                let tables = diesel::sql_query(
                    "SELECT table_name::text AS text FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .load::<Row>(&mut *conn)
                .unwrap();
                assert!(tables.len() >= 10, "every table is read");
                let mut bytes = Vec::new();
                for table in tables {
                    let rows = diesel::sql_query(format!("SELECT CAST(t AS TEXT) AS text FROM \"{}\" t", table.text))
                        .load::<Row>(&mut *conn)
                        .unwrap();
                    rows.into_iter().for_each(|r| bytes.extend(r.text.into_bytes()));
                }
                bytes
            })
            .await
            .unwrap()
        }
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// And neither is a staff member's TOTP secret.
async fn a_reporters_phone_name_and_receipt_code_are_nowhere_in_clear(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut body = tip(app.first_commune(902).await);
    body["reporter"] = json!({"identity_mode": "confidential", "name": "Trần Thị Bích", "phone": "0912 345 678"});
    let res = app
        .client
        .post(format!("{}/api/v1/reports", app.address))
        .header("Idempotency-Key", "safety-check-0123456789")
        .json(&body)
        .send()
        .await
        .unwrap();
    let created = ok_json(res, 201).await;
    let code = created["receipt_code"].as_str().unwrap().to_owned();
    let admin = app.admin().await;
    let totp_secret = admin.totp_secret.clone().unwrap();
    let stored = everything_stored(&app, backend).await;
    assert!(holds(&stored, created["reference"].as_str().unwrap()), "control: the scan sees stored text");
    assert!(holds(&stored, "Khoảng 21 giờ"), "control: the scan sees the narrative");
    let secrets = [
        "0912345678",
        "912345678",
        "912 345 678",
        "Trần Thị Bích",
        code.as_str(),
        &code.replace('-', ""),
        &totp_secret,
    ];
    for secret in secrets {
        assert!(!holds(&stored, secret), "`{secret}` is stored in clear");
    }
}

async fn a_rule_changed_on_one_instance_routes_the_next_tip_on_another(backend: Backend) {
    let first = spawn_app(backend).await;
    let second = first.sibling().await;
    let admin = first.admin().await;
    let (kien_luong, ha_tien) = (first.authority_id("2024-D902").await, first.authority_id("2024-D900").await);
    let mut body = tip(first.first_commune(902).await);
    body["matter"] = json!("facilitation");
    let before = ok_json(second.submit(None, &body).await, 201).await;
    assert_eq!(before["authority"]["id"], kien_luong.as_str(), "the second instance has read the rules now");

    let rule = json!({"matter": "facilitation", "unit": {"scheme": "2024", "level": "district", "code": 902}, "authority_id": ha_tien});
    let created = ok_json(first.post_json("/api/v1/routing-rules", Some(&admin.access_token), &rule).await, 201).await;
    let routed = ok_json(second.submit(None, &body).await, 201).await;
    assert_eq!(routed["authority"]["id"], ha_tien.as_str(), "the rule made on the first instance routes at once");

    let path = format!("/api/v1/routing-rules/{}", created["id"].as_str().unwrap());
    assert_eq!(first.call("DELETE", &path, Some(&admin.access_token), None).await.status().as_u16(), 204);
    let after = ok_json(second.submit(None, &body).await, 201).await;
    assert_eq!(after["authority"]["id"], kien_luong.as_str(), "and its deletion too");
}

crate::on_both_backends!(
    a_reporters_phone_name_and_receipt_code_are_nowhere_in_clear,
    tips_from_kien_giang_reach_their_districts_authority,
    a_more_specific_rule_wins_and_existing_cases_stay,
    a_commune_no_authority_covers_goes_to_the_province_triage_queue,
    every_limit_of_a_tip_is_checked_and_named,
    every_missing_and_every_wrong_field_is_named_in_one_answer,
    a_retry_with_the_same_key_never_makes_a_second_tip,
    a_reporter_follows_the_tip_with_the_receipt_code,
    citizens_follow_their_own_tips_and_no_one_elses,
    staff_read_tips_of_their_jurisdiction_only,
    anonymous_tips_are_limited_per_address,
    tracking_lookups_are_limited_per_address,
    a_phones_position_finds_its_commune,
    a_rule_changed_on_one_instance_routes_the_next_tip_on_another,
);
