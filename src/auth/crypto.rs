//! Encryption at rest for what must never be read from a stolen database: reporters'
//! names and phone numbers, and stored answers that hold receipt codes. AES-256-GCM with
//! a random 96-bit nonce per value; the key lives in a file, outside the database.

use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::key_files::write_private_file;
use crate::domain::secrets::hex;

/// The key that seals values.
pub struct Sealer {
    cipher: Aes256Gcm,
    /// Names the key in each sealed value, so that a future rotation can tell keys apart.
    kid: String,
}

/// Where the key generated on a first start goes.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("reporter-aes256.key")
}

impl Sealer {
    /// Loads the key file (32 bytes, base64); with none configured, uses (and on a first
    /// start generates) `<data_dir>/keys/reporter-aes256.key`. Returns the path of a key
    /// it generated.
    pub fn load(file: Option<&Path>, data_dir: &Path) -> Result<(Sealer, Option<PathBuf>), String> {
        let mut generated = None;
        let path = match file {
            Some(path) => path.to_owned(),
            None => {
                let path = default_key_path(data_dir);
                if !path.exists() {
                    generate(&path)?;
                    generated = Some(path.clone());
                }
                path
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot be read ({e})", path.display()))?;
        let bytes = STANDARD
            .decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| format!("{}: must hold 32 bytes in base64", path.display()))?;
        let kid = hex(&Sha256::digest(&bytes))[..8].to_owned();
        let cipher =
            Aes256Gcm::new_from_slice(&bytes).map_err(|_| format!("{}: not an AES-256 key", path.display()))?;
        Ok((Sealer { cipher, kid }, generated))
    }

    /// Seals a value: `kid:base64(nonce || ciphertext)`.
    pub fn seal(&self, plain: &str) -> Result<String, String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self.cipher.encrypt(&nonce, plain.as_bytes()).map_err(|_| "encryption failed".to_owned())?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!("{}:{}", self.kid, STANDARD.encode(out)))
    }

    /// Opens a sealed value.
    pub fn open(&self, sealed: &str) -> Result<String, String> {
        let (kid, body) = sealed.split_once(':').ok_or("not a sealed value")?;
        if kid != self.kid {
            return Err(format!("sealed with another key ({kid})"));
        }
        let bytes = STANDARD.decode(body).map_err(|_| "not a sealed value")?;
        if bytes.len() < 12 {
            return Err("not a sealed value".into());
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| "not a sealed value")?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| "the value was altered")?;
        String::from_utf8(plain).map_err(|_| "not text".into())
    }
}

fn generate(path: &Path) -> Result<(), String> {
    let key = Aes256Gcm::generate_key(&mut OsRng);
    write_private_file(path, format!("{}\n", STANDARD.encode(key)).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_unaltered_and_with_their_key() {
        let dir = tempfile::tempdir().expect("dir");
        let (sealer, generated) = Sealer::load(None, dir.path()).expect("key");
        assert!(generated.is_some());
        let sealed = sealer.seal("0912345678").expect("sealed");
        assert!(!sealed.contains("0912345678"));
        assert_ne!(sealer.seal("0912345678").expect("sealed"), sealed, "a fresh nonce each time");
        assert_eq!(sealer.open(&sealed).as_deref(), Ok("0912345678"));
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert!(sealer.open(&String::from_utf8(altered).expect("utf8")).is_err());
        let other = tempfile::tempdir().expect("dir");
        let (stranger, _) = Sealer::load(None, other.path()).expect("key");
        assert!(stranger.open(&sealed).is_err());
    }
}
