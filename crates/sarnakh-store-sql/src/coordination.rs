//! Queries of the coordination port (scheduled job claims, their run log, shared rate
//! buckets), the same for both SQL stores: `coordination_queries!` expands them as module
//! `coordination` with `impl CoordinationStore` in each store crate. The tables are in
//! migration `20261129000026_coordination.sql`; times are microseconds since 1970.

use chrono::{DateTime, Utc};

/// Microseconds since 1970 of `at`.
pub fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// The instant `micros` microseconds after 1970 (the epoch when out of range).
pub fn instant(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// Expands the coordination queries as module `coordination` in the calling store crate.
#[macro_export]
macro_rules! coordination_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod coordination {
        //! Scheduled job claims, the job run log and shared rate buckets.

        use super::{$store, backend};
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sarnakh_core::store::{CoordinationStore, JobClaim, JobRun, RateDecision, StoreResult};
        use sqlx::Row;
        use uuid::Uuid;
        use $crate::coordination::{instant, micros};

        #[async_trait]
        impl CoordinationStore for $store {
            async fn claim_job(&self, name: &str, holder: Uuid, now: DateTime<Utc>, every_micros: i64, lease_micros: i64) -> StoreResult<Option<JobClaim>> {
                let now = micros(now);
                let run_id = Uuid::now_v7();
                let mut tx = self.$write.begin().await.map_err(backend)?;
                sqlx::query("insert into scheduled_jobs (name) values ($1) on conflict (name) do nothing")
                    .bind(name).execute(&mut *tx).await.map_err(backend)?;
                // On PostgreSQL a second claimer whose update waited on the first re-checks
                // the condition against the new row and claims nothing.
                let claimed = sqlx::query("update scheduled_jobs set holder = $2, run_id = $3, lease_until = $4 + $6, last_started_at = $4
                    where name = $1 and (lease_until is null or lease_until <= $4)
                    and (last_started_at is null or last_started_at <= $4 - $5 or requested_at >= last_started_at)")
                    .bind(name).bind(holder).bind(run_id).bind(now).bind(every_micros).bind(lease_micros)
                    .execute(&mut *tx).await.map_err(backend)?;
                if claimed.rows_affected() == 0 {
                    return Ok(None);
                }
                sqlx::query("insert into job_runs (id, name, holder, started_at) values ($1, $2, $3, $4)")
                    .bind(run_id).bind(name).bind(holder).bind(now)
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)?;
                Ok(Some(JobClaim { run_id, name: name.to_owned() }))
            }

            async fn finish_job(&self, claim: &JobClaim, holder: Uuid, now: DateTime<Utc>, outcome: &str, detail: Option<&str>) -> StoreResult<()> {
                let now = micros(now);
                let mut tx = self.$write.begin().await.map_err(backend)?;
                sqlx::query("update job_runs set finished_at = $2, outcome = $3, detail = $4 where id = $1")
                    .bind(claim.run_id).bind(now).bind(outcome).bind(detail)
                    .execute(&mut *tx).await.map_err(backend)?;
                sqlx::query("update scheduled_jobs set lease_until = null, last_finished_at = $4, last_outcome = $5
                    where name = $1 and holder = $2 and run_id = $3")
                    .bind(&claim.name).bind(holder).bind(claim.run_id).bind(now).bind(outcome)
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            async fn request_job(&self, name: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("insert into scheduled_jobs (name, requested_at) values ($1, $2)
                    on conflict (name) do update set requested_at = $2")
                    .bind(name).bind(micros(now))
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            async fn job_runs(&self, name: Option<&str>, limit: u32) -> StoreResult<Vec<JobRun>> {
                let rows = sqlx::query("select id, name, holder, started_at, finished_at, outcome, detail from job_runs
                    where $1 is null or name = $1 order by started_at desc, id desc limit $2")
                    .bind(name).bind(i64::from(limit))
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(|row| {
                    let finished: Option<i64> = row.try_get("finished_at").map_err(backend)?;
                    Ok(JobRun {
                        id: row.try_get("id").map_err(backend)?,
                        name: row.try_get("name").map_err(backend)?,
                        holder: row.try_get("holder").map_err(backend)?,
                        started_at: instant(row.try_get("started_at").map_err(backend)?),
                        finished_at: finished.map(instant),
                        outcome: row.try_get("outcome").map_err(backend)?,
                        detail: row.try_get("detail").map_err(backend)?,
                    })
                }).collect()
            }

            async fn take_rate(&self, key: &str, now: DateTime<Utc>, interval_micros: i64, burst: u32) -> StoreResult<RateDecision> {
                let now = micros(now);
                let tolerance = interval_micros.saturating_mul(i64::from(burst.max(1) - 1));
                let counted = sqlx::query("insert into rate_buckets (key, tat) values ($1, $2 + $3)
                    on conflict (key) do update
                    set tat = (case when rate_buckets.tat > $2 then rate_buckets.tat else $2 end) + $3
                    where (case when rate_buckets.tat > $2 then rate_buckets.tat else $2 end) - $2 <= $4")
                    .bind(key).bind(now).bind(interval_micros).bind(tolerance)
                    .execute(&self.$write).await.map_err(backend)?;
                if counted.rows_affected() == 1 {
                    return Ok(RateDecision::Allowed);
                }
                let tat: i64 = sqlx::query_scalar("select tat from rate_buckets where key = $1")
                    .bind(key).fetch_one(&self.$write).await.map_err(backend)?;
                Ok(RateDecision::Limited { retry_after_micros: (tat - tolerance - now).max(1) })
            }

            async fn prune_coordination(&self, now: DateTime<Utc>, runs_before: DateTime<Utc>) -> StoreResult<u64> {
                let buckets = sqlx::query("delete from rate_buckets where tat < $1")
                    .bind(micros(now)).execute(&self.$write).await.map_err(backend)?;
                let runs = sqlx::query("delete from job_runs where started_at < $1 and finished_at is not null")
                    .bind(micros(runs_before)).execute(&self.$write).await.map_err(backend)?;
                Ok(buckets.rows_affected() + runs.rows_affected())
            }
        }
        }
    };
}
