//! Background work of a serving instance: retraining the win model and recomputing lead
//! scores (behaviour points decay with time) on a schedule.
//!
//! Training is checked shortly after start and then every interval; rescoring first runs
//! one interval after start. Several instances on one
//! database are safe: training skips when the stored model is younger than the interval
//! (another instance just trained), and rescoring writes derived values only.

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
            return;
        }
    };
    if fresh {
        return;
    }
    match services.train_win_model(&Actor::SYSTEM).await {
        Ok(m) => tracing::info!(
            version = m.version,
            algorithm = m.model.algorithm.as_str(),
            examples = m.examples,
            auc_naive_bayes = m.naive_bayes.auc,
            auc_logistic = m.logistic.auc,
            "win model trained"
        ),
        Err(Error::InsufficientHistory(why)) => {
            tracing::info!("win model not trained: {why}");
        }
        Err(e) => tracing::warn!(error = %e, "win model job failed"),
    }
}

/// Recomputes every lead's score.
pub async fn rescore(services: &Services) {
    let started = std::time::Instant::now();
    match services.rescore_leads(&Actor::SYSTEM).await {
        Ok(count) => tracing::info!(
            leads = count,
            seconds = started.elapsed().as_secs_f64(),
            "lead scores recomputed"
        ),
        Err(e) => tracing::warn!(error = %e, "rescoring job failed"),
    }
}
