//! A commune official files a tip for a resident from the citizens' form while signed in
//! to the console: the page says so, asks how the resident came and (optionally) who,
//! and the tip records the official as its filer, as the API does with an official's
//! token; the resident's name is sealed. Nobody else can file that way.

use serde_json::json;

use crate::console::console;
use crate::helpers::{Backend, spawn_app};
use crate::page_client::Browser;
use crate::pages::complete_tip;

async fn a_commune_official_files_a_tip_for_a_resident(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    app.create_staff(&admin, "xa.kienluong", "commune_official", json!({"unit": {"scheme": "2024", "code": 30787}}))
        .await;
    let official = app.full_session("xa.kienluong").await;
    let mut browser = console(&app, &official).await;
    let landing = browser.get("/staff/cases").await;
    assert_eq!(landing.status, 303);
    assert_eq!(landing.header("location"), "/report", "an official's work is filing for residents");
    let account = browser.get("/staff/account").await;
    assert!(account.html.contains("href=\"/report\" id=\"file-for-resident\""));

    let form = browser.get("/report").await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("id=\"filing-as\"") && form.html.contains("xa.kienluong"), "{}", form.html);
    assert!(form.html.contains("id=\"official-fields\""));
    let (csrf, token) = (form.input("csrf_token"), form.input("submission_token"));
    let mut tip = complete_tip(&csrf, &token, 30787);
    tip.extend([
        ("channel".to_owned(), "in_person".to_owned()),
        ("acting_as".to_owned(), "Trần Văn Dân".to_owned()),
        ("acknowledged_false_report_warning".to_owned(), "true".to_owned()),
        ("action".to_owned(), "send".to_owned()),
    ]);
    let receipt = browser.post("/report", &tip).await;
    assert_eq!(receipt.status, 200, "{}", receipt.html);
    assert!(receipt.text_of("receipt-reference").starts_with("TB-"));
    let filed_by = format!("SELECT COUNT(*) AS n FROM reports WHERE submitted_by_user = '{}'", official.user_id);
    assert_eq!(app.sql_count(&filed_by).await, 1, "the official is recorded as the filer");
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports WHERE content LIKE '%in_person%'").await, 1);
    let sealed = "SELECT COUNT(*) AS n FROM reporter_contacts WHERE acting_as_sealed IS NOT NULL \
                  AND acting_as_sealed NOT LIKE '%Dân%'";
    assert_eq!(app.sql_count(sealed).await, 1, "the resident's name is sealed");

    // A visitor without a console session cannot claim an official's fields.
    let mut visitor = Browser::new(&app);
    let their_form = visitor.get("/report").await;
    assert!(!their_form.html.contains("id=\"filing-as\"") && !their_form.html.contains("id=\"official-fields\""));
    let mut forged = complete_tip(&their_form.input("csrf_token"), &their_form.input("submission_token"), 30787);
    forged.extend([
        ("channel".to_owned(), "in_person".to_owned()),
        ("acknowledged_false_report_warning".to_owned(), "true".to_owned()),
        ("action".to_owned(), "send".to_owned()),
    ]);
    let refused = visitor.post("/report", &forged).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM reports").await, 1, "nothing more was filed");
}

crate::on_both_backends!(a_commune_official_files_a_tip_for_a_resident);
