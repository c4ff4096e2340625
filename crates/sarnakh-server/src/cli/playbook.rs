//! `sarnakh playbook show|set`: read the qualification playbook in force, or save a new
//! version from a JSON or TOML file (format in docs/PLAYBOOK.md).

use anyhow::Context;
use clap::Subcommand;
use sarnakh_core::domain::playbook::PlaybookRules;
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Playbook commands.
#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// Print the playbook in force as JSON.
    Show,
    /// Save FILE (.json or .toml) as the next playbook version.
    Set {
        /// The playbook file.
        file: PathBuf,
    },
}

/// Runs a playbook command.
pub async fn run(store: Arc<dyn Store>, cmd: PlaybookCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        PlaybookCommand::Show => {
            let playbook = services.playbook().await.map_err(super::explain)?;
            println!("# playbook version {}", playbook.version);
            println!("{}", playbook.rules.to_json());
        }
        PlaybookCommand::Set { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let json = if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
            {
                let value: toml::Value = toml::from_str(&text)
                    .with_context(|| format!("{} is not valid TOML", file.display()))?;
                serde_json::to_string(&value).context("convert TOML to JSON")?
            } else {
                text
            };
            let rules = PlaybookRules::from_json(&json).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not a valid playbook: {} ({})",
                    file.display(),
                    e.message,
                    e.field
                )
            })?;
            let saved = services
                .set_playbook(&Actor::SYSTEM, rules)
                .await
                .map_err(super::explain)?;
            println!("playbook version {} is in force", saved.version);
        }
    }
    Ok(())
}
