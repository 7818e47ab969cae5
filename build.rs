//! Rebuilds the crate when a migration is added or changed: `embed_migrations!` reads
//! `migrations/` at compile time, but cargo watches only Rust sources, so a new migration
//! directory used to reach the binary only with the next change to the code.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
