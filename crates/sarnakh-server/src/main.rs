//! The `sarnakh` binary.

use clap::Parser;
use sarnakh_server::cli::{Cli, run};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run(Cli::parse()).await
}
