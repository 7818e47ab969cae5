//! The supervisors' overview over HTTP: the province's figures agree with the API's
//! statistics and leave other provinces out; the chart has a bar for each status of each
//! day with tips; open cases are listed by commune with their centres for the map; an
//! escalated case and a waiting transfer are shown; an officer sees their authority's
//! only; roles without cases get the 403 page; the tile server's origin is admitted by
//! this page's Content-Security-Policy and by no citizens' page.

use serde_json::json;

use crate::cases::{change, new_case, read, staff};
use crate::console::console;
use crate::helpers::{Backend, ok_json, spawn_app_with, tip};

const TILES: &str = "https://tiles.bando.example.vn/{z}/{x}/{y}.png";

/// The text of the element with `id`, between its tags (no nested elements).
fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    &rest[open..open + close]
}

/// The rows of the table of open cases by commune: name, count, has a centre.
fn places(html: &str) -> Vec<(String, u64, bool)> {
    let table = &html[html.find("id=\"places\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr class=\"place\"")
        .skip(1)
        .map(|row| {
            let link = row.split("<a href=").nth(1).unwrap();
            let name = link.split("\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
            let count = row.split("data-open=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
            (name, count, row.contains("data-lat=\""))
        })
        .collect()
}

async fn a_supervisor_oversees_the_province(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        // Every new case is late to be accepted after a second, and escalated then.
        config.deadlines = tinbao::domain::case::Deadlines::parse("normal=1s/1h").unwrap();
        config.escalation_interval_secs = 1;
        config.map_tiles = Some(tinbao::config::MapTiles::parse(TILES, "© Bản đồ tỉnh").unwrap());
    })
    .await;
    let s = staff(&app).await;
    let (_, first) = new_case(&app, &s, &tip(30787)).await;
    let (_, second) = new_case(&app, &s, &tip(30787)).await;
    let (_, ha_tien_case) = new_case(&app, &s, &tip(30769)).await;
    // Châu Đốc, An Giang: another province, never counted for Kiên Giang.
    new_case(&app, &s, &tip(30316)).await;
    let kl = &s.officer.access_token;
    let (_, etag) = read(&app, kl, &first).await;
    ok_json(change(&app, kl, &first, "transitions", &etag, &json!({"action": "accept"})).await, 200).await;
    let (_, etag) = read(&app, kl, &second).await;
    let ha_tien = app.authority_id("2024-D900").await;
    let propose = json!({"to_authority_id": ha_tien, "reason": "Nhóm người đang ở phường Đông Hồ, Hà Tiên."});
    ok_json(change(&app, kl, &second, "transfers", &etag, &propose).await, 200).await;
    // Wait until the sweep has escalated the cases still new.
    let sup = &s.supervisor.access_token;
    for _ in 0..40 {
        let page = ok_json(app.call("GET", "/api/v1/cases?escalated=true", Some(sup), None).await, 200).await;
        if page["items"].as_array().unwrap().len() >= 2 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let api = ok_json(app.call("GET", "/api/v1/stats/cases", Some(sup), None).await, 200).await;
    assert_eq!(api["total"], 3, "{api}");

    let mut supervisor = console(&app, &s.supervisor).await;
    let page = supervisor.get("/staff/overview").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.html.contains("href=\"/staff/overview\" aria-current=\"page\""));
    assert_eq!(text_of(&page.html, "fig-total"), "3");
    assert_eq!(text_of(&page.html, "fig-overdue"), api["overdue"].to_string());
    assert_eq!(text_of(&page.html, "fig-accept"), "0 min", "accepted at once");
    // By status: the API's counts, each a link to those cases in the work list.
    let by_status = &page.html[page.html.find("id=\"by-status\"").unwrap()..];
    let by_status = &by_status[..by_status.find("</table>").unwrap()];
    assert!(by_status.contains(">New</a></th><td class=\"num\">2<"), "{by_status}");
    assert!(by_status.contains(">Accepted</a></th><td class=\"num\">1<"), "{by_status}");
    assert!(by_status.contains("href=\"/staff/cases?status=new&#38;created_from="), "{by_status}");
    // The chart: today's bar holds two new tips and one accepted, one rectangle each.
    let chart = &page.html[page.html.find("<svg class=\"chart\"").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<rect class=\"s-new\"").count(), 1, "{chart}");
    assert_eq!(chart.matches("<rect class=\"s-accepted\"").count(), 1, "{chart}");
    assert_eq!(chart.matches("<rect").count(), 2);
    assert!(chart.contains("aria-labelledby=\"chart-title chart-summary\""));
    assert!(text_of(&page.html, "chart-summary").starts_with("3 tips in the last 90 days"), "{}", page.html);
    // Open cases by commune, with the 2024 communes' centres for the map.
    assert_eq!(
        places(&page.html),
        vec![("Thị trấn Kiên Lương".to_owned(), 2, true), ("Phường Đông Hồ".to_owned(), 1, true)]
    );
    assert!(page.html.contains(&format!("data-tiles=\"{TILES}\"")));
    assert!(!page.html.contains("Châu Đốc") && !page.html.contains("An Giang"), "another province");
    // The escalated cases (the two still new) and the transfer waiting for Hà Tiên.
    let escalated = &page.html[page.html.find("id=\"escalated\"").unwrap()..];
    let escalated = &escalated[..escalated.find("</table>").unwrap()];
    for late in [&second, &ha_tien_case] {
        assert!(escalated.contains(&format!("href=\"/staff/cases/{late}\"")), "{escalated}");
    }
    let transfers = &page.html[page.html.find("id=\"transfers\"").unwrap()..];
    assert!(transfers.contains(&format!("href=\"/staff/cases/{second}\"")), "{transfers}");
    assert!(transfers.contains("Nhóm người đang ở phường Đông Hồ"));
    // The tile server's origin: admitted for images here, and nowhere else.
    let policy = page.header("content-security-policy");
    assert!(policy.contains("img-src 'self' data: https://tiles.bando.example.vn;"), "{policy}");
    assert!(!policy.contains("script-src 'self' https"), "{policy}");
    for elsewhere in ["/staff/cases", "/", "/report"] {
        let other = supervisor.get(elsewhere).await;
        assert!(!other.header("content-security-policy").contains("bando"), "{elsewhere}");
    }
    // Another window; a window it does not offer is an error page naming the choices.
    let week = supervisor.get("/staff/overview?days=7").await;
    assert_eq!(week.status, 200);
    assert!(week.html.contains("href=\"/staff/overview?days=7\" aria-current=\"page\""));
    let wrong = supervisor.get("/staff/overview?days=13").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("Choose 7, 30, 90 or 365 days."), "{}", wrong.html);

    // The work list's quick filters count the same cases, each up to 100.
    let list = supervisor.get("/staff/cases").await;
    let quick = &list.html[list.html.find("id=\"quick-filters\"").unwrap()..];
    let quick = &quick[..quick.find("</ul>").unwrap()];
    let counts: Vec<&str> =
        quick.split("<span class=\"count\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
    // Open, new, urgent, overdue (the two still new, late to be accepted), mine.
    assert_eq!(counts, ["3", "2", "0", "2", "0"], "{quick}");

    // The officer of Kiên Lương: their authority's cases only.
    let mut officer = console(&app, &s.officer).await;
    let theirs = officer.get("/staff/overview").await;
    assert_eq!(theirs.status, 200);
    assert_eq!(text_of(&theirs.html, "fig-total"), "2");
    assert_eq!(places(&theirs.html), vec![("Thị trấn Kiên Lương".to_owned(), 2, true)]);

    // An admin handles no cases: no link, and the 403 page.
    app.create_admin("second.admin").await;
    let admin = app.full_session("second.admin").await;
    let mut admin = console(&app, &admin).await;
    let account = admin.get("/staff/account").await;
    assert!(!account.html.contains("href=\"/staff/overview\""));
    let refused = admin.get("/staff/overview").await;
    assert_eq!(refused.status, 403);
    assert!(!refused.html.contains("Kiên Lương"));
}

crate::on_both_backends!(a_supervisor_oversees_the_province);
