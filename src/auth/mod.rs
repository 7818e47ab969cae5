//! Identity and access: passwords, tokens, second factors, the caller, and the one
//! access policy that every route asks.

pub mod caller;
pub mod index_key;
pub mod key_files;
pub mod keyring;
pub mod password;
pub mod policy;
pub mod tokens;
pub mod totp;
