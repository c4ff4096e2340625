//! The coordination port: what several `sarnakh serve` instances on one database must
//! share so that they behave as one — scheduled jobs that run once per interval whichever
//! instance gets there first, and request-rate buckets counted across instances.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A scheduled job's claim: which run this is and until when it is held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobClaim {
    /// The run's id (one row in the run log).
    pub run_id: Uuid,
    /// The job.
    pub name: String,
}

/// One run of a scheduled job, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    /// The run's id.
    pub id: Uuid,
    /// The job.
    pub name: String,
    /// The instance that ran it.
    pub holder: Uuid,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended (`None` while running, or if its instance died).
    pub finished_at: Option<DateTime<Utc>>,
    /// `success`, `failure` or `skipped`; `None` while running.
    pub outcome: Option<String>,
    /// A line for the operator (counts, the error).
    pub detail: Option<String>,
}

/// Whether a request may go ahead under a shared rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Counted; go ahead.
    Allowed,
    /// Over the limit; the next request would be counted after this many microseconds.
    Limited {
        /// Wait before retrying, in microseconds.
        retry_after_micros: i64,
    },
}

/// Shared state of the instances serving one database.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// Claims job `name` for instance `holder` when it is due and nobody holds it: its last
    /// run started `every_micros` or more before `now` (or it never ran, or a run was
    /// requested since its last start), and no live lease exists (a lease ends at
    /// `lease_micros` after the claim, or when the run finishes). The claim is one atomic
    /// statement, so of several instances claiming at once exactly one gets it. Logs the
    /// start of the run.
    async fn claim_job(
        &self,
        name: &str,
        holder: Uuid,
        now: DateTime<Utc>,
        every_micros: i64,
        lease_micros: i64,
    ) -> StoreResult<Option<JobClaim>>;

    /// Ends a claimed run: logs its outcome and releases the lease. A run whose lease was
    /// taken over meanwhile is still logged; the lease then stays with its new holder.
    async fn finish_job(
        &self,
        claim: &JobClaim,
        holder: Uuid,
        now: DateTime<Utc>,
        outcome: &str,
        detail: Option<&str>,
    ) -> StoreResult<()>;

    /// Asks for a run of `name` as soon as an instance checks it, whatever its schedule
    /// (the scoring rules changed: every lead needs rescoring).
    async fn request_job(&self, name: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// The latest runs, newest first, of one job or of every job.
    async fn job_runs(&self, name: Option<&str>, limit: u32) -> StoreResult<Vec<JobRun>>;

    /// Counts one request against bucket `key` with the generic cell rate algorithm: one
    /// request every `interval_micros` sustained, and up to `burst` at once. One atomic
    /// statement, so instances sharing the database share the bucket exactly.
    async fn take_rate(
        &self,
        key: &str,
        now: DateTime<Utc>,
        interval_micros: i64,
        burst: u32,
    ) -> StoreResult<RateDecision>;

    /// Deletes rate buckets that are full again (their state equals a missing row) and
    /// finished runs that started before `runs_before`; returns the rows deleted.
    async fn prune_coordination(
        &self,
        now: DateTime<Utc>,
        runs_before: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
