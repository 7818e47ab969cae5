//! tinbao: the backend of a tip line for illegal border entry.
//!
//! Layers, each importing only those below it (`tests/api/layers.rs` checks it): the
//! faces (`routes` and `api`, the JSON API; `web`, the pages; `workers`; then `startup`,
//! `cli`) over `http` (what every face reads off a request), over `services` (one use
//! case, one transaction; `state`), over `auth` (and `config`, `limits`), over `db`
//! (diesel, both backends), over `domain` (pure rules), over `error`, `i18n`, `clock` and
//! `metrics`. Only `http` and the faces know HTTP.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod workers;
