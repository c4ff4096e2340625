//! `sarnakh stages show|set FILE`: print the pipeline's stages as a stage file, or save a
//! JSON or TOML stage file as the next version (with system rights; the same checks as the
//! settings page and the API). The format is in docs/PLAYBOOK.md.

use anyhow::Context;
use clap::Subcommand;
use sarnakh_core::domain::stage_settings::StageFile;
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Stage commands.
#[derive(Debug, Subcommand)]
pub enum StagesCommand {
    /// Print the stages in force as a JSON stage file.
    Show,
    /// Save FILE (.json or .toml) as the pipeline's next version.
    Set {
        /// The stage file.
        file: PathBuf,
    },
}

/// Runs a stage command.
pub async fn run(store: Arc<dyn Store>, cmd: StagesCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        StagesCommand::Show => {
            let settings = services
                .stage_settings(&Actor::SYSTEM)
                .await
                .map_err(super::explain)?;
            eprintln!("# pipeline version {}", settings.version);
            println!("{}", StageFile::of(&settings.stages).to_json());
        }
        StagesCommand::Set { file } => {
            let json = super::playbook::read_rules(&file)?;
            let parsed = StageFile::from_json(&json)
                .map_err(|e| anyhow::anyhow!("{}", e.message))
                .with_context(|| format!("{} is not a valid stage file", file.display()))?;
            let settings = services
                .set_stages(&Actor::SYSTEM, &parsed.stages, None)
                .await
                .map_err(super::explain)?;
            println!(
                "pipeline version {} is in force: {} stages",
                settings.version,
                settings.stages.len()
            );
        }
    }
    Ok(())
}
