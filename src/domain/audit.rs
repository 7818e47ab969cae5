//! The audit trail's rules: what an event holds, how its hash is computed, and how a
//! chain is checked. Pure code; `db::audit` stores and reads events.
//!
//! Each object (a case, an account, a routing rule, an authority) has its own chain: an
//! event's hash covers its content and the hash of the previous event of the same object.
//! A checkpoint is one digest over every chain's head up to a sequence number; kept
//! outside the database, it also reveals a deleted chain or a cut tail.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::domain::secrets::hex;

/// The kinds of object that carry a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    Case,
    Account,
    RoutingRule,
    Authority,
    /// An integrator client.
    Client,
}

impl ObjectType {
    pub const ALL: [ObjectType; 5] =
        [ObjectType::Case, ObjectType::Account, ObjectType::RoutingRule, ObjectType::Authority, ObjectType::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Case => "case",
            ObjectType::Account => "account",
            ObjectType::RoutingRule => "routing_rule",
            ObjectType::Authority => "authority",
            ObjectType::Client => "client",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// Who caused an event, and in which request: `user:<id>`, `client:<id>`, `anonymous`
/// or `system:<command>` (one word, e.g. `system:routing-rules-import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub actor: String,
    pub request_id: Option<String>,
}

impl Origin {
    pub fn user(id: uuid::Uuid, request_id: Option<String>) -> Self {
        Origin { actor: format!("user:{id}"), request_id }
    }

    pub fn client(id: uuid::Uuid, request_id: Option<String>) -> Self {
        Origin { actor: format!("client:{id}"), request_id }
    }

    pub fn anonymous(request_id: Option<String>) -> Self {
        Origin { actor: "anonymous".to_owned(), request_id }
    }

    pub fn system(command: &str) -> Self {
        Origin { actor: format!("system:{command}"), request_id: None }
    }
}

/// What the trail records of an account's state: role, scope and flags; never its login
/// (a citizen's login is a phone number) nor anything secret.
pub fn account_state(account: &crate::domain::account::Account) -> serde_json::Value {
    use crate::domain::account::Scope;
    let scope = match account.scope {
        Scope::None => serde_json::Value::Null,
        Scope::Commune(u) | Scope::Province(u) => serde_json::Value::String(u.to_string()),
        Scope::Authority(id) => serde_json::Value::String(format!("authority:{id}")),
    };
    serde_json::json!({
        "role": account.role.as_str(),
        "scope": scope,
        "disabled": account.disabled,
        "mfa_enabled": account.mfa_enabled,
    })
}

/// One event, as stored (without its global sequence number, which is not hashed: it is
/// assigned by the database at commit order and only orders the whole trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub object_type: String,
    pub object_id: String,
    /// 1 for an object's first event, then 2, 3, …
    pub position: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    /// JSON: what changed (before/after), never a reporter's identity.
    pub summary: String,
    pub request_id: Option<String>,
    pub prev_hash: Option<String>,
}

impl Event {
    /// SHA-256 over every field, each length-prefixed so that no two different events
    /// can serialize alike.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        let at = self.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        let position = self.position.to_string();
        let fields: [Option<&str>; 9] = [
            Some(&self.object_type),
            Some(&self.object_id),
            Some(&position),
            Some(&at),
            Some(&self.actor),
            Some(&self.action),
            Some(&self.summary),
            self.request_id.as_deref(),
            self.prev_hash.as_deref(),
        ];
        hasher.update(b"tinbao-audit-v1");
        for field in fields {
            match field {
                Some(text) => {
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
                None => hasher.update(u64::MAX.to_be_bytes()),
            }
        }
        hex(&hasher.finalize())
    }
}

/// A stored event: its content, sequence number and recorded hash.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: i64,
    pub event: Event,
    pub hash: String,
}

/// Why an event breaks its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Its recorded hash does not match its content (the event was altered).
    Altered,
    /// It does not follow the previous event of its object (an event before it was
    /// removed, or events were reordered).
    OutOfChain,
}

impl Damage {
    /// A short name, for pages that say it in their own language.
    pub fn code(&self) -> &'static str {
        match self {
            Damage::Altered => "altered",
            Damage::OutOfChain => "out_of_chain",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Damage::Altered => "its content does not match its hash (altered)",
            Damage::OutOfChain => "it does not follow the previous event of its object (removed or reordered events)",
        }
    }
}

/// Checks events of any objects, given in (object, position) order, as they are read in
/// batches; remembers the head of the chain being read.
#[derive(Debug, Default)]
pub struct ChainCheck {
    current: Option<(String, String)>,
    last_position: i64,
    last_hash: Option<String>,
    pub checked: u64,
}

impl ChainCheck {
    /// Checks the next event; `Err` names the damage.
    pub fn next(&mut self, stored: &Stored) -> Result<(), Damage> {
        let e = &stored.event;
        let object = (e.object_type.clone(), e.object_id.clone());
        if self.current.as_ref() != Some(&object) {
            self.current = Some(object);
            self.last_position = 0;
            self.last_hash = None;
        }
        self.checked += 1;
        if e.hash() != stored.hash {
            return Err(Damage::Altered);
        }
        if e.position != self.last_position + 1 || e.prev_hash != self.last_hash {
            return Err(Damage::OutOfChain);
        }
        self.last_position = e.position;
        self.last_hash = Some(stored.hash.clone());
        Ok(())
    }
}

/// A checkpoint: every chain's head as of one sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The newest event covered.
    pub upto_seq: i64,
    /// How many events it covers.
    pub events: u64,
    /// SHA-256 over every chain's head, in object order.
    pub digest: String,
}

impl Checkpoint {
    /// Folds the heads (object type, object id, position, hash), given in object order.
    pub fn compute<'a>(
        upto_seq: i64,
        events: u64,
        heads: impl IntoIterator<Item = (&'a str, &'a str, i64, &'a str)>,
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"tinbao-checkpoint-v1");
        hasher.update(upto_seq.to_be_bytes());
        hasher.update(events.to_be_bytes());
        for (object_type, object_id, position, hash) in heads {
            for text in [object_type, object_id, hash] {
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
            hasher.update(position.to_be_bytes());
        }
        Checkpoint { upto_seq, events, digest: hex(&hasher.finalize()) }
    }

    /// The form printed and given back: `SEQ.EVENTS.HEX`, one word to keep outside.
    pub fn token(&self) -> String {
        format!("{}.{}.{}", self.upto_seq, self.events, self.digest)
    }

    /// Reads a token.
    pub fn parse(token: &str) -> Option<Self> {
        let mut parts = token.trim().split('.');
        let upto_seq = parts.next()?.parse().ok()?;
        let events = parts.next()?.parse().ok()?;
        let digest = parts.next()?.to_owned();
        let well_formed = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        (parts.next().is_none() && well_formed).then_some(Checkpoint { upto_seq, events, digest })
    }
}

/// What an auditor filters the trail by.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub object_type: Option<ObjectType>,
    pub object_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// The latest first, instead of in the order recorded.
    pub newest_first: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(position: i64, prev_hash: Option<String>, summary: &str) -> Stored {
        let event = Event {
            object_type: "case".into(),
            object_id: "c1".into(),
            position,
            at: chrono::DateTime::from_timestamp(1_764_000_000, 123_000).map(|t| t.naive_utc()).unwrap_or_default(),
            actor: "user:u".into(),
            action: "case.accept".into(),
            summary: summary.into(),
            request_id: None,
            prev_hash,
        };
        let hash = event.hash();
        Stored { seq: position, event, hash }
    }

    fn chain(n: i64) -> Vec<Stored> {
        let mut events: Vec<Stored> = Vec::new();
        for position in 1..=n {
            let prev = events.last().map(|e| e.hash.clone());
            events.push(event(position, prev, &format!("{{\"n\":{position}}}")));
        }
        events
    }

    #[test]
    fn a_whole_chain_checks_and_each_kind_of_damage_is_named() {
        let mut check = ChainCheck::default();
        assert!(chain(3).iter().all(|e| check.next(e).is_ok()));
        assert_eq!(check.checked, 3);

        let mut altered = chain(3);
        altered[1].event.summary = "{\"n\":9}".into();
        let mut check = ChainCheck::default();
        assert_eq!(check.next(&altered[0]), Ok(()));
        assert_eq!(check.next(&altered[1]), Err(Damage::Altered));

        let mut removed = chain(3);
        removed.remove(1);
        let mut check = ChainCheck::default();
        assert_eq!(check.next(&removed[0]), Ok(()));
        assert_eq!(check.next(&removed[1]), Err(Damage::OutOfChain));
    }

    #[test]
    fn a_missing_request_id_hashes_apart_from_an_empty_one() {
        let a = event(1, None, "{}");
        let mut b = a.event.clone();
        b.request_id = Some(String::new());
        assert_ne!(a.hash, b.hash());
    }

    #[test]
    fn checkpoint_tokens_round_trip_and_reject_junk() {
        let cp = Checkpoint::compute(7, 7, [("case", "c1", 7, "ab")]);
        assert_eq!(Checkpoint::parse(&cp.token()), Some(cp.clone()));
        assert_eq!(Checkpoint::parse("7.7.zz"), None);
        assert_eq!(Checkpoint::parse(&format!("{}.x", cp.token())), None);
        assert_ne!(cp, Checkpoint::compute(7, 7, [("case", "c1", 6, "ab")]));
    }
}
