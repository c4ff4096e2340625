//! The `sarnakh` binary.

use clap::Parser;
use sarnakh_server::cli::{Cli, run};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, for a person; no backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
