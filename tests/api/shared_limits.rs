//! Abuse limits shared by every instance (issue 14, point 6): two instances on one
//! database give the same limit as one.

use serde_json::json;
use tinbao::config::Config;

use crate::helpers::{Backend, PASSWORD, assert_problem, ok_json, spawn_app_with, tip};

fn tight(config: &mut Config) {
    config.rate_anon_reports = 3;
    config.rate_account_reports = 2;
    config.rate_registrations = 4;
    config.rate_tracking = 2;
}

async fn refused(res: reqwest::Response) {
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    assert_problem(res, 429, "too_many_requests").await;
}

async fn two_instances_give_the_same_limits_as_one(backend: Backend) {
    let a = spawn_app_with(backend, tight).await;
    let b = a.sibling_with(tight).await;
    // Three tips from one address in an hour, however they are spread.
    for app in [&a, &b, &a] {
        ok_json(app.submit(None, &tip(30787)).await, 201).await;
    }
    refused(b.submit(None, &tip(30787)).await).await;
    refused(a.submit(None, &tip(30787)).await).await;
    assert_eq!(a.sql_count("SELECT COUNT(*) AS n FROM reports").await, 3);
    let stored = "SELECT COUNT(*) AS n FROM rate_counters WHERE bucket LIKE '%127.0.0.1%'";
    assert_eq!(a.sql_count(stored).await, 0, "buckets are keyed digests, not addresses");

    // Tracking: two lookups a minute per address, across both.
    let body = json!({"reference": "TB-0000-0000", "receipt_code": "WRONG-CODE"});
    assert_eq!(a.post_json("/api/v1/tracking", None, &body).await.status().as_u16(), 404);
    assert_eq!(b.post_json("/api/v1/tracking", None, &body).await.status().as_u16(), 404);
    refused(a.post_json("/api/v1/tracking", None, &body).await).await;
}

async fn accounts_and_registrations_have_their_own_limits(backend: Backend) {
    let a = spawn_app_with(backend, |c| {
        tight(c);
        c.rate_anon_reports = 100;
    })
    .await;
    let b = a
        .sibling_with(|c| {
            tight(c);
            c.rate_anon_reports = 100;
        })
        .await;
    let citizen = a.citizen("0918000111").await;
    ok_json(a.submit(Some(&citizen.access_token), &tip(30787)).await, 201).await;
    ok_json(b.submit(Some(&citizen.access_token), &tip(30787)).await, 201).await;
    refused(a.submit(Some(&citizen.access_token), &tip(30787)).await).await;
    // The address still has room for tips without an account.
    ok_json(a.submit(None, &tip(30787)).await, 201).await;

    // Registrations: one was the citizen's; a refused form is not counted.
    let bad = a.post_json("/api/v1/auth/register", None, &json!({"login": "lan@example.vn", "password": "x"})).await;
    assert_problem(bad, 422, "validation_failed").await;
    for (app, number) in [(&b, "0918000222"), (&a, "0918000333"), (&b, "0918000444")] {
        let res = app.post_json("/api/v1/auth/register", None, &json!({"login": number, "password": PASSWORD})).await;
        assert_eq!(res.status().as_u16(), 202);
    }
    let res = a.post_json("/api/v1/auth/register", None, &json!({"login": "0918000555", "password": PASSWORD})).await;
    refused(res).await;
    let res = b.post_json("/api/v1/auth/password-reset", None, &json!({"login": "0918000111"})).await;
    refused(res).await;
}

crate::on_both_backends!(two_instances_give_the_same_limits_as_one, accounts_and_registrations_have_their_own_limits);
