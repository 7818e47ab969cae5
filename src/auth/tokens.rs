//! Access tokens: JWTs signed with Ed25519 (EdDSA), ten minutes long, carrying ids only.
//!
//! Keys are PKCS#8 PEM files. The first configured key signs; every configured key
//! verifies, so a new key can be put first while tokens signed by the old one stay valid
//! until they expire. Each key's `kid` is derived from its public key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::key_files::{read_private_file, write_private_file};
use crate::domain::secrets::hex;

/// Who issues tokens.
pub const ISSUER: &str = "tinbao";
/// Who accepts them.
pub const AUDIENCE: &str = "tinbao-api";
/// The `typ` header of access tokens (RFC 9068).
pub const TOKEN_TYPE: &str = "at+jwt";
/// How long an access token lives.
pub const ACCESS_TOKEN_SECS: i64 = 600;
/// Clock skew tolerated when checking `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;

/// What an access token says. Ids only: nothing personal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The account's or client's id.
    pub sub: String,
    /// The session the token belongs to; checked on every request.
    pub sid: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// The signing key and every verifying key.
pub struct Keys {
    signing_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
}

/// Where the key generated on a first start goes.
pub fn default_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("jwt-ed25519.pem")
}

impl Keys {
    /// Loads the key files; with none configured, uses (and on a first start generates)
    /// `<data_dir>/keys/jwt-ed25519.pem`. Returns the path of a key it generated.
    pub fn load(files: &[PathBuf], data_dir: &Path) -> Result<(Keys, Option<PathBuf>), String> {
        let mut generated = None;
        let files: Vec<PathBuf> = if files.is_empty() {
            let path = default_key_path(data_dir);
            if !path.exists() {
                generate(&path)?;
                generated = Some(path.clone());
            }
            vec![path]
        } else {
            files.to_vec()
        };
        let mut keys: Option<Keys> = None;
        for file in &files {
            let pem = read_private_file(file)?;
            let signing = SigningKey::from_pkcs8_pem(&pem)
                .map_err(|_| format!("{}: is not an Ed25519 private key in PKCS#8 PEM form", file.display()))?;
            let public = signing.verifying_key();
            let kid = hex(&Sha256::digest(public.as_bytes()))[..16].to_owned();
            let decoding = DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(public.as_bytes()))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            match &mut keys {
                None => {
                    let encoding =
                        EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|e| format!("{}: {e}", file.display()))?;
                    keys = Some(Keys {
                        signing_kid: kid.clone(),
                        signing: encoding,
                        verifying: HashMap::from([(kid, decoding)]),
                    });
                }
                Some(keys) => {
                    keys.verifying.insert(kid, decoding);
                }
            }
        }
        keys.map(|k| (k, generated)).ok_or_else(|| "no signing key".to_owned())
    }

    /// Signs an access token for `sub` in session `sid`, valid from `now`.
    pub fn issue(&self, sub: &str, sid: &str, now: i64) -> Result<String, String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(TOKEN_TYPE.to_owned());
        header.kid = Some(self.signing_kid.clone());
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: sub.to_owned(),
            sid: sid.to_owned(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TOKEN_SECS,
        };
        jsonwebtoken::encode(&header, &claims, &self.signing).map_err(|e| e.to_string())
    }

    /// Checks a token's header, signature and claims. The session it names is checked
    /// by the caller extractor.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(TOKEN_TYPE) {
            return None;
        }
        let key = self.verifying.get(header.kid.as_deref()?)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "aud", "iss", "sub"]);
        jsonwebtoken::decode::<Claims>(token, key, &validation).ok().map(|data| data.claims)
    }
}

/// Writes a new Ed25519 key, readable by its owner only.
pub fn generate(path: &Path) -> Result<(), String> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| format!("cannot encode a key: {e}"))?;
    write_private_file(path, pem.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_key_and_a_rotated_key_still_verifies() {
        let dir = tempfile::tempdir().expect("dir");
        let (old, generated) = Keys::load(&[], dir.path()).expect("generated");
        assert_eq!(generated, Some(default_key_path(dir.path())));
        let now = chrono::Utc::now().timestamp();
        let token = old.issue("user-1", "session-1", now).expect("signed");
        assert_eq!(old.verify(&token).map(|c| c.sid), Some("session-1".to_owned()));

        let new_key = dir.path().join("new.pem");
        generate(&new_key).expect("key");
        let (rotated, generated) = Keys::load(&[new_key, default_key_path(dir.path())], dir.path()).expect("both");
        assert_eq!(generated, None);
        assert!(rotated.verify(&token).is_some(), "tokens of the old key stay valid");
        let fresh = rotated.issue("user-1", "session-2", now).expect("signed");
        assert!(old.verify(&fresh).is_none(), "the new key signs");
        assert!(rotated.verify(&fresh).is_some());
    }
}
