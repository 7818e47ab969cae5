//! Queueing SMS: the text and its recipient sealed into the outbox, in the caller's
//! transaction, within each number's quota. The worker (`workers::outbox`) sends them.
//! No number gets more than 3 SMS an hour and 10 a day, whatever triggers them: against
//! SMS bombing of a stranger's phone, and against the bill. Beyond that, nothing is
//! queued and the caller answers as if it had been (the same 202).

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;
use uuid::Uuid;

use crate::auth::index_key::IndexKey;
use crate::auth::keyring::{Keyring, Place};
use crate::db::sealed_columns::OUTBOX_PAYLOAD;
use crate::db::{DbConnection, outbox};
use crate::error::ServiceError;

/// SMS a number may get in an hour.
pub const PER_HOUR: i64 = 3;
/// SMS a number may get in a day.
pub const PER_DAY: i64 = 10;
/// The outbox channel of SMS.
pub const CHANNEL: &str = "sms";

/// What queueing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    Queued,
    /// The number had its quota: nothing was queued.
    OverQuota,
}

/// The keys a queued SMS needs.
pub struct Keys<'a> {
    pub index: &'a IndexKey,
    pub keyring: &'a Keyring,
}

/// Queues an SMS to `to` (a normalised phone number), unless the number had its quota.
pub fn queue(
    conn: &mut DbConnection,
    keys: &Keys<'_>,
    to: &str,
    text: &str,
    now: NaiveDateTime,
) -> Result<Queued, ServiceError> {
    let number = keys.index.digest("sms-number", to);
    if outbox::sms_sent_since(conn, &number, now - TimeDelta::hours(1))? >= PER_HOUR
        || outbox::sms_sent_since(conn, &number, now - TimeDelta::days(1))? >= PER_DAY
    {
        return Ok(Queued::OverQuota);
    }
    outbox::count_sms(conn, &number, now)?;
    let id = Uuid::now_v7();
    let payload = serde_json::json!({"to": to, "text": text}).to_string();
    let row = id.to_string();
    let sealed = keys
        .keyring
        .seal(&payload, Place { column: OUTBOX_PAYLOAD.name, row: &row })
        .map_err(ServiceError::internal)?;
    outbox::enqueue(conn, id, CHANNEL, &sealed, now)?;
    Ok(Queued::Queued)
}

/// A new six-digit one-time code.
pub fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000))
}

/// How a one-time code is stored: keyed, and bound to its account and purpose, so that a
/// stolen table reveals no code and one account's code is no other's.
pub fn code_digest(key: &IndexKey, user: Uuid, purpose: &str, code: &str) -> String {
    key.digest("one-time-code", &format!("{user}:{purpose}:{}", code.trim()))
}

/// How long a claimed message is the claiming worker's: longer than a send may take.
const LEASE_SECS: i64 = 60;

/// An SMS to send, opened.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: Uuid,
    pub to: String,
    pub text: String,
    pub attempts: i32,
}

/// The wait before the next try after `attempts` failures: 5 s, doubling, at most 15 min.
/// A message is never dropped: a gateway down for a day sends everything when it returns.
pub fn retry_delay(attempts: i32) -> TimeDelta {
    let exponent = attempts.clamp(1, 16) - 1;
    TimeDelta::seconds((5_i64 << exponent).min(15 * 60))
}

/// Claims due SMS for this worker and opens them.
pub async fn claim(
    db: &crate::db::Db,
    keyring: std::sync::Arc<Keyring>,
    limit: i64,
) -> Result<Vec<Outgoing>, ServiceError> {
    db.transaction(move |conn| {
        let now = crate::clock::now();
        let claimed = outbox::claim_due(conn, now, now + TimeDelta::seconds(LEASE_SECS), limit)?;
        let mut out = Vec::with_capacity(claimed.len());
        for queued in claimed.into_iter().filter(|q| q.channel == CHANNEL) {
            let row = queued.id.to_string();
            let payload = keyring
                .open(&queued.payload_sealed, Place { column: OUTBOX_PAYLOAD.name, row: &row })
                .map_err(ServiceError::internal)?;
            let payload: serde_json::Value = serde_json::from_str(&payload).map_err(ServiceError::internal)?;
            let field = |name: &str| payload[name].as_str().map(str::to_owned).unwrap_or_default();
            out.push(Outgoing { id: queued.id, to: field("to"), text: field("text"), attempts: queued.attempts });
        }
        Ok(out)
    })
    .await
}

/// Records a send: a sent message goes, a failed one waits for its next try.
pub async fn settle(db: &crate::db::Db, message: &Outgoing, sent: bool) -> Result<(), ServiceError> {
    let (id, attempts) = (message.id, message.attempts + 1);
    db.transaction(move |conn| {
        if sent {
            outbox::delivered(conn, id)?;
        } else {
            outbox::failed(conn, id, attempts, crate::clock::now() + retry_delay(attempts))?;
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_a_quarter_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(waits, vec![5, 10, 20, 40, 80, 160, 320, 640, 900, 900]);
        assert_eq!(retry_delay(1_000).num_seconds(), 900);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code();
            assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }
}
