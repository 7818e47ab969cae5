//! The work list's free text through its index: every way the database may answer a
//! search (the index's candidates, or the scope read in order) finds exactly
//! the cases whose text holds every searched phrase as whole words, in the list's order,
//! for every sort, jurisdiction and status filter; the SQLite index still points at the right cases
//! after VACUUM; and a case is found by its reference.

use std::collections::BTreeSet;

use serde_json::json;
use tinbao::db::case_search::CANDIDATES;
use tinbao::db::work_list::{self, Jurisdiction, ListFilter, Reading, SLICE};
use tinbao::domain::admin_unit::Scheme;
use tinbao::domain::case::{Sort, Status};
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

const SEARCHES: [&str; 14] = [
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
    "kiet-van",
];

/// (slice, candidates) of each reading compared with the default one: no slice and each
/// way of taking candidates; a slice that ends before, inside and after the matches,
/// with the index after it or not.
const READINGS: [(i64, i64); 9] =
    [(0, 0), (0, 1), (0, 3), (0, CANDIDATES), (1, 0), (2, 2), (3, CANDIDATES), (SLICE, 0), (SLICE, CANDIDATES)];

/// The status filters searched with: none, the new cases, and two others.
const STATUSES: [&[Status]; 3] = [&[], &[Status::New], &[Status::Accepted, Status::Investigating]];

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
    // Two cases move on, so that the index's status follows a transition.
    for (_, id, _) in &cases[1..3] {
        let id = id.to_string();
        let (_, etag) = crate::cases::read(&app, &s.officer.access_token, &id).await;
        let accept = json!({"action": "accept"});
        let res = crate::cases::change(&app, &s.officer.access_token, &id, "transitions", &etag, &accept).await;
        assert_eq!(res.status().as_u16(), 200);
    }
    // What each case's text is, as stored: the test's own reading of "holds the phrase".
    let url = app.database_url.clone();
    let texts: Vec<(i32, String, Uuid, Status)> = with_db(&url, move |conn| {
        use diesel::prelude::*;
        use tinbao::db::schema::cases::dsl;
        cases
            .iter()
            .map(|(district, id, _)| {
                let (text, status): (String, Status) = dsl::cases
                    .filter(dsl::id.eq(tinbao::db::column_types::Id(*id)))
                    .select((dsl::search_text, dsl::status))
                    .first(conn)
                    .unwrap();
                (*district, text, *id, status)
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
    // Off the test's runtime (the server answers on it meanwhile): thousands of lists.
    let db_url = tinbao::db::DatabaseUrl::parse(&url).unwrap();
    let checked = actix_web::web::block(move || {
        let db = tinbao::db::Db::open(&db_url, 1).unwrap();
        let conn = &mut *db.get().unwrap();
        let mut checked = 0;
        for vacuumed in [false, true] {
            if vacuumed && matches!(conn, tinbao::db::DbConnection::Sqlite(_)) {
                // VACUUM may renumber the rows of a table without an INTEGER PRIMARY KEY, as
                // `cases` is: an index keyed by those rowids could then be wrong.
                use diesel::RunQueryDsl;
                diesel::sql_query("VACUUM").execute(conn).unwrap();
            }
            for ((scope_name, within, districts), search, statuses) in scopes
                .iter()
                .flat_map(|scope| SEARCHES.iter().map(move |search| (scope, search)))
                .flat_map(|(scope, search)| STATUSES.iter().map(move |statuses| (scope, *search, *statuses)))
            {
                    let words = search_words(search);
                    let expected: BTreeSet<Uuid> = texts
                        .iter()
                        .filter(|(d, text, _, status)| {
                            districts.contains(d)
                                && (statuses.is_empty() || statuses.contains(status))
                                && words.iter().all(|w| text.contains(&format!(" {w} ")))
                        })
                        .map(|(_, _, id, _)| *id)
                        .collect();
                    let filter = ListFilter { words: words.clone(), statuses: statuses.to_vec(), ..Default::default() };
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
                            for (slice, candidates) in READINGS {
                                let reading = Reading { slice, candidates };
                                let rows =
                                    work_list::list_reading(conn, within, &filter, sort, None, limit, reading).unwrap();
                                let ids: Vec<Uuid> = rows.into_iter().map(|(row, _)| row.id).collect();
                                assert_eq!(
                                    ids, plain,
                                    "{scope_name}, `{search}`, {sort:?}, limit {limit}, {reading:?}, after VACUUM: {vacuumed}"
                                );
                                checked += 1;
                            }
                        }
                    }
            }
        }
        // The quick filters' counts: the lists without words in one statement, a search
        // by its list, each up to its cap and in the order asked.
        let mut filters: Vec<ListFilter> =
            STATUSES.iter().map(|statuses| ListFilter { statuses: statuses.to_vec(), ..Default::default() }).collect();
        filters.insert(1, ListFilter { words: search_words("kiet"), ..Default::default() });
        for ((scope_name, within, districts), cap) in scopes.iter().flat_map(|scope| [2, 50].map(|cap| (scope, cap))) {
            let counts = work_list::counts_up_to(conn, within, &filters, cap).unwrap();
            let expected: Vec<i64> = filters
                .iter()
                .map(|f| {
                    let held = texts.iter().filter(|(d, text, _, status)| {
                        districts.contains(d)
                            && (f.statuses.is_empty() || f.statuses.contains(status))
                            && f.words.iter().all(|w| text.contains(&format!(" {w} ")))
                    });
                    (held.count() as i64).min(cap)
                })
                .collect();
            assert_eq!(counts, expected, "{scope_name}, counted up to {cap}");
            assert!(cap > 2 || counts.contains(&2), "the cap is reached in {scope_name}: {counts:?}");
        }
        checked
    })
    .await
    .unwrap();
    assert_eq!(checked, 2 * 3 * SEARCHES.len() * STATUSES.len() * 4 * 2 * READINGS.len());
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
