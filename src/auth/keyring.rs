//! Encryption at rest for what must never be read from a stolen database: reporters'
//! names and phone numbers, second-factor secrets, and stored answers that hold receipt
//! codes. AES-256-GCM with a random 96-bit nonce per value, under a keyring: the first key
//! seals, every key opens, so that a key can be replaced while the server runs
//! (`tinbao keys rotate`, docs/decisions.md).
//!
//! A sealed value is `<key id>.<base64(nonce || ciphertext)>`, and is bound to where it is
//! stored (column and row) as associated data: copied into another row, it no longer
//! opens, so a database writer cannot move one reporter's sealed phone under another tip.
//! Values sealed before keyrings (`<key id>:<…>`, the first format, with no binding) still
//! open, and `tinbao keys rotate` re-seals them in the bound format.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::key_files::{read_private_file, write_private_file};
use crate::domain::secrets::hex;

/// Where a sealed value is stored: the associated data it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// `table.column`, as in [`crate::db::sealed_columns`].
    pub column: &'static str,
    /// The row's key, as stored.
    pub row: &'a str,
}

/// How a sealed value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The first format: no binding to its place.
    Unbound,
    /// Bound to its column and row.
    Bound,
}

/// Splits a sealed value into its key id and format, without opening it.
pub fn sealed_by(sealed: &str) -> Option<(&str, Format)> {
    let (kid, rest) = sealed.split_at_checked(KEY_ID_LEN)?;
    match rest.as_bytes().first()? {
        b'.' => Some((kid, Format::Bound)),
        b':' => Some((kid, Format::Unbound)),
        _ => None,
    }
}

/// A key id is the start of the key's SHA-256, in hex: it names a key without revealing it.
const KEY_ID_LEN: usize = 8;

/// Where the keys come from.
#[derive(Debug, Clone)]
enum Source {
    /// `TINBAO_ENCRYPTION_KEY_FILES`: the operator's list, the first seals.
    Files(Vec<PathBuf>),
    /// The generated keyring in `<data_dir>/keys/`: the newest generation seals.
    Generated(PathBuf),
}

struct Keys {
    sealing: String,
    /// Key ids in the keyring's order (the sealing key first).
    ids: Vec<String>,
    ciphers: HashMap<String, Aes256Gcm>,
}

/// The keys that seal and open values at rest.
pub struct Keyring {
    source: Source,
    keys: RwLock<Keys>,
}

/// The first generated key, and the name keyrings before rotation used for their only key.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("reporter-aes256.key")
}

impl Keyring {
    /// Loads the listed key files (32 bytes each, base64); with none listed, the generated
    /// keyring in `<data_dir>/keys/`, generating its first key on a first start. Returns
    /// the path of a key it generated.
    pub fn load(files: &[PathBuf], data_dir: &Path) -> Result<(Keyring, Option<PathBuf>), String> {
        let mut generated = None;
        let source = if files.is_empty() {
            let first = default_key_path(data_dir);
            if !first.exists() {
                write_new_key(&first)?;
                generated = Some(first);
            }
            Source::Generated(data_dir.join("keys"))
        } else {
            Source::Files(files.to_vec())
        };
        let keys = read_keys(&source)?;
        Ok((Keyring { source, keys: RwLock::new(keys) }, generated))
    }

    /// Seals a value for its place, with the sealing key.
    pub fn seal(&self, plain: &str, place: Place<'_>) -> Result<String, String> {
        let keys = self.keys.read().map_err(|_| "keyring lock poisoned")?;
        let cipher = &keys.ciphers[&keys.sealing];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = associated_data(place);
        let sealed = cipher
            .encrypt(&nonce, Payload { msg: plain.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| "encryption failed".to_owned())?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!("{}.{}", keys.sealing, STANDARD.encode(out)))
    }

    /// Opens a value sealed for this place. A key id this instance has not met yet makes
    /// it read its keys again once: another instance may have rotated.
    pub fn open(&self, sealed: &str, place: Place<'_>) -> Result<String, String> {
        let (kid, format) = sealed_by(sealed).ok_or("not a sealed value")?;
        if !self.has_key(kid) {
            self.reload()?;
        }
        let keys = self.keys.read().map_err(|_| "keyring lock poisoned")?;
        let cipher =
            keys.ciphers.get(kid).ok_or_else(|| format!("sealed with key {kid}, which is not in the keyring"))?;
        let bytes = STANDARD.decode(&sealed[KEY_ID_LEN + 1..]).map_err(|_| "not a sealed value")?;
        let (nonce, ciphertext) = bytes.split_at_checked(12).ok_or("not a sealed value")?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| "not a sealed value")?;
        let aad = match format {
            Format::Bound => associated_data(place),
            Format::Unbound => String::new(),
        };
        let plain = cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: aad.as_bytes() })
            .map_err(|_| "the value was altered, or belongs to another place")?;
        String::from_utf8(plain).map_err(|_| "not text".into())
    }

    /// Whether a value is sealed as `seal` would seal it now (by the sealing key, bound).
    pub fn is_current(&self, sealed: &str) -> bool {
        let sealing = self.sealing_key_id();
        sealed_by(sealed) == Some((sealing.as_str(), Format::Bound))
    }

    /// The id of the key that seals.
    pub fn sealing_key_id(&self) -> String {
        self.keys.read().map(|k| k.sealing.clone()).unwrap_or_default()
    }

    /// Every key id, the sealing key's first.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys.read().map(|k| k.ids.clone()).unwrap_or_default()
    }

    fn has_key(&self, kid: &str) -> bool {
        self.keys.read().map(|k| k.ciphers.contains_key(kid)).unwrap_or(false)
    }

    /// Reads the keys again from where they came from. Returns whether the sealing key
    /// changed. A keyring that can no longer be read keeps the keys it had.
    pub fn reload(&self) -> Result<bool, String> {
        let fresh = read_keys(&self.source)?;
        let mut keys = self.keys.write().map_err(|_| "keyring lock poisoned")?;
        let changed = keys.sealing != fresh.sealing;
        *keys = fresh;
        Ok(changed)
    }

    /// Adds a new generation to the generated keyring; it seals from now on. Returns its
    /// id. A keyring listed by `TINBAO_ENCRYPTION_KEY_FILES` is the operator's to change.
    pub fn add_generated_key(&self) -> Result<String, String> {
        let Source::Generated(dir) = &self.source else {
            return Err("the keys are listed by TINBAO_ENCRYPTION_KEY_FILES: put a new key file first in that \
                        list and restart the instances; `tinbao keys rotate` then re-seals"
                .into());
        };
        let next = generations(dir)?.last().map_or(1, |(generation, _)| generation + 1);
        write_new_key(&dir.join(format!("reporter-aes256.{next}.key")))?;
        self.reload()?;
        Ok(self.sealing_key_id())
    }
}

fn associated_data(place: Place<'_>) -> String {
    format!("tinbao:{}:{}", place.column, place.row)
}

/// The generated keyring's files by generation: `reporter-aes256.key` is generation 0,
/// `reporter-aes256.N.key` generation N.
fn generations(dir: &Path) -> Result<Vec<(u32, PathBuf)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot be read ({e})", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let generation = match name.strip_prefix("reporter-aes256.").and_then(|rest| rest.strip_suffix(".key")) {
            Some("") => None,
            Some(n) => n.parse::<u32>().ok(),
            None if name == "reporter-aes256.key" => Some(0),
            None => None,
        };
        if let Some(generation) = generation {
            found.push((generation, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn read_keys(source: &Source) -> Result<Keys, String> {
    let files: Vec<PathBuf> = match source {
        Source::Files(files) => files.clone(),
        Source::Generated(dir) => generations(dir)?.into_iter().rev().map(|(_, path)| path).collect(),
    };
    let mut ids = Vec::new();
    let mut ciphers = HashMap::new();
    for path in &files {
        let text = read_private_file(path)?;
        let bytes = STANDARD
            .decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| format!("{}: must hold 32 bytes in base64", path.display()))?;
        let kid = hex(&Sha256::digest(&bytes))[..KEY_ID_LEN].to_owned();
        let cipher =
            Aes256Gcm::new_from_slice(&bytes).map_err(|_| format!("{}: not an AES-256 key", path.display()))?;
        if ciphers.insert(kid.clone(), cipher).is_none() {
            ids.push(kid);
        }
    }
    let sealing = ids.first().cloned().ok_or("the keyring holds no key")?;
    Ok(Keys { sealing, ids, ciphers })
}

fn write_new_key(path: &Path) -> Result<(), String> {
    let key = Aes256Gcm::generate_key(&mut OsRng);
    write_private_file(path, format!("{}\n", STANDARD.encode(key)).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Place<'static> = Place { column: "reporter_contacts.phone_sealed", row: "report-1" };

    #[test]
    fn sealed_values_open_only_unaltered_in_their_place_and_with_their_key() {
        let dir = tempfile::tempdir().expect("dir");
        let (keyring, generated) = Keyring::load(&[], dir.path()).expect("key");
        assert!(generated.is_some());
        let sealed = keyring.seal("0912345678", HERE).expect("sealed");
        assert!(!sealed.contains("0912345678"));
        assert_eq!(sealed_by(&sealed), Some((keyring.sealing_key_id().as_str(), Format::Bound)));
        assert_ne!(keyring.seal("0912345678", HERE).expect("sealed"), sealed, "a fresh nonce each time");
        assert_eq!(keyring.open(&sealed, HERE).as_deref(), Ok("0912345678"));
        let elsewhere = Place { row: "report-2", ..HERE };
        assert!(keyring.open(&sealed, elsewhere).is_err(), "moved to another row, it does not open");
        let other_column = Place { column: "reporter_contacts.name_sealed", ..HERE };
        assert!(keyring.open(&sealed, other_column).is_err());
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert!(keyring.open(&String::from_utf8(altered).expect("utf8"), HERE).is_err());
        let other = tempfile::tempdir().expect("dir");
        let (stranger, _) = Keyring::load(&[], other.path()).expect("key");
        assert!(stranger.open(&sealed, HERE).is_err());
    }

    #[test]
    fn values_of_the_first_format_still_open() {
        let dir = tempfile::tempdir().expect("dir");
        let (keyring, _) = Keyring::load(&[], dir.path()).expect("key");
        // As the first format wrote it: `kid:base64(nonce || ciphertext)`, no binding.
        let key = STANDARD.decode(std::fs::read_to_string(default_key_path(dir.path())).unwrap().trim()).unwrap();
        let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut body = nonce.to_vec();
        body.extend(cipher.encrypt(&nonce, b"0912345678".as_slice()).unwrap());
        let old = format!("{}:{}", keyring.sealing_key_id(), STANDARD.encode(body));
        assert_eq!(sealed_by(&old).map(|(_, f)| f), Some(Format::Unbound));
        assert_eq!(keyring.open(&old, HERE).as_deref(), Ok("0912345678"));
        assert!(!keyring.is_current(&old), "rotation re-seals it");
    }

    #[test]
    fn a_new_generation_seals_and_the_old_still_opens_even_on_another_instance() {
        let dir = tempfile::tempdir().expect("dir");
        let (first, _) = Keyring::load(&[], dir.path()).expect("key");
        let (second, _) = Keyring::load(&[], dir.path()).expect("the same keyring");
        let old_id = first.sealing_key_id();
        let old = first.seal("secret", HERE).expect("sealed");
        let new_id = first.add_generated_key().expect("rotated");
        assert_ne!(new_id, old_id);
        assert_eq!(first.key_ids(), vec![new_id.clone(), old_id.clone()]);
        let new = first.seal("secret", HERE).expect("sealed");
        assert!(new.starts_with(&new_id) && first.is_current(&new) && !first.is_current(&old));
        // The second instance meets the new key for the first time and reads it.
        assert_eq!(second.sealing_key_id(), old_id);
        assert_eq!(second.open(&new, HERE).as_deref(), Ok("secret"));
        assert_eq!(second.sealing_key_id(), new_id, "and seals with it from then on");
        assert_eq!(second.open(&old, HERE).as_deref(), Ok("secret"));
    }

    #[test]
    fn listed_files_seal_with_the_first_and_refuse_what_others_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let (a, b) = (dir.path().join("a.key"), dir.path().join("b.key"));
        write_new_key(&a).unwrap();
        write_new_key(&b).unwrap();
        let (keyring, generated) = Keyring::load(&[b.clone(), a.clone()], dir.path()).expect("keys");
        assert!(generated.is_none());
        assert_eq!(keyring.key_ids().len(), 2);
        assert!(keyring.add_generated_key().is_err(), "the operator's list is the operator's");
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = Keyring::load(&[b, a], dir.path()).err().expect("refused");
        assert!(refused.contains("a.key") && refused.contains("0644"), "{refused}");
    }
}
