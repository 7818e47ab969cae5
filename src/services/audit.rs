//! Reading and proving the audit trail: the auditors' filtered list, `verify` (every
//! chain recomputed; the first damaged event named) and checkpoints kept outside the
//! database. Used by the HTTP routes and by `tinbao audit`.

use super::{actors, take_page};
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::db::DbConnection;
use crate::db::audit;
use crate::db::pool::in_transaction;
use crate::domain::audit::Filter;
use crate::domain::audit::{ChainCheck, Checkpoint, Damage, Stored};
use crate::error::ServiceError;
use crate::services::dto::cases::{DamagedView, EventView, VerifyView};
use crate::state::AppState;

/// How many events `verify` reads at a time.
const BATCH: i64 = 2_000;

/// What `verify` found.
#[derive(Debug)]
pub struct Verification {
    pub checked: u64,
    /// The damaged event with the lowest sequence number, and what is wrong with it.
    pub first_damaged: Option<(Stored, Damage)>,
    /// With a checkpoint: whether the trail up to it is as it was.
    pub checkpoint_matches: Option<bool>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.first_damaged.is_none() && self.checkpoint_matches != Some(false)
    }
}

/// Heads of every chain up to a sequence number, gathered while scanning.
struct Heads {
    upto: i64,
    events: u64,
    heads: Vec<(String, String, i64, String)>,
}

impl Heads {
    fn new(upto: i64) -> Self {
        Heads { upto, events: 0, heads: Vec::new() }
    }

    fn see(&mut self, stored: &Stored) {
        if stored.seq > self.upto {
            return;
        }
        self.events += 1;
        let e = &stored.event;
        let head = (e.object_type.clone(), e.object_id.clone(), e.position, stored.hash.clone());
        match self.heads.last_mut() {
            Some(last) if last.0 == head.0 && last.1 == head.1 => *last = head,
            _ => self.heads.push(head),
        }
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint::compute(
            self.upto,
            self.events,
            self.heads.iter().map(|(t, id, position, hash)| (t.as_str(), id.as_str(), *position, hash.as_str())),
        )
    }
}

/// Recomputes every chain, in batches; with `checkpoint`, also compares the heads as of
/// its sequence number.
pub fn verify(conn: &mut DbConnection, checkpoint: Option<&Checkpoint>) -> Result<Verification, ServiceError> {
    let mut check = ChainCheck::default();
    let mut heads = Heads::new(checkpoint.map_or(0, |c| c.upto_seq));
    let mut first_damaged: Option<(Stored, Damage)> = None;
    let mut damaged_object: Option<(String, String)> = None;
    let mut after: Option<(String, String, i64)> = None;
    loop {
        let batch = audit::scan(conn, after.as_ref(), BATCH)?;
        for stored in &batch {
            heads.see(stored);
            let object = (stored.event.object_type.clone(), stored.event.object_id.clone());
            let result = check.next(stored);
            // Only the first damage of each chain counts: what follows it in the same
            // chain is out of chain by consequence.
            if let Err(damage) = result
                && damaged_object.as_ref() != Some(&object)
            {
                damaged_object = Some(object);
                if first_damaged.as_ref().is_none_or(|(f, _)| stored.seq < f.seq) {
                    first_damaged = Some((stored.clone(), damage));
                }
            }
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => {
                after = Some((last.event.object_type.clone(), last.event.object_id.clone(), last.event.position));
            }
            _ => break,
        }
    }
    let checkpoint_matches = checkpoint.map(|c| heads.checkpoint() == *c);
    Ok(Verification { checked: check.checked, first_damaged, checkpoint_matches })
}

/// A checkpoint of the trail as it stands: every chain's head up to the newest settled event.
pub fn checkpoint(conn: &mut DbConnection) -> Result<Checkpoint, ServiceError> {
    let upto = in_transaction(conn, audit::settled_head)?;
    let mut heads = Heads::new(upto);
    let mut after: Option<(String, String, i64)> = None;
    loop {
        let batch = audit::scan(conn, after.as_ref(), BATCH)?;
        batch.iter().for_each(|s| heads.see(s));
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => {
                after = Some((last.event.object_type.clone(), last.event.object_id.clone(), last.event.position));
            }
            _ => break,
        }
    }
    Ok(heads.checkpoint())
}

/// The answer of `GET /api/v1/audit/verify`.
pub fn view(v: &Verification) -> VerifyView {
    VerifyView {
        intact: v.intact(),
        events_checked: v.checked,
        first_damaged: v.first_damaged.as_ref().map(|(s, damage)| DamagedView {
            seq: s.seq,
            object_type: s.event.object_type.clone(),
            object_id: s.event.object_id.clone(),
            position: s.event.position,
            problem: damage.as_str(),
        }),
        checkpoint_matches: v.checkpoint_matches,
    }
}

/// `GET /api/v1/audit/verify` and the console's verification, for auditors.
pub async fn verify_view(
    state: &AppState,
    caller: &Caller,
    checkpoint: Option<Checkpoint>,
) -> Result<VerifyView, ServiceError> {
    verify_trail(state, caller, checkpoint).await.map(|v| view(&v))
}

/// Every chain recomputed (and compared with `checkpoint`), for auditors; one
/// verification at a time per instance, since it reads the whole trail.
pub async fn verify_trail(
    state: &AppState,
    caller: &Caller,
    checkpoint: Option<Checkpoint>,
) -> Result<Verification, ServiceError> {
    authorize(caller, Action::ReadAuditTrail)?;
    let _turn = state.limits.audit_verification.enter()?;
    state.db.run(move |conn| verify(conn, checkpoint.as_ref())).await
}

/// What a reading of the trail asks for: the filters, where the previous page ended
/// (a sequence number), and how many events.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    pub filter: Filter,
    pub after: Option<i64>,
    pub limit: u32,
}

/// `GET /api/v1/audit` and the console's audit page, for auditors: events in sequence
/// order.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: AuditQuery,
) -> Result<(Vec<EventView>, Option<String>), ServiceError> {
    authorize(caller, Action::ReadAuditTrail)?;
    let AuditQuery { filter, after, limit } = query;
    state
        .db
        .run(move |conn| {
            if let Some(actor) = &filter.actor
                && actors::is_hidden_actor(conn, actor)?
            {
                return Ok((Vec::new(), None));
            }
            let rows = audit::list(conn, &filter, after, i64::from(limit) + 1)?;
            let (rows, next) = take_page(rows, limit, |r| r.seq.to_string());
            Ok((actors::shown(conn, rows)?, next))
        })
        .await
}
