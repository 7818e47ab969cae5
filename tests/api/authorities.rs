//! `GET /api/v1/authorities` and `GET /api/v1/authorities/{id}`.

use serde_json::Value;

use crate::helpers::{Backend, assert_problem, error_fields, spawn_app};

async fn a_commune_is_held_by_its_district_authority(backend: Backend) {
    let app = spawn_app(backend).await;
    let communes = app.get_json("/api/v1/admin-units?scheme=2024&level=commune&parent=902&limit=1", 200).await;
    let commune = communes["items"][0]["code"].as_i64().unwrap();

    let body = app
        .get_json(&format!("/api/v1/authorities?unit_scheme=2024&unit_level=commune&unit_code={commune}"), 200)
        .await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["code"], "2024-D902");
    assert_eq!(items[0]["name"], "Công an Huyện Kiên Lương");
    assert_eq!(items[0]["kind"], "district");
    assert_eq!(items[0]["jurisdiction"][0]["code"], 902);
    assert_eq!(items[0]["jurisdiction"][0]["level"], "district");

    // The contract's example: the district itself.
    let body = app.get_json("/api/v1/authorities?unit_scheme=2024&unit_code=902&unit_level=district", 200).await;
    let codes: Vec<&str> = body["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["2024-D902"]);

    // A province is held by no district authority.
    let body = app.get_json("/api/v1/authorities?unit_scheme=2024&unit_code=91&unit_level=province", 200).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}

async fn every_2024_district_has_an_authority(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut count = 0;
    let mut cursor = String::new();
    for _ in 0..20 {
        let page = app.get_json(&format!("/api/v1/authorities?kind=district&limit=100{cursor}"), 200).await;
        count += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(count, 696);
    let search = app.get_json("/api/v1/authorities?q=cong%20an%20huyen%20kien%20luong", 200).await;
    assert_eq!(search["items"][0]["code"], "2024-D902");
}

async fn one_authority_by_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let list = app.get_json("/api/v1/authorities?unit_scheme=2024&unit_code=902&unit_level=district", 200).await;
    let listed = &list["items"][0];
    let id = listed["id"].as_str().unwrap();
    let one = app.get_json(&format!("/api/v1/authorities/{id}"), 200).await;
    assert_eq!(&one, listed);
    assert!(one["created_at"].as_str().unwrap().ends_with('Z'));

    let missing = app.get("/api/v1/authorities/01a215ef-6589-72a5-85e5-aa9e0f68544b").await;
    assert_problem(missing, 404, "not_found").await;
    let malformed = assert_problem(app.get("/api/v1/authorities/not-an-id").await, 404, "not_found").await;
    assert!(malformed["detail"].as_str().unwrap().contains("UUID"));
    let problem =
        assert_problem(app.get("/api/v1/authorities?kind=police&cursor=a%20b").await, 400, "invalid_parameter").await;
    assert_eq!(error_fields(&problem), ["kind", "cursor"]);
    assert_eq!(list["next_cursor"], Value::Null);
}

crate::on_both_backends!(
    a_commune_is_held_by_its_district_authority,
    every_2024_district_has_an_authority,
    one_authority_by_id,
);
