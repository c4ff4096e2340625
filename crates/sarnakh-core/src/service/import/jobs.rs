//! Imports through the API, as jobs: a sales manager or admin uploads a file (kept in the
//! database in chunks, so any app instance can run the job), starts it with a mapping that
//! is checked against the file's header at once, and follows its progress. A background
//! worker (in the server) claims queued jobs with a lease renewed by heartbeats, so a job
//! whose instance died is resumed by another after [`LEASE`], from its last committed batch.

use super::ImportOutcome;
use crate::error::{Error, FieldError, Result};
use crate::import::{ImportReader, Mapping, ReaderOptions, RejectedRow};
use crate::service::{Actor, Services};
use crate::store::ImportJob;

/// Bytes per stored chunk of an uploaded file.
pub const IMPORT_CHUNK_BYTES: usize = 1024 * 1024;
/// Largest file accepted through the API (1 GiB).
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024 * 1024;
/// How long a worker's lease lasts without a heartbeat.
pub const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Jobs a list shows.
const LIST_LIMIT: u32 = 100;

/// Imports are for sales managers and admins; reading them needs no write right.
fn managers_only(actor: &Actor) -> Result<()> {
    actor
        .require_override()
        .map_err(|_| Error::Forbidden("only a sales manager or an admin may import".into()))
}

fn managers_write(actor: &Actor) -> Result<()> {
    actor.require_write()?;
    managers_only(actor)
}

/// The source digest of a job's import run.
pub fn job_digest(job: &ImportJob) -> String {
    format!("job:{}", job.id)
}

impl Services {
    /// Opens an upload: a job in state `uploaded` holding no bytes yet.
    pub async fn begin_import_upload(&self, actor: &Actor, file_name: &str) -> Result<ImportJob> {
        managers_write(actor)?;
        let name = file_name.trim();
        if name.is_empty() || name.chars().count() > 255 {
            return Err(Error::field(
                "file_name",
                "invalid",
                "give the file's name (1 to 255 characters)",
            ));
        }
        let now = self.now();
        let job = ImportJob {
            id: uuid::Uuid::now_v7(),
            file_name: name.to_owned(),
            bytes: 0,
            status: "uploaded".into(),
            entity: None,
            mapping: None,
            batch_size: u32::try_from(super::DEFAULT_BATCH).unwrap_or(1000),
            rows_total: None,
            error: None,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            run: None,
        };
        self.store.save_import_job(&job).await?;
        Ok(job)
    }

    /// Appends the next piece (at most [`IMPORT_CHUNK_BYTES`]) of an upload.
    pub async fn add_import_chunk(&self, job: &mut ImportJob, seq: u32, data: &[u8]) -> Result<()> {
        let bytes = job.bytes + data.len() as u64;
        if bytes > MAX_IMPORT_BYTES {
            return Err(Error::field(
                "file",
                "too_large",
                format!("the file is larger than {} MiB", MAX_IMPORT_BYTES >> 20),
            ));
        }
        self.store.append_import_chunk(job.id, seq, data).await?;
        job.bytes = bytes;
        Ok(())
    }

    /// Closes an upload and returns the file's header (read as comma-separated).
    pub async fn finish_import_upload(&self, job: &mut ImportJob) -> Result<Vec<String>> {
        job.updated_at = self.now();
        self.store.save_import_job(job).await?;
        self.import_header(job, ReaderOptions::default()).await
    }

    /// Marks a job failed and drops its file (but the first chunk, for the header).
    pub async fn fail_import_job(&self, job: &mut ImportJob, why: &str) -> Result<()> {
        job.status = "failed".into();
        job.error = Some(why.to_owned());
        job.updated_at = self.now();
        self.store.save_import_job(job).await?;
        self.store.trim_import_chunks(job.id).await?;
        Ok(())
    }

    /// The header of an uploaded file, read from its first chunk.
    async fn import_header(&self, job: &ImportJob, options: ReaderOptions) -> Result<Vec<String>> {
        let first = self
            .store
            .import_chunk(job.id, 0)
            .await?
            .unwrap_or_default();
        let reader = ImportReader::new(first.as_slice(), options)
            .map_err(|e| Error::field("file", "unreadable", e.to_string()))?;
        Ok(reader.header().to_vec())
    }

    /// Starts an uploaded job with a mapping (TOML or JSON text), checked against the
    /// file's header now; the worker then runs it.
    pub async fn start_import_job(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
        mapping_text: &str,
        batch_size: Option<u32>,
    ) -> Result<ImportJob> {
        managers_write(actor)?;
        let mut job = self.import_job(actor, id).await?;
        if job.status != "uploaded" {
            return Err(Error::Conflict(format!(
                "the import is already {}",
                job.status
            )));
        }
        let under = |errors: Vec<FieldError>| {
            Error::Validation(errors.into_iter().map(|e| e.under("mapping")).collect())
        };
        let mapping = Mapping::parse(mapping_text).map_err(under)?;
        let options = mapping.reader_options().map_err(under)?;
        let header = self.import_header(&job, options).await?;
        mapping.bind(&header).map_err(under)?;
        if let Some(size) = batch_size
            && !(1..=10_000).contains(&size)
        {
            return Err(Error::field(
                "batch_size",
                "out_of_range",
                "must be 1 to 10000",
            ));
        }
        job.entity = Some(mapping.entity.as_str().to_owned());
        job.mapping = Some(mapping_text.to_owned());
        job.batch_size = batch_size.unwrap_or(job.batch_size);
        job.status = "queued".into();
        job.updated_at = self.now();
        self.store.save_import_job(&job).await?;
        Ok(job)
    }

    /// One import job with its progress.
    pub async fn import_job(&self, actor: &Actor, id: uuid::Uuid) -> Result<ImportJob> {
        managers_only(actor)?;
        let job = self
            .store
            .import_jobs(Some(id), 1)
            .await?
            .into_iter()
            .next();
        job.ok_or_else(|| Error::not_found("import", id))
    }

    /// The newest import jobs.
    pub async fn list_import_jobs(&self, actor: &Actor) -> Result<Vec<ImportJob>> {
        managers_only(actor)?;
        Ok(self.store.import_jobs(None, LIST_LIMIT).await?)
    }

    /// A job's rejected rows so far, with the file's header (for the error CSV).
    pub async fn import_job_rejects(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
    ) -> Result<(Vec<String>, Vec<RejectedRow>)> {
        let job = self.import_job(actor, id).await?;
        let Some(run) = &job.run else {
            return Ok((Vec::new(), Vec::new()));
        };
        let header = match &job.mapping {
            Some(text) => {
                let options = Mapping::parse(text)
                    .ok()
                    .and_then(|m| m.reader_options().ok())
                    .unwrap_or_default();
                self.import_header(&job, options).await.unwrap_or_default()
            }
            None => Vec::new(),
        };
        Ok((header, self.store.import_rejects(run.id).await?))
    }

    /// Leases the next job to run to `worker`: a queued one, or one whose worker died.
    pub async fn claim_import_job(&self, worker: uuid::Uuid) -> Result<Option<ImportJob>> {
        let now = self.now();
        Ok(self
            .store
            .claim_import_job(worker, now, now - LEASE)
            .await?)
    }

    /// Renews the lease; false when another worker has taken the job over.
    pub async fn beat_import_job(&self, id: uuid::Uuid, worker: uuid::Uuid) -> Result<bool> {
        Ok(self.store.beat_import_job(id, worker, self.now()).await?)
    }

    /// One stored chunk of a job's file.
    pub async fn import_chunk(&self, id: uuid::Uuid, seq: u32) -> Result<Option<Vec<u8>>> {
        Ok(self.store.import_chunk(id, seq).await?)
    }

    /// Records the row count found before the run starts.
    pub async fn count_import_rows(&self, job: &mut ImportJob, rows: u64) -> Result<()> {
        job.rows_total = Some(rows);
        job.updated_at = self.now();
        Ok(self.store.save_import_job(job).await?)
    }

    /// Ends a job: finished (its file dropped but the first chunk, for the error file's
    /// header) or failed with the reason.
    pub async fn complete_import_job(
        &self,
        job: &mut ImportJob,
        outcome: &Result<ImportOutcome>,
    ) -> Result<()> {
        match outcome {
            Ok(_) => {
                job.status = "finished".into();
                job.updated_at = self.now();
                self.store.save_import_job(job).await?;
                self.store.trim_import_chunks(job.id).await?;
                Ok(())
            }
            Err(e) => self.fail_import_job(job, &e.to_string()).await,
        }
    }
}
