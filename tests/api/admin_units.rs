//! The units pickers: `GET /api/v1/admin-units` and `GET /api/v1/admin-units/{scheme}/{code}`.

use serde_json::Value;

use crate::helpers::{Backend, assert_problem, error_fields, spawn_app};

async fn lists_the_15_districts_of_kien_giang(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.get_json("/api/v1/admin-units?scheme=2024&level=district&parent=91&limit=100", 200).await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 15);
    assert_eq!(body["next_cursor"], Value::Null);
    assert!(
        items.iter().all(|u| u["parent_code"] == 91 && u["parent_level"] == "province" && u["level"] == "district")
    );
    let codes: Vec<i64> = items.iter().map(|u| u["code"].as_i64().unwrap()).collect();
    assert_eq!(codes, (899..=914).filter(|c| *c != 901).collect::<Vec<_>>(), "ordered by code");
    let kien_luong = items.iter().find(|u| u["code"] == 902).unwrap();
    assert_eq!(
        kien_luong,
        &serde_json::json!({"scheme": "2024", "code": 902, "name": "Huyện Kiên Lương", "level": "district", "parent_level": "province", "parent_code": 91})
    );
}

async fn search_ignores_diacritics_and_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.get_json("/api/v1/admin-units?scheme=2024&level=district&parent=91&q=giang%20thanh", 200).await;
    let names: Vec<&str> = body["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Huyện Giang Thành"]);

    let body = app.get_json("/api/v1/admin-units?q=KIEN%20luong&level=district", 200).await;
    let codes: Vec<&Value> = body["items"].as_array().unwrap().iter().map(|u| &u["code"]).collect();
    assert_eq!(codes, [&Value::from(902)]);

    // Wildcards in the text are literal.
    let body = app.get_json("/api/v1/admin-units?q=%25", 200).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}

async fn pages_follow_the_cursor_without_gaps_or_repeats(backend: Backend) {
    let app = spawn_app(backend).await;
    let all = app.get_json("/api/v1/admin-units?scheme=2024&level=commune&parent=902&limit=100", 200).await;
    let expected: Vec<Value> = all["items"].as_array().unwrap().clone();
    assert!(expected.len() > 3, "Kiên Lương has several communes");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let query = match &cursor {
            Some(c) => format!("&cursor={c}"),
            None => String::new(),
        };
        let page = app
            .get_json(&format!("/api/v1/admin-units?scheme=2024&level=commune&parent=902&limit=3{query}"), 200)
            .await;
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

async fn one_unit_is_named_by_scheme_level_and_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let province = app.get_json("/api/v1/admin-units/2024/91?level=province", 200).await;
    assert_eq!(province["name"], "Tỉnh Kiên Giang");
    assert_eq!(province["parent_code"], Value::Null);

    // Code 1 is a province, a district and a commune of 2024.
    let district = app.get_json("/api/v1/admin-units/2024/1?level=district", 200).await;
    assert_eq!(district["name"], "Quận Ba Đình");

    let missing = assert_problem(app.get("/api/v1/admin-units/2025/902?level=district").await, 404, "not_found").await;
    assert!(missing["detail"].as_str().unwrap().contains("902"));

    let problem = assert_problem(app.get("/api/v1/admin-units/2023/abc").await, 400, "invalid_parameter").await;
    assert_eq!(error_fields(&problem), ["scheme", "code", "level"]);
}

async fn bad_parameters_are_each_named_in_the_callers_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let problem = assert_problem(
        app.get("/api/v1/admin-units?limit=0&level=county&parnet=91&q=").await,
        400,
        "invalid_parameter",
    )
    .await;
    assert_eq!(error_fields(&problem), ["level", "q", "limit", "parnet"]);
    assert_eq!(problem["errors"][1]["message"], "must not be empty");
    assert_eq!(problem["errors"][3]["code"], "unknown");

    let res = app
        .client
        .get(format!("{}/api/v1/admin-units?limit=1000", app.address))
        .header("Accept-Language", "vi-VN,vi;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "vi");
    let problem = assert_problem(res, 400, "invalid_parameter").await;
    assert_eq!(problem["errors"][0]["message"], "phải là số nguyên từ 1 đến 100");

    let problem =
        assert_problem(app.get("/api/v1/admin-units?cursor=2024.district").await, 400, "invalid_parameter").await;
    assert_eq!(error_fields(&problem), ["cursor"]);
    let problem =
        assert_problem(app.get("/api/v1/admin-units?level=commune&level=district").await, 400, "invalid_parameter")
            .await;
    assert_eq!(problem["errors"][0]["code"], "repeated");
}

crate::on_both_backends!(
    lists_the_15_districts_of_kien_giang,
    search_ignores_diacritics_and_case,
    pages_follow_the_cursor_without_gaps_or_repeats,
    one_unit_is_named_by_scheme_level_and_code,
    bad_parameters_are_each_named_in_the_callers_language,
);
