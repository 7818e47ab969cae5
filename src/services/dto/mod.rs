//! What the use cases take and give back, as plain records. Every face reads and renders
//! the same records, so that the JSON API and the pages share one vocabulary, field paths
//! included: the JSON API serialises them as they are (`openapi.yaml` documents them),
//! the pages will fill their templates from them. Domain values stay in `domain`; these
//! are the views of them that a use case answers with.

pub mod accounts;
pub mod admin_units;
pub mod authorities;
pub mod cases;
pub mod clients;
pub mod reports;
