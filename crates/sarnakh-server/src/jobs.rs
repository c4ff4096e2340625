//! Background work of a serving instance: retraining the win model, recomputing lead
//! scores (behaviour points decay with time), predicting open deals and taking forecast
//! snapshots on a schedule.
//!
//! Training is checked shortly after start and then every interval; rescoring first runs
//! one interval after start. Several instances on one
//! database are safe: training skips when the stored model is younger than the interval
//! (another instance just trained), and rescoring writes derived values only.

use crate::metrics::{Outcome, job_ran};
use chrono::Utc;
use sarnakh_core::Error;
use sarnakh_core::service::{Actor, Services};
use std::time::Duration;
use tokio::task::JoinHandle;

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
    /// Wait before the first training check, so start-up stays fast.
    pub first_run_after: Duration,
}

/// Starts the scheduled jobs; they stop when the runtime shuts down.
pub fn spawn(services: &Services, schedule: Schedule) -> Vec<JoinHandle<()>> {
    let mut jobs = Vec::new();
    if let Some(every) = schedule.retrain_every {
        let services = services.clone();
        jobs.push(tokio::spawn(repeat(
            schedule.first_run_after,
            every,
            move || {
                let services = services.clone();
                async move { retrain(&services, every).await }
            },
        )));
    }
    if let Some(every) = schedule.rescore_every {
        let services = services.clone();
        // A full rescore is heavy on a big database: the first waits a whole interval,
        // so restarts do not repeat it.
        jobs.push(tokio::spawn(repeat(every, every, move || {
            let services = services.clone();
            async move { rescore(&services).await }
        })));
    }
    if let Some(days) = schedule.snapshot_every_days {
        let services = services.clone();
        jobs.push(tokio::spawn(repeat(
            schedule.first_run_after,
            Duration::from_secs(3600),
            move || {
                let services = services.clone();
                async move { snapshot(&services, days).await }
            },
        )));
    }
    jobs
}

async fn repeat<F, Fut>(first: Duration, every: Duration, mut job: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    tokio::time::sleep(first).await;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        job().await;
    }
}

/// Trains a new win model unless the one in force is younger than `every`.
pub async fn retrain(services: &Services, every: Duration) {
    let fresh = match services.win_model().await {
        Ok(Some(m)) => (Utc::now() - m.trained_at)
            .to_std()
            .is_ok_and(|age| age < every),
        Ok(None) => false,
        Err(e) => {
            tracing::warn!(error = %e, "win model job: could not read the model in force");
            job_ran("retrain", Outcome::Failure);
            return;
        }
    };
    if fresh {
        return;
    }
    let outcome = match services.train_win_model(&Actor::SYSTEM).await {
        Ok(m) => {
            tracing::info!(
                version = m.version,
                algorithm = m.model.algorithm.as_str(),
                examples = m.examples,
                auc_naive_bayes = m.naive_bayes.auc,
                auc_logistic = m.logistic.auc,
                "win model trained"
            );
            Outcome::Success
        }
        Err(Error::InsufficientHistory(why)) => {
            tracing::info!("win model not trained: {why}");
            Outcome::Skipped
        }
        Err(e) => {
            tracing::warn!(error = %e, "win model job failed");
            Outcome::Failure
        }
    };
    let trained = matches!(outcome, Outcome::Success);
    job_ran("retrain", outcome);
    if trained {
        predict_deals(services).await;
    }
}

/// Stores every open deal's win probability from the model in force.
pub async fn predict_deals(services: &Services) {
    let started = std::time::Instant::now();
    let outcome = match services.predict_open_deals(&Actor::SYSTEM).await {
        Ok(deals) => {
            tracing::info!(
                deals,
                seconds = started.elapsed().as_secs_f64(),
                "open deals predicted"
            );
            Outcome::Success
        }
        Err(e) => {
            tracing::warn!(error = %e, "deal prediction job failed");
            Outcome::Failure
        }
    };
    job_ran("predict", outcome);
}

/// Recomputes every lead's score.
pub async fn rescore(services: &Services) {
    let started = std::time::Instant::now();
    let outcome = match services.rescore_leads(&Actor::SYSTEM).await {
        Ok(count) => {
            tracing::info!(
                leads = count,
                seconds = started.elapsed().as_secs_f64(),
                "lead scores recomputed"
            );
            Outcome::Success
        }
        Err(e) => {
            tracing::warn!(error = %e, "rescoring job failed");
            Outcome::Failure
        }
    };
    job_ran("rescore", outcome);
    predict_deals(services).await;
}

/// Takes a forecast snapshot when the latest is `every_days` days old or more (or there is
/// none). Instances sharing a database see each other's snapshots; two taking one on the
/// same day at once end with one (one per day is kept), the other logs the conflict.
pub async fn snapshot(services: &Services, every_days: u32) {
    let today = Utc::now().date_naive();
    let due = match services.forecast_snapshots().await {
        Ok(list) => list
            .last()
            .is_none_or(|s| (today - s.taken_on).num_days() >= i64::from(every_days)),
        Err(e) => {
            tracing::warn!(error = %e, "forecast snapshot job: could not list the snapshots");
            job_ran("snapshot", Outcome::Failure);
            return;
        }
    };
    if !due {
        return;
    }
    let outcome = match services.take_forecast_snapshot(&Actor::SYSTEM).await {
        Ok(s) => {
            tracing::info!(day = %s.taken_on, deals = s.deals, "forecast snapshot taken");
            Outcome::Success
        }
        Err(Error::Conflict(why)) => {
            tracing::info!("forecast snapshot taken by another instance: {why}");
            Outcome::Skipped
        }
        Err(e) => {
            tracing::warn!(error = %e, "forecast snapshot job failed");
            Outcome::Failure
        }
    };
    job_ran("snapshot", outcome);
}
