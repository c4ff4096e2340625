//! Background work of a serving instance: retraining the win model, recomputing lead
//! scores (behaviour points decay with time), predicting open deals, taking forecast
//! snapshots and pruning spent coordination rows, on a schedule.
//!
//! Many instances on one database run each job once per interval between them: every
//! instance checks each job often (at most every minute) and runs it only after claiming
//! it in the database ([`Services::claim_job`]): the claim succeeds for one instance
//! once the interval since the last start has passed, or when a run was requested (the
//! scoring rules changed). A claim is a lease: if its instance dies mid-run, another
//! takes the job over when the lease runs out. Every run is logged (`sarnakh jobs`).

use crate::metrics::{Outcome, job_ran};
use chrono::Utc;
use sarnakh_core::Error;
use sarnakh_core::service::{Actor, Services};
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How often each job runs; `None` turns it off.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Retrain the win model.
    pub retrain_every: Option<Duration>,
    /// Recompute every lead's score.
    pub rescore_every: Option<Duration>,
    /// Days between forecast snapshots (checked hourly; the first check comes shortly
    /// after start).
    pub snapshot_every_days: Option<u32>,
    /// Wait before the first check, so start-up stays fast.
    pub first_run_after: Duration,
}

/// How long a claim holds a job before another instance may take it over: longer than
/// any run takes (a full rescore of a million leads takes minutes).
const LEASE: Duration = Duration::from_secs(6 * 3600);

/// Finished runs kept in the log.
const KEEP_RUNS: Duration = Duration::from_secs(30 * 24 * 3600);

/// One scheduled job: its name, interval and work.
struct Job {
    name: &'static str,
    every: Duration,
}

/// Starts the scheduled jobs as instance `instance`; they stop when the runtime shuts
/// down.
pub fn spawn(services: &Services, schedule: Schedule, instance: Uuid) -> Vec<JoinHandle<()>> {
    let mut jobs = Vec::new();
    let first = schedule.first_run_after;
    if let Some(every) = schedule.retrain_every {
        jobs.push(scheduled(
            services,
            instance,
            first,
            Job {
                name: "retrain",
                every,
            },
            move |s| async move { retrain(&s, every).await },
        ));
    }
    if let Some(every) = schedule.rescore_every {
        jobs.push(scheduled(
            services,
            instance,
            first,
            Job {
                name: "rescore",
                every,
            },
            |s| async move { rescore(&s).await },
        ));
    }
    if let Some(days) = schedule.snapshot_every_days {
        let hour = Duration::from_secs(3600);
        jobs.push(scheduled(
            services,
            instance,
            first,
            Job {
                name: "snapshot",
                every: hour,
            },
            move |s| async move { snapshot(&s, days).await },
        ));
    }
    let hour = Duration::from_secs(3600);
    jobs.push(scheduled(
        services,
        instance,
        first,
        Job {
            name: "prune",
            every: hour,
        },
        |s| async move { prune(&s).await },
    ));
    jobs
}

/// Checks `job` every `min(every, 1 min)` after `first`, running `work` whenever this
/// instance claims it, and logs each run's outcome.
fn scheduled<F, Fut>(
    services: &Services,
    instance: Uuid,
    first: Duration,
    job: Job,
    work: F,
) -> JoinHandle<()>
where
    F: Fn(Services) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (Outcome, String)> + Send,
{
    let services = services.clone();
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        let mut tick = tokio::time::interval(job.every.min(Duration::from_secs(60)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_once(&services, instance, &job, &work).await;
        }
    })
}

/// Claims and runs `job` once if it is due; whether it ran.
async fn run_once<F, Fut>(services: &Services, instance: Uuid, job: &Job, work: &F) -> bool
where
    F: Fn(Services) -> Fut,
    Fut: Future<Output = (Outcome, String)>,
{
    let claim = match services
        .claim_job(job.name, instance, job.every, LEASE)
        .await
    {
        Ok(Some(claim)) => claim,
        Ok(None) => return false,
        Err(e) => {
            tracing::warn!(job = job.name, error = %e, "could not claim a scheduled job");
            return false;
        }
    };
    let (outcome, detail) = work(services.clone()).await;
    job_ran(job.name, outcome);
    let label = match outcome {
        Outcome::Success => "success",
        Outcome::Skipped => "skipped",
        Outcome::Failure => "failure",
    };
    if let Err(e) = services
        .finish_job(&claim, instance, label, Some(&detail))
        .await
    {
        tracing::warn!(job = job.name, error = %e, "could not log the end of a job run");
    }
    true
}

/// Trains a new win model, then predicts the open deals with it, unless the model in
/// force is younger than `every` (trained on demand, or by the demo, since the last run).
pub async fn retrain(services: &Services, every: Duration) -> (Outcome, String) {
    match services.win_model().await {
        Ok(Some(m))
            if (Utc::now() - m.trained_at)
                .to_std()
                .is_ok_and(|age| age < every) =>
        {
            return (Outcome::Skipped, format!("model {} is recent", m.version));
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "win model job: could not read the model in force");
            return (Outcome::Failure, e.to_string());
        }
    }
    match services.train_win_model(&Actor::SYSTEM).await {
        Ok(m) => {
            tracing::info!(
                version = m.version,
                algorithm = m.model.algorithm.as_str(),
                examples = m.examples,
                auc_naive_bayes = m.naive_bayes.auc,
                auc_logistic = m.logistic.auc,
                "win model trained"
            );
            let predicted = predict_deals(services).await;
            (
                Outcome::Success,
                format!(
                    "model {} ({}, {} examples); {predicted}",
                    m.version,
                    m.model.algorithm.as_str(),
                    m.examples
                ),
            )
        }
        Err(Error::InsufficientHistory(why)) => {
            tracing::info!("win model not trained: {why}");
            (Outcome::Skipped, why)
        }
        Err(e) => {
            tracing::warn!(error = %e, "win model job failed");
            (Outcome::Failure, e.to_string())
        }
    }
}

/// Stores every open deal's win probability from the model in force; says what it did.
pub async fn predict_deals(services: &Services) -> String {
    let started = std::time::Instant::now();
    let (outcome, said) = match services.predict_open_deals(&Actor::SYSTEM).await {
        Ok(deals) => {
            tracing::info!(
                deals,
                seconds = started.elapsed().as_secs_f64(),
                "open deals predicted"
            );
            (Outcome::Success, format!("{deals} open deals predicted"))
        }
        Err(e) => {
            tracing::warn!(error = %e, "deal prediction job failed");
            (Outcome::Failure, format!("deal prediction failed: {e}"))
        }
    };
    job_ran("predict", outcome);
    said
}

/// Recomputes every lead's score, then predicts the open deals.
pub async fn rescore(services: &Services) -> (Outcome, String) {
    let started = std::time::Instant::now();
    // Each batch is followed by a wait as long as it took: the run takes about twice as long
    // and uses about half the processor time it would, which requests served meanwhile get.
    let paced = services.rescore_leads_paced(&Actor::SYSTEM, tokio::time::sleep);
    match paced.await {
        Ok(count) => {
            tracing::info!(
                leads = count,
                seconds = started.elapsed().as_secs_f64(),
                "lead scores recomputed"
            );
            let predicted = predict_deals(services).await;
            (
                Outcome::Success,
                format!("{count} leads rescored; {predicted}"),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "rescoring job failed");
            (Outcome::Failure, e.to_string())
        }
    }
}

/// Takes a forecast snapshot when the latest is `every_days` days old or more (or there is
/// none). The job's claim keeps instances from taking one at once; were two to try the
/// same day anyway, one per day is kept and the other logs the conflict.
pub async fn snapshot(services: &Services, every_days: u32) -> (Outcome, String) {
    let today = Utc::now().date_naive();
    let due = match services.forecast_snapshots().await {
        Ok(list) => list
            .last()
            .is_none_or(|s| (today - s.taken_on).num_days() >= i64::from(every_days)),
        Err(e) => {
            tracing::warn!(error = %e, "forecast snapshot job: could not list the snapshots");
            return (Outcome::Failure, e.to_string());
        }
    };
    if !due {
        return (Outcome::Skipped, "the latest snapshot is recent".into());
    }
    match services.take_forecast_snapshot(&Actor::SYSTEM).await {
        Ok(s) => {
            tracing::info!(day = %s.taken_on, deals = s.deals, "forecast snapshot taken");
            (
                Outcome::Success,
                format!("snapshot of {} with {} deals", s.taken_on, s.deals),
            )
        }
        Err(Error::Conflict(why)) => {
            tracing::info!("forecast snapshot taken by another instance: {why}");
            (Outcome::Skipped, why)
        }
        Err(e) => {
            tracing::warn!(error = %e, "forecast snapshot job failed");
            (Outcome::Failure, e.to_string())
        }
    }
}

/// Deletes full rate buckets, job runs older than a month and mail log rows past their use.
pub async fn prune(services: &Services) -> (Outcome, String) {
    let pruned = async {
        let spent = services.prune_coordination(KEEP_RUNS).await?;
        let mails = services.prune_mail_log().await?;
        Ok::<_, sarnakh_core::Error>((spent, mails))
    };
    match pruned.await {
        Ok((spent, mails)) => (
            Outcome::Success,
            format!("{spent} spent rows and {mails} old mail log rows deleted"),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "pruning job failed");
            (Outcome::Failure, e.to_string())
        }
    }
}
