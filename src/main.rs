//! The `tinbao` command. Everything lives in the library; see `tinbao::cli`.

use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    tinbao::cli::run().await
}
