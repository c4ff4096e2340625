//! `sarnakh playbook show|set` and `sarnakh scoring show|set`: read the qualification
//! playbook or the scoring rules in force, or save a new version from a JSON or TOML file
//! (formats in docs/PLAYBOOK.md).

use anyhow::Context;
use clap::Subcommand;
use sarnakh_core::domain::playbook::PlaybookRules;
use sarnakh_core::domain::scoring::ScoringRules;
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

/// Scoring rules commands.
#[derive(Debug, Subcommand)]
pub enum ScoringCommand {
    /// Print the scoring rules in force as JSON.
    Show,
    /// Save FILE (.json or .toml) as the next scoring rules version; every lead is rescored.
    Set {
        /// The rules file.
        file: PathBuf,
    },
}

/// Runs a scoring command.
pub async fn run_scoring(store: Arc<dyn Store>, cmd: ScoringCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        ScoringCommand::Show => {
            let (version, rules) = services.scoring().await.map_err(super::explain)?;
            println!("# scoring rules version {version}");
            println!("{}", rules.to_json());
        }
        ScoringCommand::Set { file } => {
            let json = read_rules(&file)?;
            let rules = ScoringRules::from_json(&json).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid scoring rules: {} ({})",
                    file.display(),
                    e.message,
                    e.field
                )
            })?;
            let (version, rescored) = services
                .set_scoring(&Actor::SYSTEM, rules)
                .await
                .map_err(super::explain)?;
            println!("scoring rules version {version} are in force; {rescored} leads rescored");
        }
    }
    Ok(())
}

/// A rules file as JSON text: `.toml` files are converted, anything else is read as JSON.
pub(super) fn read_rules(file: &std::path::Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        let value: toml::Value = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", file.display()))?;
        serde_json::to_string(&value).context("convert TOML to JSON")
    } else {
        Ok(text)
    }
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
            let json = read_rules(&file)?;
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
