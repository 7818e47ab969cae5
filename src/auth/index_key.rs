//! The server secret of keyed digests: throttle buckets, citizens' logins and the blind
//! index of anonymous tips are stored as HMAC-SHA256 under this key, not as plain hashes.
//! A phone number has about 10^9 values: a plain SHA-256 of one is reversed by trying them
//! all in minutes, so a database thief would read every digest; without the key file,
//! which lives outside the database, the digests say nothing.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::key_files::{read_private_file, write_private_file};
use crate::domain::secrets::hex;

/// The key of keyed digests.
pub struct IndexKey {
    /// Keyed once at load; each digest starts from a clone.
    mac: Hmac<Sha256>,
}

/// Where the key generated on a first start goes.
pub fn default_index_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("index-hmac.key")
}

impl IndexKey {
    /// Loads the key file (32 bytes, base64); with none configured, uses (and on a first
    /// start generates) `<data_dir>/keys/index-hmac.key`. Returns the path of a key it
    /// generated.
    pub fn load(file: Option<&Path>, data_dir: &Path) -> Result<(IndexKey, Option<PathBuf>), String> {
        let mut generated = None;
        let path = match file {
            Some(path) => path.to_owned(),
            None => {
                let path = default_index_key_path(data_dir);
                if !path.exists() {
                    let mut key = [0u8; 32];
                    rand::rngs::OsRng.fill_bytes(&mut key);
                    write_private_file(&path, format!("{}\n", STANDARD.encode(key)).as_bytes())?;
                    generated = Some(path.clone());
                }
                path
            }
        };
        let text = read_private_file(&path)?;
        let key: [u8; 32] = STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{}: must hold 32 bytes in base64", path.display()))?;
        let mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| format!("{}: not an HMAC key", path.display()))?;
        Ok((IndexKey { mac }, generated))
    }

    /// The keyed digest of `value` for one purpose, in hex. Purposes keep digests of the
    /// same value apart (a login's throttle bucket is not its lookup digest).
    pub fn digest(&self, purpose: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// The blind index that an anonymous tip of a signed-in citizen carries instead of the
    /// account's id: the server finds the account's tips by it, no one else can link them.
    pub fn owner_index(&self, user: uuid::Uuid) -> String {
        self.digest("tip-owner", &user.to_string())
    }

    /// The key of a throttling bucket: its kind, and a shortened keyed digest of what it
    /// counts (an address, a login), so that neither is stored as typed.
    pub fn bucket(&self, kind: &str, value: &str) -> String {
        format!("{kind}:{}", &self.digest(&format!("throttle:{kind}"), value)[..32])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_depend_on_the_key_and_the_purpose() {
        let dir = tempfile::tempdir().expect("dir");
        let (key, generated) = IndexKey::load(None, dir.path()).expect("key");
        assert!(generated.is_some());
        let (again, generated) = IndexKey::load(None, dir.path()).expect("key");
        assert!(generated.is_none());
        assert_eq!(key.digest("login", "0912345678"), again.digest("login", "0912345678"));
        assert_ne!(key.digest("login", "0912345678"), key.digest("tips", "0912345678"));
        assert_eq!(key.digest("login", "0912345678").len(), 64);
        let other = tempfile::tempdir().expect("dir");
        let (stranger, _) = IndexKey::load(None, other.path()).expect("key");
        assert_ne!(key.digest("login", "0912345678"), stranger.digest("login", "0912345678"));
        let bucket = key.bucket("addr", "203.0.113.9");
        assert!(bucket.starts_with("addr:") && !bucket.contains("203.0.113.9"));
    }
}
