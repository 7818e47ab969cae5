//! The JSON shapes of requests and responses. Never diesel rows: these are the contract
//! that `openapi.yaml` documents.

pub mod admin_units;
pub mod authorities;
pub mod page;
