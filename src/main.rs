//! The `tinbao` command. Everything lives in the library; see `tinbao::cli`.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: see docs/decisions.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    tinbao::cli::run().await
}
