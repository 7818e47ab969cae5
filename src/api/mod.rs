//! The JSON API's own parts: the page envelope and the translation of `validator`'s
//! findings. The records it sends and reads are the use cases' (`services::dto`).

pub mod page;
pub mod validate;
