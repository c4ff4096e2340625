//! `sarnakh jobs`: the log of scheduled job runs (retrain, rescore, snapshot, prune) of
//! every instance serving this database, newest first.

use clap::Args;
use sarnakh_core::service::{Actor, MAX_JOB_RUNS, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Options of `sarnakh jobs`.
#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only this job (`retrain`, `rescore`, `snapshot`, `prune`).
    #[arg(long)]
    pub job: Option<String>,
    /// How many runs to show.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
}

/// Prints the latest job runs.
pub async fn run(store: Arc<dyn Store>, args: &JobsArgs) -> anyhow::Result<()> {
    let services = Services::new(store);
    let runs = services
        .job_runs(
            &Actor::SYSTEM,
            args.job.as_deref(),
            args.limit.min(MAX_JOB_RUNS),
        )
        .await
        .map_err(super::explain)?;
    println!(
        "started (UTC)        seconds  job       outcome   instance                              detail"
    );
    for run in runs {
        let seconds = run
            .finished_at
            .map(|f| format!("{:.1}", (f - run.started_at).as_seconds_f64()))
            .unwrap_or_else(|| "-".into());
        println!(
            "{}  {:>7}  {:<8}  {:<8}  {}  {}",
            run.started_at.format("%Y-%m-%d %H:%M:%S"),
            seconds,
            run.name,
            run.outcome.as_deref().unwrap_or("running"),
            run.holder,
            run.detail.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
