//! The JSON shapes of requests and responses. Never diesel rows: these are the contract
//! that `openapi.yaml` documents.

pub mod accounts;
pub mod admin_units;
pub mod authorities;
pub mod cases;
pub mod clients;
pub mod page;
pub mod reports;
pub mod validate;
