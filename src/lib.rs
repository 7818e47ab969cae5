//! tinbao: the backend of a tip line for illegal border entry.
//!
//! Layers, each depending only on those below it:
//! `routes` (HTTP) → `services` (one use case, one transaction) → `domain` (pure rules),
//! with `db` (diesel, both backends) underneath and `api` holding the JSON shapes.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod middleware;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
