//! What a request to change a case is answered when more than one thing is wrong with it:
//! the caller first, then the case's id, then the body, every time.

use serde_json::json;

use crate::cases::{change, new_case, read, staff};
use crate::helpers::{Backend, assert_problem, spawn_app};

async fn a_refused_caller_is_refused_whatever_body_they_send(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let (_, case) = new_case(&app, &s, &tip_in_kien_luong()).await;
    let (_, etag) = read(&app, &s.auditor.access_token, &case).await;
    let bad_bodies = [json!({"action": 7}), json!({"unknown": true}), json!([])];
    // Several times each: before, which error arrived first was a matter of timing.
    for _ in 0..5 {
        for body in &bad_bodies {
            // A citizen may not change cases at all: 403 before the body is looked at.
            let res = change(&app, &s.citizen.access_token, &case, "transitions", &etag, body).await;
            assert_problem(res, 403, "forbidden").await;
            // A case id that is no UUID: 404 before the body is looked at.
            let res = change(&app, &s.officer.access_token, "not-a-case", "transitions", &etag, body).await;
            assert_problem(res, 404, "not_found").await;
            // A caller who may act is told what is wrong with the body.
            let res = change(&app, &s.officer.access_token, &case, "transitions", &etag, body).await;
            assert!(matches!(res.status().as_u16(), 400 | 422), "{body}: {}", res.status());
        }
    }
    let (after, _) = read(&app, &s.officer.access_token, &case).await;
    assert_eq!(after["status"], "new", "no refusal changed the case");
}

fn tip_in_kien_luong() -> serde_json::Value {
    crate::helpers::tip(30787)
}

crate::on_both_backends!(a_refused_caller_is_refused_whatever_body_they_send);
