//! Identity and access: passwords, tokens, second factors, the caller, and the one
//! access policy that every route asks.

pub mod caller;
pub mod crypto;
pub mod password;
pub mod policy;
pub mod secrets;
pub mod tokens;
pub mod totp;
