//! The citizens' pages over HTTP: each page and its headers, the form with and without
//! each error, the receipt and a double submission, tracking and its message, the
//! language switch, and the refusal of a post from another site.

use crate::helpers::{Backend, ok_json, spawn_app, spawn_app_with, tip};
use crate::page_client::{Browser, Page, fields};

/// Every page answers HTML that loads nothing from elsewhere and cannot be framed.
fn assert_safe_page(page: &Page) {
    let csp = page.header("content-security-policy");
    for directive in ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(page.header("permissions-policy").contains("geolocation=(self)"));
    assert!(page.header("content-type").starts_with("text/html"));
    for outside in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "<script>", "style=\""] {
        assert!(!page.html.contains(outside), "{outside} in the page");
    }
}

async fn every_page_answers_safely_in_vietnamese_and_stays_light(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app);
    for (path, text) in [
        ("/", "Báo tin người nhập cảnh trái phép"),
        ("/report", "Bạn muốn báo việc gì?"),
        ("/track", "Mã biên nhận"),
        ("/guidance", "Gia đình có người thân ở nước ngoài"),
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_safe_page(&page);
        assert!(page.html.contains("<html lang=\"vi\">"), "{path}");
        assert!(page.html.contains(text), "{path}: {text}");
        assert!(page.html.contains("113"), "{path}: the emergency number is on every page");
        // HTML, CSS and JavaScript of the page, before compression.
        let css = browser.get(&attribute(&page.html, "rel=\"stylesheet\" href=\"")).await;
        let js = browser.get(&attribute(&page.html, "<script src=\"")).await;
        let weight = page.html.len() + css.html.len() + js.html.len();
        assert!(weight <= 60 * 1024, "{path} weighs {weight} bytes");
        assert_eq!(css.status, 200);
        assert_eq!(css.header("cache-control"), "public, max-age=31536000, immutable");
        assert!(js.header("content-type").starts_with("text/javascript"));
    }
    let home = browser.get("/").await;
    assert!(home.html.contains("href=\"/guidance\"") && home.html.contains("href=\"/report\""));
    assert_eq!(browser.get("/assets/site.000000000000.css").await.status, 404, "only the current names are served");
    let worker = browser.get("/sw.js").await;
    assert_eq!((worker.status, worker.header("cache-control")), (200, "no-cache"));
    assert!(worker.html.contains(&attribute(&home.html, "rel=\"stylesheet\" href=\"")), "the worker keeps the assets");
    // Compressed on the wire for browsers that say they can read it.
    let gzip =
        app.client.get(format!("{}/report", app.address)).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(gzip.headers().get("content-encoding").unwrap(), "gzip");
    let wrong_method = app.client.delete(format!("{}/report", app.address)).send().await.unwrap();
    assert_eq!(wrong_method.status().as_u16(), 405);
    assert_eq!(wrong_method.headers().get("allow").unwrap(), "GET, POST");
}

fn attribute(html: &str, before: &str) -> String {
    html.split(before).nth(1).and_then(|r| r.split('"').next()).expect("the attribute").to_owned()
}

async fn the_language_is_chosen_by_the_switch_the_cookie_or_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app);
    let vietnamese = browser.get("/").await;
    assert!(vietnamese.html.contains("href=\"/?lang=en\"") && vietnamese.html.contains(">English<"));
    let english = browser.get("/?lang=en").await;
    assert!(
        english.html.contains("<html lang=\"en\">") && english.html.contains("Report people who entered illegally")
    );
    assert_eq!(english.header("content-language"), "en");
    assert_eq!(browser.cookie("tinbao_lang"), Some("en"));
    let remembered = browser.get("/track").await;
    assert!(remembered.html.contains("<html lang=\"en\">") && remembered.html.contains("Receipt code"));
    let back = browser.get("/track?lang=vi").await;
    assert!(back.html.contains("<html lang=\"vi\">"));
    let mut other = Browser::new(&app);
    other.accept_language = Some("en-GB,en;q=0.9");
    assert!(other.get("/").await.html.contains("<html lang=\"en\">"), "Accept-Language, without a cookie");
}

/// The first steps of the form: a fresh page, then Kiên Giang's districts, then Kiên
/// Lương's communes. Returns the page with the communes.
async fn choose_place(browser: &mut Browser<'_>, commune: i64) -> Page {
    let form = browser.get("/report").await;
    assert_eq!(form.status, 200);
    assert_eq!(form.header("cache-control"), "no-store");
    let token = form.input("submission_token");
    assert!(token.len() >= 22, "{token}");
    assert!(form.options("place.province").contains(&"91".to_owned()), "provinces are listed");
    let csrf = form.input("csrf_token");
    let districts = browser
        .post(
            "/report",
            &fields(&[
                ("csrf_token", &csrf),
                ("submission_token", &token),
                ("location.scheme", "2024"),
                ("narrative", "typed before choosing the province"),
                ("place.province", "91"),
                ("action", "districts"),
            ]),
        )
        .await;
    assert_eq!(districts.status, 200);
    assert!(districts.options("place.district").contains(&"902".to_owned()), "Kiên Giang's districts");
    assert!(districts.html.contains("typed before choosing the province"), "what was typed is kept");
    assert_eq!(districts.input("submission_token"), token, "the same form");
    let communes = browser
        .post(
            "/report",
            &fields(&[
                ("csrf_token", &csrf),
                ("submission_token", &token),
                ("location.scheme", "2024"),
                ("place.province", "91"),
                ("place.district", "902"),
                ("action", "communes"),
            ]),
        )
        .await;
    assert!(communes.options("location.commune_code").contains(&commune.to_string()), "Kiên Lương's communes");
    communes
}

pub(crate) fn complete_tip(csrf: &str, token: &str, commune: i64) -> Vec<(String, String)> {
    fields(&[
        ("csrf_token", csrf),
        ("submission_token", token),
        ("location.scheme", "2024"),
        ("matter", "illegal_entry"),
        ("observed_at", "2026-11-20T21:30"),
        ("urgency", "present"),
        ("place.province", "91"),
        ("place.district", "902"),
        ("location.commune_code", &commune.to_string()),
        ("persons_count", "5"),
        ("children_count", "1"),
        ("health_flags", "fever"),
        ("health_flags", "cough"),
        ("subjects.0.sex", "male"),
        ("subjects.0.approximate_age", "30"),
        ("narrative", "Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang."),
        ("reporter.identity_mode", "anonymous"),
    ])
}

async fn a_tip_filed_from_the_form_shows_its_receipt_and_a_second_post_files_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let mut browser = Browser::new(&app);
    let page = choose_place(&mut browser, commune).await;
    let (csrf, token) = (page.input("csrf_token"), page.input("submission_token"));
    let mut tip = complete_tip(&csrf, &token, commune);
    tip.push(("action".into(), "review".into()));
    let check = browser.post("/report", &tip).await;
    assert_eq!(check.status, 200, "{}", check.html);
    assert!(check.html.contains("Kiểm tra trước khi gửi") && check.html.contains("Huyện Kiên Lương"), "{}", check.html);
    assert!(check.html.contains("Sốt, Ho"), "answers in words");
    assert!(check.html.contains("20/11/2026 21:30"), "the time as a resident reads it, in Viet Nam time");
    assert_eq!(check.header("cache-control"), "no-store");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 0, "checking files nothing");

    // The check page carries every answer on; sending it without the acknowledgement
    // asks for it there.
    let carried: Vec<(String, String)> = tip.iter().filter(|(k, _)| k != "action").cloned().collect();
    for (name, value) in &carried {
        if name != "csrf_token" {
            assert!(check.html.contains(&format!("name=\"{name}\" value=\"{value}\"")), "{name} carried");
        }
    }
    let mut send = carried.clone();
    send.push(("action".into(), "send".into()));
    let unacknowledged = browser.post("/report", &send).await;
    assert_eq!(unacknowledged.status, 422);
    assert!(unacknowledged.html.contains("href=\"#f-acknowledged_false_report_warning\""));
    assert!(unacknowledged.html.contains("Kiểm tra trước khi gửi"), "back on the check page");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 0);

    send.push(("acknowledged_false_report_warning".into(), "true".into()));
    let receipt = browser.post("/report", &send).await;
    assert_eq!(receipt.status, 200, "the receipt is the answer itself, not a redirect: {}", receipt.html);
    assert_eq!(receipt.header("cache-control"), "no-store");
    assert!(receipt.headers.get("location").is_none());
    let reference = receipt.text_of("receipt-reference");
    let code = receipt.text_of("receipt-code");
    assert!(reference.starts_with("TB-") && code.len() == 31, "{reference} {code}");
    assert!(receipt.html.contains("không ai khôi phục được"), "the page says the code cannot be recovered");
    assert!(receipt.html.contains("Công an"), "the holding authority");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 1);

    // A double tap, a reload of the answer, a retry after a timeout: the same receipt.
    let again = browser.post("/report", &send).await;
    assert_eq!(again.status, 200);
    assert_eq!((again.text_of("receipt-reference"), again.text_of("receipt-code")), (reference.clone(), code.clone()));
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 1, "still one tip");

    // The tip is the real thing: the API follows it with that code.
    let tracked = ok_json(
        app.post_json("/api/v1/tracking", None, &serde_json::json!({"reference": reference, "receipt_code": code}))
            .await,
        200,
    )
    .await;
    assert_eq!(tracked["matter"], "illegal_entry");

    // The same token with changed answers is refused on the form, not filed.
    let mut changed = send.clone();
    changed.retain(|(k, _)| k != "persons_count");
    changed.push(("persons_count".into(), "7".into()));
    let refused = browser.post("/report", &changed).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("href=\"#f-submission\""), "{}", refused.html);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 1);
}

async fn the_form_comes_back_with_every_error_beside_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app);
    let form = browser.get("/report?lang=en").await;
    let posted = fields(&[
        ("csrf_token", &form.input("csrf_token")),
        ("submission_token", &form.input("submission_token")),
        ("location.scheme", "2024"),
        ("persons_count", "five"),
        ("narrative", "too short"),
        ("reporter.identity_mode", "confidential"),
        ("reporter.phone", "12345"),
        ("subjects.0.approximate_age", "130"),
        ("action", "review"),
    ]);
    let page = browser.post("/report", &posted).await;
    assert_eq!(page.status, 422);
    assert_safe_page(&page);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.html.contains("There is a problem"), "an error summary at the top");
    for (anchor, message) in [
        ("f-matter", "What to report: is required"),
        ("f-observed_at", "When: give the date and time it was seen"),
        ("f-location-commune_code", "Commune or ward: is required"),
        ("f-persons_count", "Number of people: must be a whole number"),
        ("f-narrative", "What you saw: must have 20 to 5000 characters"),
        ("f-reporter-phone", "Mobile number: must be a Vietnamese mobile number"),
        ("f-subjects-0-approximate_age", "Person described: must be a whole number from 0 to 120"),
    ] {
        assert!(page.html.contains(&format!("<a href=\"#{anchor}\">{message}")), "{anchor}: {}", page.html);
        assert!(page.html.contains(&format!("id=\"{anchor}")), "the summary links to a field");
    }
    assert!(page.html.contains("id=\"f-narrative-error\""), "the message beside the field");
    assert!(page.html.contains("aria-describedby=\"f-narrative-hint f-narrative-error\""));
    assert_eq!(page.input("persons_count"), "five", "what was typed comes back");
    assert!(page.html.contains(">too short</textarea>"));
    assert_eq!(page.input("reporter.phone"), "12345");
    // The same messages as the API's, in Vietnamese too.
    let mut vietnamese = posted.clone();
    vietnamese.retain(|(k, _)| k != "csrf_token");
    browser.get("/report?lang=vi").await;
    vietnamese.push(("csrf_token".into(), form.input("csrf_token")));
    let page = browser.post("/report", &vietnamese).await;
    assert!(page.html.contains("Số người: phải là số nguyên"), "{}", page.html);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 0);
}

async fn a_post_without_this_browsers_token_is_refused_and_files_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let commune = app.first_commune(902).await;
    let mut stranger = Browser::new(&app);
    let mut tip = complete_tip("", "a-submission-token-of-many-chars", commune);
    tip.push(("acknowledged_false_report_warning".into(), "true".into()));
    tip.push(("action".into(), "send".into()));
    let page = stranger.post("/report", &tip).await;
    assert_eq!(page.status, 403);
    assert!(page.html.contains("tải lại trang"), "{}", page.html);
    assert_safe_page(&page);
    // A cookie of its own does not make another browser's token good.
    let mut victim = Browser::new(&app);
    let token = victim.get("/report").await.input("csrf_token");
    stranger.get("/").await;
    tip.retain(|(k, _)| k != "csrf_token");
    tip.push(("csrf_token".into(), token));
    assert_eq!(stranger.post("/report", &tip).await.status, 403);
    assert_eq!(stranger.post("/track", &fields(&[("reference", "TB-0000-0000")])).await.status, 403);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 0);
}

async fn a_reporter_follows_the_tip_and_adds_information_on_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = ok_json(app.submit(None, &tip(app.first_commune(902).await)).await, 201).await;
    let (reference, code) = (created["reference"].as_str().unwrap(), created["receipt_code"].as_str().unwrap());
    let mut browser = Browser::new(&app);
    let csrf = browser.get("/track").await.input("csrf_token");

    let wrong = browser
        .post("/track", &fields(&[("csrf_token", &csrf), ("reference", reference), ("receipt_code", "X")]))
        .await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.html.contains("href=\"#f-reference\""), "{}", wrong.html);

    let found = browser
        .post(
            "/track",
            &fields(&[("csrf_token", &csrf), ("reference", reference), ("receipt_code", &code.to_lowercase())]),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.html);
    assert_eq!(found.header("cache-control"), "no-store");
    assert!(
        found.html.contains("id=\"track-status\"><strong>Đã nhận, đang chờ xử lý</strong>"),
        "the coarse status: {}",
        found.html
    );
    assert!(found.html.contains("Chưa có tin nhắn nào."));
    assert!(found.html.contains(created["authority"]["name"].as_str().unwrap()));

    let empty = browser
        .post(
            "/track/messages",
            &fields(&[("csrf_token", &csrf), ("reference", reference), ("receipt_code", code), ("body", "  ")]),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.html.contains("href=\"#f-body\""));
    let added = browser
        .post(
            "/track/messages",
            &fields(&[
                ("csrf_token", &csrf),
                ("reference", reference),
                ("receipt_code", code),
                ("body", "Họ đã chuyển sang nhà bên cạnh."),
            ]),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.html);
    assert!(added.html.contains("Đã gửi thông tin bổ sung.") && added.html.contains("Họ đã chuyển sang nhà bên cạnh."));
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM report_messages").await, 1);
}

async fn guidance_is_the_operators_markdown_with_its_html_escaped(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app);
    let shipped = browser.get("/guidance?lang=en").await;
    assert!(shipped.html.contains("come back through a border checkpoint"), "the shipped text");
    std::fs::create_dir_all(app.data_dir.join("guidance")).unwrap();
    std::fs::write(
        app.data_dir.join("guidance/en.md"),
        "# Coming home from Cambodia\n\nCall the Hà Tiên station.\n\n<script>alert(1)</script> [x](javascript:alert(1))",
    )
    .unwrap();
    let ours = browser.get("/guidance").await;
    assert!(ours.html.contains("<h1>Coming home from Cambodia</h1>"), "read on each request: {}", ours.html);
    assert!(ours.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !ours.html.contains("<script>alert"));
    assert!(!ours.html.contains("href=\"javascript"), "{}", ours.html);
    assert!(browser.get("/guidance?lang=vi").await.html.contains("về qua cửa khẩu"), "Vietnamese is still shipped");
}

async fn the_apis_abuse_limits_hold_on_the_pages_too(backend: Backend) {
    let app = spawn_app_with(backend, |c| {
        c.rate_tracking = 2;
        c.rate_anon_reports = 1;
    })
    .await;
    let mut browser = Browser::new(&app);
    let csrf = browser.get("/track").await.input("csrf_token");
    let look = fields(&[("csrf_token", &csrf), ("reference", "TB-0000-0000"), ("receipt_code", "X")]);
    for _ in 0..2 {
        assert_eq!(browser.post("/track", &look).await.status, 404);
    }
    let limited = browser.post("/track", &look).await;
    assert_eq!(limited.status, 429, "{}", limited.html);
    assert!(limited.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert!(limited.html.contains("Quá nhiều lần thử"), "{}", limited.html);
    assert_eq!(limited.header("cache-control"), "no-store");

    // One anonymous tip an hour from this address: the second form is refused, unfiled.
    let commune = app.first_commune(902).await;
    for expected in [200, 429] {
        let form = browser.get("/report").await;
        let mut tip = complete_tip(&form.input("csrf_token"), &form.input("submission_token"), commune);
        tip.push(("acknowledged_false_report_warning".into(), "true".into()));
        tip.push(("action".into(), "send".into()));
        let page = browser.post("/report", &tip).await;
        assert_eq!(page.status, expected, "{}", page.html);
    }
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 1);
}

crate::on_both_backends!(
    the_apis_abuse_limits_hold_on_the_pages_too,
    every_page_answers_safely_in_vietnamese_and_stays_light,
    the_language_is_chosen_by_the_switch_the_cookie_or_the_browser,
    a_tip_filed_from_the_form_shows_its_receipt_and_a_second_post_files_nothing,
    the_form_comes_back_with_every_error_beside_what_was_typed,
    a_post_without_this_browsers_token_is_refused_and_files_nothing,
    a_reporter_follows_the_tip_and_adds_information_on_the_page,
    guidance_is_the_operators_markdown_with_its_html_escaped,
);
