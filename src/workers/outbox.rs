//! The outbox's worker, on every instance: claims due SMS (a lease, so two instances never
//! send one at once), sends each through the gateway, deletes it once sent, and tries a
//! failed one again later. Delivery is at least once: a crash after the gateway accepted
//! a message and before it was deleted sends it again when the lease ends. A repeated
//! code or notice is harmless; a lost one would lock a resident out.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::sms_gateway::Gateway;
use crate::auth::keyring::Keyring;
use crate::db::Db;
use crate::services::sms;

/// How often an idle worker looks for due messages (a message queued on this instance
/// wakes it at once; one queued on another is found within this).
const POLL: Duration = Duration::from_secs(1);
/// Messages claimed at a time.
const BATCH: i64 = 20;

/// Sends until the process ends.
pub async fn run(db: Db, keyring: Arc<Keyring>, gateway: Arc<Gateway>, wake: Arc<Notify>) {
    loop {
        let batch = match sms::claim(&db, keyring.clone(), BATCH).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(code = e.code, "claiming queued SMS failed; trying again shortly");
                Vec::new()
            }
        };
        for message in &batch {
            let sent = match gateway.send(&message.to, &message.text).await {
                Ok(()) => true,
                Err(why) => {
                    tracing::warn!(%why, attempts = message.attempts + 1, "an SMS was not sent; it is tried again later");
                    false
                }
            };
            if let Err(e) = sms::settle(&db, message, sent).await {
                tracing::warn!(code = e.code, "recording an SMS send failed; it may be sent again");
            }
        }
        if batch.is_empty() {
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
