//! The work list's free text through its index: every way the database may answer a
//! search (the index, a slice of the scope then the index, the plain scan) finds exactly
//! the cases whose text holds every searched phrase as whole words, in the list's order,
//! for every sort and jurisdiction; the SQLite index still points at the right cases
//! after VACUUM; and a case is found by its reference.

use std::collections::BTreeSet;

use serde_json::json;
use tinbao::db::case_search::SLICE_ROWS;
use tinbao::db::work_list::{self, Jurisdiction, ListFilter};
use tinbao::domain::admin_unit::Scheme;
use tinbao::domain::case::Sort;
use tinbao::services::work_list::search_words;
use uuid::Uuid;

use crate::cases::{new_case, staff};
use crate::cli::with_db;
use crate::helpers::{Backend, spawn_app, tip};

/// (district, narrative) of each tip: words that are common, rare, inside other words,
/// of two letters, and with LIKE's and FTS5's special characters.
const TIPS: [(i32, &str); 9] = [
    (902, "Ghe máy chở năm người cập bến Ba Hòn lúc 2 giờ sáng."),
    (902, "Người dẫn đường tên là Nguyễn Văn Kiệt, đi ghe nhỏ vào rạch."),
    (902, "Trần Thị Lan đi bộ theo đường mòn từ phía Campuchia sang."),
    (902, "Lê An nói giá 50% tiền công, trả trước một nửa."),
    (902, "Họ nói \"chạy\" rồi bỏ đi về phía kênh Vĩnh Tế."),
    (902, "Xe máy chở hai người qua cánh đồng, không có ghe."),
    (900, "Nguyễn Văn Kiệt lại dẫn ba người qua kênh ở Hà Tiên."),
    (900, "Ghe lạ neo ngoài đảo, có người lên bờ lúc nửa đêm."),
    (0, "Nguyễn Văn Kiệt bị bắt gặp ở Châu Đốc, đi ghe."),
];

const SEARCHES: [&str; 13] = [
    "ghe",
    "kiet",
    "nguyen van",
    "NGUYỄN văn kiệt ghe",
    "uye",
    "le an",
    "50%",
    "\"chay\"",
    "ghe lan",
    "zzz",
    "ghe 2 gio",
    "van kiet kenh",
    "Văn-Kiệt",
];

async fn every_plan_finds_exactly_the_cases_holding_every_word(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let mut cases = Vec::new();
    for (district, narrative) in TIPS {
        let commune = if district == 0 { 30316 } else { app.first_commune(district).await };
        let mut body = tip(commune);
        body["narrative"] = json!(narrative);
        let (created, id) = new_case(&app, &s, &body).await;
        cases.push((district, id.parse::<Uuid>().unwrap(), created["reference"].as_str().unwrap().to_owned()));
    }
    let references: Vec<String> = cases.iter().map(|(_, _, r)| r.clone()).collect();
    // What each case's text is, as stored: the test's own reading of "holds the phrase".
    let url = app.database_url.clone();
    let texts: Vec<(i32, String, Uuid)> = with_db(&url, move |conn| {
        use diesel::prelude::*;
        use tinbao::db::schema::cases::dsl;
        cases
            .iter()
            .map(|(district, id, _)| {
                let text: String = dsl::cases
                    .filter(dsl::id.eq(tinbao::db::column_types::Id(*id)))
                    .select(dsl::search_text)
                    .first(conn)
                    .unwrap();
                (*district, text, *id)
            })
            .collect()
    });
    assert!(
        texts[1].1.starts_with(" nguoi dan duong ten la nguyen van kiet di ghe nho vao rach tb "),
        "{}",
        texts[1].1
    );
    let kien_luong: Uuid = app.authority_id("2024-D902").await.parse().unwrap();
    let scopes = [
        ("Kiên Lương", Jurisdiction::Authority(kien_luong), vec![902]),
        ("Kiên Giang", Jurisdiction::Province { scheme: Scheme::S2024, code: 91 }, vec![902, 900]),
        ("everywhere", Jurisdiction::Everywhere, vec![902, 900, 0]),
    ];
    let checked = with_db(&url, move |conn| {
        let mut checked = 0;
        for vacuumed in [false, true] {
            if vacuumed && matches!(conn, tinbao::db::DbConnection::Sqlite(_)) {
                // VACUUM may renumber the rows of a table without an INTEGER PRIMARY KEY, as
                // `cases` is: an index keyed by those rowids could then be wrong.
                use diesel::RunQueryDsl;
                diesel::sql_query("VACUUM").execute(conn).unwrap();
            }
            for (scope_name, within, districts) in &scopes {
                for search in SEARCHES {
                    let words = search_words(search);
                    let expected: BTreeSet<Uuid> = texts
                        .iter()
                        .filter(|(d, text, _)| {
                            districts.contains(d) && words.iter().all(|w| text.contains(&format!(" {w} ")))
                        })
                        .map(|(_, _, id)| *id)
                        .collect();
                    let filter = ListFilter { words: words.clone(), ..Default::default() };
                    for sort in [Sort::Newest, Sort::Oldest, Sort::DueSoonest, Sort::Priority] {
                        for limit in [2, 50] {
                            let plain = work_list::list(conn, within, &filter, sort, None, limit).unwrap();
                            let plain: Vec<Uuid> = plain.into_iter().map(|(row, _)| row.id).collect();
                            let wanted = expected.len().min(limit as usize);
                            assert_eq!(plain.len(), wanted, "{scope_name}, `{search}`, {sort:?}, limit {limit}");
                            assert!(
                                plain.iter().all(|id| expected.contains(id)),
                                "{scope_name}, `{search}`: {plain:?}"
                            );
                            for slice in [0, 1, 2, 3, SLICE_ROWS] {
                                let rows =
                                    work_list::list_reading_first(conn, within, &filter, sort, None, limit, slice)
                                        .unwrap();
                                let ids: Vec<Uuid> = rows.into_iter().map(|(row, _)| row.id).collect();
                                assert_eq!(
                                    ids, plain,
                                    "{scope_name}, `{search}`, {sort:?}, limit {limit}, slice {slice}, after VACUUM: {vacuumed}"
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        checked
    });
    assert_eq!(checked, 2 * 3 * SEARCHES.len() * 4 * 2 * 5);
    // The same through the API, with the words as a person types them.
    let page = app
        .call("GET", "/api/v1/cases?q=Nguy%E1%BB%85n%20V%C4%83n%20Ki%E1%BB%87t", Some(&s.supervisor.access_token), None)
        .await;
    let page = crate::helpers::ok_json(page, 200).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "Kiên Lương's and Hà Tiên's, not Châu Đốc's");
    let inner = app.call("GET", "/api/v1/cases?q=uye", Some(&s.supervisor.access_token), None).await;
    let inner = crate::helpers::ok_json(inner, 200).await;
    assert_eq!(inner["items"].as_array().unwrap().len(), 0, "a search is of whole words, not of their insides");
    // A case is found by its reference, as a citizen reads it out.
    let reference = references[3].to_lowercase();
    let by_reference =
        app.call("GET", &format!("/api/v1/cases?q={reference}"), Some(&s.officer.access_token), None).await;
    let by_reference = crate::helpers::ok_json(by_reference, 200).await;
    let found: Vec<&str> =
        by_reference["items"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap()).collect();
    assert_eq!(found, vec![references[3].as_str()]);
}

crate::on_both_backends!(every_plan_finds_exactly_the_cases_holding_every_word);
