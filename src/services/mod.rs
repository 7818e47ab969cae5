//! One function per use case. Each runs in one transaction on the blocking pool and
//! returns domain values; HTTP concerns stay in `routes`.

pub mod admin_units;
pub mod authorities;
pub mod imports;
pub mod seed;
