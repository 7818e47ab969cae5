//! Integration tests: the real server over TCP, on SQLite and on PostgreSQL in one run.
//! One binary, so that one PostgreSQL cluster serves every test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod pg;
mod sms_gateway;

mod accounts;
mod admin_units;
mod audit;
mod authorities;
mod case_commands;
mod case_locks;
mod cases;
mod cli;
mod clients;
mod console;
mod console_admin;
mod console_audit;
mod console_case_forms;
mod console_matrix;
mod console_official;
mod console_overview;
mod contract;
mod conversations;
mod crash;
mod devices;
mod errors;
mod forged_tokens;
mod intake;
mod keys;
mod layers;
mod matrix;
mod mfa;
mod operations;
mod outage;
mod page_client;
mod pages;
mod registration;
mod reporter_privacy;
mod search;
mod security_events;
mod shared_limits;
