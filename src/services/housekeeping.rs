//! Forgetting what no longer counts, on every instance's periodic sweep: idempotency keys
//! older than a day, sign-in throttling rows whose failures have decayed, expired
//! one-time codes and console sign-ins waiting for their code, pending accounts whose day passed, and SMS counts older than a day. Each is one
//! short statement; several instances sweeping at once delete the same rows harmlessly.

use chrono::TimeDelta;

use crate::clock::now;
use crate::db::{Db, browser_sessions, codes, devices, idempotency, outbox, throttle, users};
use crate::domain::throttle::DECAY_SECS;

/// Runs one sweep; a failure is logged, and the next sweep tries again.
pub async fn sweep(db: &Db) {
    let forgotten = db
        .transaction(|conn| {
            let now = now();
            let keys = idempotency::purge_expired(conn, now)?;
            let buckets = throttle::purge_stale(conn, now - TimeDelta::seconds(DECAY_SECS))?;
            codes::purge_expired(conn, now)?;
            browser_sessions::purge_expired(conn, now)?;
            users::purge_lapsed(conn, now)?;
            outbox::purge_sms_counts(conn, now - TimeDelta::days(1))?;
            devices::purge_older_than(conn, crate::services::devices::trusted_since(now))?;
            crate::services::abuse::purge(conn, now)?;
            Ok((keys, buckets))
        })
        .await;
    match forgotten {
        Ok((0, 0)) => {}
        Ok((keys, buckets)) => tracing::info!(keys, buckets, "forgot expired idempotency keys and sign-in counts"),
        Err(e) => tracing::warn!(code = e.code, "housekeeping failed; it runs again later"),
    }
}
