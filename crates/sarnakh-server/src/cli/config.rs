//! `sarnakh config example` and `sarnakh config show`: the settings file's shape and the
//! effective settings with where each came from. Never prints a secret.

use crate::config::{Layered, example};
use clap::Subcommand;

/// The `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example sarnakh.toml with every setting at its default.
    Example,
    /// Print the effective settings and their sources (secrets redacted).
    Show,
}

/// Runs a `config` subcommand.
pub fn run(cmd: &ConfigCommand, layered: &Layered) {
    match cmd {
        ConfigCommand::Example => print!("{}", example()),
        ConfigCommand::Show => {
            let rows = layered.show();
            let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
            let value_width = rows.iter().map(|(_, v, _)| v.len()).max().unwrap_or(0);
            for (key, value, source) in rows {
                println!("{key:<width$}  {value:<value_width$}  ({source})");
            }
        }
    }
}
