//! The keyring's life: which key seals how many values (`tinbao keys status`), rotation
//! (`tinbao keys rotate`: a new key, then every value re-sealed with it in batches while
//! the server runs), and each instance reading its keys again so that it seals with the
//! new key within a minute of a rotation (docs/decisions.md, "Keys rotate").

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::keyring::{Format, Keyring, Place, sealed_by};
use crate::db::pool::in_transaction;
use crate::db::sealed_columns::{self, SealedColumn};
use crate::db::{DbConnection, DbError};

/// How many values re-sealing rewrites per transaction: small enough that no lock is held
/// for long, large enough that a million values take minutes, not hours.
const BATCH: i64 = 500;

/// How often a running instance reads its keys again.
pub const RELOAD_EVERY: Duration = Duration::from_secs(60);

/// What one key seals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyUse {
    /// Values in the bound format.
    pub bound: i64,
    /// Values of the first format (no binding to their place).
    pub unbound: i64,
}

/// The keyring's state: each key id and what it seals, the keyring's keys first (the
/// sealing key at the head), then ids that values name but the keyring lacks.
#[derive(Debug, Clone)]
pub struct Status {
    pub sealing: String,
    pub keys: Vec<(String, KeyUse)>,
    pub missing: Vec<(String, KeyUse)>,
}

/// Counts the values each key seals, over every sealed column.
pub fn status(conn: &mut DbConnection, keyring: &Keyring) -> Result<Status, DbError> {
    let mut uses: BTreeMap<String, KeyUse> = BTreeMap::new();
    for column in sealed_columns::ALL {
        for counted in sealed_columns::count_by_prefix(conn, column)? {
            let Some((kid, format)) = sealed_by(&counted.prefix) else { continue };
            let entry = uses.entry(kid.to_owned()).or_default();
            match format {
                Format::Bound => entry.bound += counted.count,
                Format::Unbound => entry.unbound += counted.count,
            }
        }
    }
    let ids = keyring.key_ids();
    let keys = ids.iter().map(|id| (id.clone(), uses.remove(id).unwrap_or_default())).collect();
    Ok(Status { sealing: keyring.sealing_key_id(), keys, missing: uses.into_iter().collect() })
}

/// Refuses a keyring that lacks a key some stored value was sealed with: better no start
/// than a 500 at the first sign-in or reveal that meets the value.
pub fn require_every_key(conn: &mut DbConnection, keyring: &Keyring) -> Result<(), String> {
    let status = status(conn, keyring).map_err(|e| format!("cannot count the sealed values: {e}"))?;
    if status.missing.is_empty() {
        return Ok(());
    }
    let missing: Vec<String> =
        status.missing.iter().map(|(id, uses)| format!("{id} ({} values)", uses.bound + uses.unbound)).collect();
    Err(format!(
        "values in the database are sealed with keys that are not in the keyring: {}; give \
         TINBAO_ENCRYPTION_KEY_FILES (or <data_dir>/keys/) the key files they were sealed with",
        missing.join(", ")
    ))
}

/// What a rotation did.
#[derive(Debug, Clone, Default)]
pub struct Rotation {
    /// The key added to the generated keyring, if this rotation added one.
    pub added: Option<String>,
    /// Values re-sealed with the sealing key.
    pub resealed: u64,
    /// Values that changed while being re-sealed (another instance rewrote them): the
    /// next rotation re-seals them.
    pub skipped: u64,
}

/// Adds a key to the generated keyring (when `add_key`; a keyring listed by
/// `TINBAO_ENCRYPTION_KEY_FILES` gets its new key from the operator), then re-seals every
/// value not yet sealed with the sealing key in the bound format, a batch per transaction.
pub fn rotate(conn: &mut DbConnection, keyring: &Keyring, add_key: bool) -> Result<Rotation, String> {
    let mut rotation = Rotation::default();
    if add_key {
        rotation.added = Some(keyring.add_generated_key()?);
    }
    let current = format!("{}.", keyring.sealing_key_id());
    for column in sealed_columns::ALL {
        let mut after = String::new();
        loop {
            let (resealed, skipped, last) =
                in_transaction(conn, |conn| reseal_batch(conn, keyring, column, &current, &after)).map_err(|f| f.0)?;
            rotation.resealed += resealed;
            rotation.skipped += skipped;
            match last {
                Some(last) => after = last,
                None => break,
            }
        }
    }
    Ok(rotation)
}

/// Why a batch stopped: the message for the operator (its transaction is rolled back).
struct Failure(String);

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        Failure(e.to_string())
    }
}

/// Re-seals one batch of a column, after the row key `after`. Returns how many values it
/// re-sealed and skipped, and the last row key it saw (None when the column is done).
fn reseal_batch(
    conn: &mut DbConnection,
    keyring: &Keyring,
    column: SealedColumn,
    current: &str,
    after: &str,
) -> Result<(u64, u64, Option<String>), Failure> {
    let batch = sealed_columns::not_sealed_with(conn, column, current, after, BATCH)?;
    let (mut resealed, mut skipped) = (0, 0);
    for value in &batch {
        let place = Place { column: column.name, row: &value.row_key };
        let plain = keyring.open(&value.sealed, place).map_err(|why| {
            Failure(format!("{} of row {}: {why}; nothing after it was re-sealed", column.name, value.row_key))
        })?;
        let sealed = keyring.seal(&plain, place).map_err(Failure)?;
        if sealed_columns::replace(conn, column, &value.row_key, &value.sealed, &sealed)? {
            resealed += 1;
        } else {
            skipped += 1;
        }
    }
    Ok((resealed, skipped, batch.last().map(|v| v.row_key.clone())))
}

/// Reads the keys again every [`RELOAD_EVERY`] until the process ends, so that an
/// instance seals with a key another instance (or `tinbao keys rotate`) added.
pub async fn watch(keyring: Arc<Keyring>) {
    loop {
        tokio::time::sleep(RELOAD_EVERY).await;
        match keyring.reload() {
            Ok(true) => tracing::info!(key = %keyring.sealing_key_id(), "a new key seals values from now on"),
            Ok(false) => {}
            Err(why) => tracing::error!(%why, "the keyring cannot be read again; the keys read earlier stay in use"),
        }
    }
}
