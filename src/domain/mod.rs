//! Pure domain logic: no I/O, no database, no HTTP. Unit-tested in place.

pub mod account;
pub mod admin_unit;
pub mod audit;
pub mod authority;
pub mod authority_csv;
pub mod case;
pub mod client;
pub mod codes;
pub mod conversation;
pub mod csv_rows;
pub mod report;
pub mod routing;
pub mod secrets;
pub mod shape;
pub mod shipped_units;
pub mod staff_text;
pub mod submission;
pub mod text;
pub mod throttle;
pub mod unit_csv;
