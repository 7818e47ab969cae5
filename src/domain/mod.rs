//! Pure domain logic: no I/O, no database, no HTTP. Unit-tested in place.

pub mod admin_unit;
pub mod authority;
pub mod authority_csv;
pub mod csv_rows;
pub mod text;
pub mod unit_csv;
