//! Use cases that lock two cases take their locks in one order: two opposite merges at
//! the same moment both finish (one merges, the other is refused), neither deadlocks.

use futures_util::future::join;
use serde_json::json;

use crate::cases::{change, new_case, read, staff};
use crate::helpers::{Backend, spawn_app, tip};

async fn two_opposite_merges_at_once_both_finish_and_one_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = staff(&app).await;
    let officer = &s.officer.access_token;
    // Several rounds: a deadlock needs both merges to hold their first lock at once.
    for round in 0..8 {
        let (_, a) = new_case(&app, &s, &tip(30787)).await;
        let (_, b) = new_case(&app, &s, &tip(30787)).await;
        let ((_, a_etag), (_, b_etag)) = (read(&app, officer, &a).await, read(&app, officer, &b).await);
        let (a_into_b, b_into_a) = join(
            change(&app, officer, &a, "merge", &a_etag, &json!({"into": b})),
            change(&app, officer, &b, "merge", &b_etag, &json!({"into": a})),
        )
        .await;
        let mut statuses = [a_into_b.status().as_u16(), b_into_a.status().as_u16()];
        statuses.sort_unstable();
        // The loser sees either the merged case (409) or the survivor's new version (412).
        assert!(
            statuses[0] == 200 && matches!(statuses[1], 409 | 412),
            "round {round}: one merge wins and the other is refused, got {statuses:?}"
        );
        let ((a_now, _), (b_now, _)) = (read(&app, officer, &a).await, read(&app, officer, &b).await);
        let merged: Vec<&str> =
            [&a_now, &b_now].iter().filter(|c| c["status"] == "merged").map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(merged.len(), 1, "round {round}: exactly one case is merged");
        let survivor = if merged[0] == a { &b_now } else { &a_now };
        assert_eq!(
            survivor["reports"].as_array().map(Vec::len),
            Some(2),
            "round {round}: the survivor holds both tips"
        );
    }
}

crate::on_both_backends!(two_opposite_merges_at_once_both_finish_and_one_is_refused);
