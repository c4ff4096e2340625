//! `sarnakh-bench`: parses the options, runs the harness, prints a table or JSON.

use clap::Parser;
use sarnakh_bench::options::Options;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let opts = Options::parse();
    let report = match sarnakh_bench::run(&opts).await {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let json = match serde_json::to_string_pretty(&report) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("error: the report does not serialise: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &opts.json_out
        && let Err(e) = std::fs::write(path, &json)
    {
        eprintln!("error: writing {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    if opts.json {
        println!("{json}");
    } else {
        print!("{}", sarnakh_bench::report::table(&report));
    }
    ExitCode::SUCCESS
}
