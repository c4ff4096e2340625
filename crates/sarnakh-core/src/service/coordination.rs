//! Coordination of the instances serving one database: scheduled jobs run by one
//! instance per interval, shared request-rate limits, and the job run log operators read.

use super::Services;
use crate::error::{Error, Result};
use crate::policy::Actor;
use crate::store::{JobClaim, JobRun, RateDecision};
use std::time::Duration;
use uuid::Uuid;

/// Most runs `job_runs` returns.
pub const MAX_JOB_RUNS: u32 = 500;

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl Services {
    /// Claims scheduled job `name` for instance `holder` if it is due (`every` since its last
    /// start, or requested) and no other instance holds it; the claim lasts `lease` unless
    /// finished sooner. `None`: not due, or another instance has it.
    pub async fn claim_job(
        &self,
        name: &str,
        holder: Uuid,
        every: Duration,
        lease: Duration,
    ) -> Result<Option<JobClaim>> {
        Ok(self
            .store
            .claim_job(name, holder, self.now(), micros(every), micros(lease))
            .await?)
    }

    /// Logs the end of a claimed run and releases it.
    pub async fn finish_job(
        &self,
        claim: &JobClaim,
        holder: Uuid,
        outcome: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        Ok(self
            .store
            .finish_job(claim, holder, self.now(), outcome, detail)
            .await?)
    }

    /// The latest job runs, newest first (admins only).
    pub async fn job_runs(
        &self,
        actor: &Actor,
        name: Option<&str>,
        limit: u32,
    ) -> Result<Vec<JobRun>> {
        actor.require_admin()?;
        Ok(self.store.job_runs(name, limit.min(MAX_JOB_RUNS)).await?)
    }

    /// Counts one request against the shared bucket `key`: `per_second` sustained, up to
    /// `burst` at once. `Err(RateLimited)` with the whole seconds to wait when over.
    pub async fn take_rate(&self, key: &str, per_second: f64, burst: u32) -> Result<()> {
        let interval = (1_000_000.0 / per_second.max(1e-6)).round() as i64;
        match self
            .store
            .take_rate(key, self.now(), interval.max(1), burst)
            .await?
        {
            RateDecision::Allowed => Ok(()),
            RateDecision::Limited { retry_after_micros } => Err(Error::RateLimited {
                retry_after: u64::try_from((retry_after_micros + 999_999) / 1_000_000)
                    .unwrap_or(1)
                    .max(1),
            }),
        }
    }

    /// Deletes full rate buckets and finished job runs older than `keep_runs`; returns the
    /// rows deleted.
    pub async fn prune_coordination(&self, keep_runs: Duration) -> Result<u64> {
        let now = self.now();
        let before =
            now - chrono::Duration::from_std(keep_runs).unwrap_or(chrono::Duration::days(30));
        Ok(self.store.prune_coordination(now, before).await?)
    }
}
