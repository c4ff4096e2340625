//! `sarnakh backup`, `sarnakh restore` and `sarnakh check`: an online copy of the database,
//! putting one back, and the integrity checks. The store does the work; this module
//! parses, refuses to overwrite by accident, and reports.

use crate::store_url::{redact, restore};
use anyhow::{Context, bail};
use clap::Args;
use sarnakh_core::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Options of `sarnakh backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file).
    pub file: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `sarnakh restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to put back.
    pub file: PathBuf,
    /// Replace an existing database (stop Sarnakh first).
    #[arg(long)]
    pub force: bool,
}

/// Writes a consistent copy of the database to the file, even while Sarnakh serves.
pub async fn backup(store: Arc<dyn Store>, args: &BackupArgs) -> anyhow::Result<()> {
    if args.file.exists() && !args.force {
        bail!("{} exists; pass --force to replace it", args.file.display());
    }
    let started = std::time::Instant::now();
    store
        .backup_to(&args.file)
        .await
        .with_context(|| format!("could not back up to {}", args.file.display()))?;
    println!(
        "backed up to {} in {:.1} s",
        args.file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Replaces the configured database with a verified backup.
pub async fn run_restore(url: &str, args: &RestoreArgs) -> anyhow::Result<()> {
    restore(url, &args.file, args.force)
        .await
        .with_context(|| format!("could not restore {}", args.file.display()))?;
    println!("restored {} into {}", args.file.display(), redact(url));
    Ok(())
}

/// Runs the integrity checks; any finding makes the command fail.
pub async fn check(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let findings = store
        .check()
        .await
        .context("could not run the integrity checks")?;
    for f in &findings {
        println!("{f}");
    }
    if findings.is_empty() {
        println!("ok: no problems found");
        Ok(())
    } else {
        bail!("{} problem(s) found", findings.len())
    }
}
