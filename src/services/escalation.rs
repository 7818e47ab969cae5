//! Escalating overdue cases: every instance sweeps now and then; each case that missed a
//! deadline gets one `case.escalated` event per missed deadline, which the province's
//! supervisor sees in the case's history and with `GET /api/v1/cases?escalated=true`.
//! Several instances may sweep at once: each case is re-checked under its lock.

use std::time::Duration;

use serde_json::json;

use crate::clock::now;
use crate::db::{Db, audit, cases};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::case::missed_deadline;
use crate::error::ServiceError;

/// How many cases one sweep looks at; the next sweep takes the rest.
const BATCH: i64 = 500;

/// Escalates the cases that missed a deadline; returns how many it escalated.
pub async fn sweep(db: &Db) -> Result<usize, ServiceError> {
    let at = now();
    let candidates = db.run(move |conn| Ok(cases::escalation_candidates(conn, at, BATCH)?)).await?;
    let mut escalated = 0;
    for id in candidates {
        let done = db
            .transaction(move |conn| {
                let Some(row) = cases::lock(conn, id)? else {
                    return Ok(false);
                };
                let at = now();
                let Some(deadline) =
                    missed_deadline(row.status, row.accept_due_at, row.resolve_due_at, row.escalated_at, at)
                else {
                    return Ok(false);
                };
                cases::mark_escalated(conn, row.id, at)?;
                let due = if deadline == "accept" { row.accept_due_at } else { row.resolve_due_at };
                let summary = json!({"deadline": deadline, "due_at": due.map(|d| d.and_utc()), "status": row.status});
                let origin = Origin::system("deadlines");
                audit::append(conn, ObjectType::Case, row.id, &origin, "case.escalated", summary, at)?;
                Ok(true)
            })
            .await?;
        escalated += usize::from(done);
    }
    Ok(escalated)
}

/// Sweeps every `interval` until the process ends (and keeps the planner's statistics
/// fresh and forgets what no longer counts, which need the same rhythm).
pub async fn run(db: Db, interval: Duration) {
    refresh_statistics(&db).await;
    loop {
        tokio::time::sleep(interval).await;
        refresh_statistics(&db).await;
        match sweep(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cases = n, "escalated overdue cases"),
            Err(e) => tracing::warn!(code = e.code, "the escalation sweep failed; it runs again later"),
        }
        crate::services::housekeeping::sweep(&db).await;
    }
}

/// Refreshes the planner's statistics; a failure is logged, and the next round tries again.
async fn refresh_statistics(db: &Db) {
    if let Err(e) = db.refresh_statistics().await {
        tracing::warn!(code = e.code, "refreshing the query planner's statistics failed");
    }
}
