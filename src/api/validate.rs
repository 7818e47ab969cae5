//! The API's bodies are checked by the use cases' own rules (`services::validation`);
//! routes that read a body the use case does not take whole still check it here.

pub use crate::services::validation::{check, field_errors};
