//! Queries of API import jobs (the job rows, their uploaded chunks, and the worker lease),
//! the same for both SQL stores; expanded by `shared_queries!` as module `import_jobs`.

/// Expands the import-job queries as an `impl $store` block in the calling store crate.
#[macro_export]
macro_rules! import_job_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod import_jobs {
        //! Import jobs: rows, chunks, lease.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::UserId;
        use sarnakh_core::store::{ImportJob, StoreError};
        use sqlx::Row;
        use uuid::Uuid;

        const JOB_COLUMNS: &str = "id, file_name, bytes, status, entity, mapping, batch_size, rows_total, error, created_by, created_at, updated_at";

        fn job_from(row: &<sqlx::$db as sqlx::Database>::Row) -> Result<ImportJob, StoreError> {
            let n = |c: &str| -> Result<Option<u64>, StoreError> {
                let v: Option<i64> = row.try_get(c).map_err(backend)?;
                Ok(v.map(|v| u64::try_from(v).unwrap_or(0)))
            };
            let by: Option<Uuid> = row.try_get("created_by").map_err(backend)?;
            Ok(ImportJob {
                id: row.try_get("id").map_err(backend)?,
                file_name: row.try_get("file_name").map_err(backend)?,
                bytes: n("bytes")?.unwrap_or(0),
                status: row.try_get("status").map_err(backend)?,
                entity: row.try_get("entity").map_err(backend)?,
                mapping: row.try_get("mapping").map_err(backend)?,
                batch_size: n("batch_size")?.and_then(|b| u32::try_from(b).ok()).unwrap_or(1000),
                rows_total: n("rows_total")?,
                error: row.try_get("error").map_err(backend)?,
                created_by: by.map(UserId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                run: None,
            })
        }

        fn int(n: u64) -> i64 {
            i64::try_from(n).unwrap_or(i64::MAX)
        }

        impl $store {
            pub(crate) async fn save_import_job_row(&self, j: &ImportJob) -> Result<(), StoreError> {
                sqlx::query(&format!("insert into import_jobs ({JOB_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    on conflict (id) do update set file_name = excluded.file_name, bytes = excluded.bytes, status = excluded.status, entity = excluded.entity,
                    mapping = excluded.mapping, batch_size = excluded.batch_size, rows_total = excluded.rows_total, error = excluded.error, updated_at = excluded.updated_at"))
                    .bind(j.id).bind(&j.file_name).bind(int(j.bytes)).bind(&j.status).bind(&j.entity).bind(&j.mapping)
                    .bind(i64::from(j.batch_size)).bind(j.rows_total.map(int)).bind(&j.error)
                    .bind(j.created_by.map(|u| u.as_uuid())).bind(j.created_at).bind(j.updated_at)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn append_import_chunk_row(&self, job: Uuid, seq: u32, data: &[u8]) -> Result<(), StoreError> {
                sqlx::query("insert into import_chunks (job_id, seq, data) values ($1, $2, $3)")
                    .bind(job).bind(i64::from(seq)).bind(data)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn import_chunk_row(&self, job: Uuid, seq: u32) -> Result<Option<Vec<u8>>, StoreError> {
                sqlx::query_scalar("select data from import_chunks where job_id = $1 and seq = $2")
                    .bind(job).bind(i64::from(seq))
                    .fetch_optional(&self.$read).await.map_err(backend)
            }

            pub(crate) async fn trim_import_chunk_rows(&self, job: Uuid) -> Result<(), StoreError> {
                sqlx::query("delete from import_chunks where job_id = $1 and seq > 0")
                    .bind(job).execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn import_job_rows(&self, id: Option<Uuid>, limit: u32) -> Result<Vec<ImportJob>, StoreError> {
                let rows = match id {
                    Some(id) => sqlx::query(&format!("select {JOB_COLUMNS} from import_jobs where id = $1"))
                        .bind(id).fetch_all(&self.$read).await,
                    None => sqlx::query(&format!("select {JOB_COLUMNS} from import_jobs order by created_at desc, id desc limit $1"))
                        .bind(i64::from(limit)).fetch_all(&self.$read).await,
                }
                .map_err(backend)?;
                let mut jobs = Vec::with_capacity(rows.len());
                for row in &rows {
                    let mut job = job_from(row)?;
                    if let Some(entity) = &job.entity {
                        let digest = format!("job:{}", job.id);
                        job.run = self.latest_import_run(entity, &digest).await?;
                    }
                    jobs.push(job);
                }
                Ok(jobs)
            }

            pub(crate) async fn claim_import_job_row(&self, worker: Uuid, now: DateTime<Utc>, stale_before: DateTime<Utc>) -> Result<Option<ImportJob>, StoreError> {
                // The outer condition repeats the inner one: on PostgreSQL a second worker
                // whose update waited on the first one's re-checks it and claims nothing.
                let sql = format!("update import_jobs set status = 'running', worker = $1, heartbeat_at = $2, updated_at = $2
                    where id = (select id from import_jobs where status = 'queued' or (status = 'running' and heartbeat_at < $3) order by created_at, id limit 1)
                    and (status = 'queued' or (status = 'running' and heartbeat_at < $3))
                    returning {JOB_COLUMNS}");
                let row = sqlx::query(&sql).bind(worker).bind(now).bind(stale_before)
                    .fetch_optional(&self.$write).await.map_err(backend)?;
                row.as_ref().map(job_from).transpose()
            }

            pub(crate) async fn beat_import_job_row(&self, job: Uuid, worker: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
                let done = sqlx::query("update import_jobs set heartbeat_at = $3 where id = $1 and worker = $2 and status = 'running'")
                    .bind(job).bind(worker).bind(now)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected() == 1)
            }
        }
        }
    };
}
