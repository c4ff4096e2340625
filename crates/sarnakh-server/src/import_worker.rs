//! The import worker of a serving instance: claims queued API imports (and ones whose
//! instance died, once their lease runs out), copies the uploaded file from the database
//! to a temporary file, counts its rows, and runs it through the same import as
//! `sarnakh import`, renewing the lease while it runs. Progress is the import run's, read
//! by `GET /api/v1/imports/{id}`.

use sarnakh_core::Error;
use sarnakh_core::import::{ImportReader, Mapping};
use sarnakh_core::service::{Actor, ImportOutcome, ImportSource, Services, job_digest};
use sarnakh_core::store::ImportJob;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinHandle;

/// Looks for work every `every`; stops when the runtime shuts down.
pub fn spawn(services: Services, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let worker = uuid::Uuid::now_v7();
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run_all(&services, worker).await;
        }
    })
}

/// Runs every job there is to claim, one after the other.
pub async fn run_all(services: &Services, worker: uuid::Uuid) {
    loop {
        match services.claim_import_job(worker).await {
            Ok(Some(job)) => run(services, worker, job).await,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not look for import jobs");
                return;
            }
        }
    }
}

async fn run(services: &Services, worker: uuid::Uuid, mut job: ImportJob) {
    tracing::info!(job = %job.id, file = %job.file_name, "import started");
    let beat = {
        let (services, id) = (services.clone(), job.id);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            loop {
                tick.tick().await;
                if !matches!(services.beat_import_job(id, worker).await, Ok(true)) {
                    tracing::warn!(job = %id, "lost the lease of an import job");
                }
            }
        })
    };
    let outcome = execute(services, &mut job).await;
    beat.abort();
    match &outcome {
        Ok(o) => {
            crate::metrics::import_rows(o.run.tally.read, o.run.tally.rejected);
            tracing::info!(job = %job.id, read = o.run.tally.read, rejected = o.run.tally.rejected, "import finished")
        }
        Err(e) => tracing::warn!(job = %job.id, error = %e, "import failed"),
    }
    if let Err(e) = services.complete_import_job(&mut job, &outcome).await {
        tracing::warn!(job = %job.id, error = %e, "could not record the end of an import");
    }
}

fn unreadable(e: impl std::fmt::Display) -> Error {
    Error::field("file", "unreadable", e.to_string())
}

async fn execute(services: &Services, job: &mut ImportJob) -> Result<ImportOutcome, Error> {
    let text = job.mapping.clone().unwrap_or_default();
    let mapping = Mapping::parse(&text).map_err(Error::Validation)?;
    let options = mapping.reader_options().map_err(Error::Validation)?;
    let path = spool(services, job).await?;
    let result = async {
        let count_path = path.clone();
        let count_options = options;
        let rows = tokio::task::spawn_blocking(move || -> Result<u64, Error> {
            let file = std::fs::File::open(&count_path).map_err(unreadable)?;
            let reader = ImportReader::new(std::io::BufReader::new(file), count_options)
                .map_err(unreadable)?;
            Ok(reader.count() as u64)
        })
        .await
        .map_err(unreadable)??;
        services.count_import_rows(job, rows).await?;
        let file = std::fs::File::open(&path).map_err(unreadable)?;
        let mut reader =
            ImportReader::new(std::io::BufReader::new(file), options).map_err(unreadable)?;
        let bound = mapping.bind(reader.header()).map_err(Error::Validation)?;
        let source = ImportSource {
            file_name: job.file_name.clone(),
            digest: job_digest(job),
        };
        let actor = job.created_by.map_or(Actor::SYSTEM, Actor::on_behalf_of);
        let batch = usize::try_from(job.batch_size).unwrap_or(1000);
        services
            .import(&actor, &mut reader, &bound, &source, batch, &mut |_| {})
            .await
    }
    .await;
    let _ = tokio::fs::remove_file(&path).await;
    result
}

/// Copies the job's chunks to a temporary file, one chunk in memory at a time.
async fn spool(services: &Services, job: &ImportJob) -> Result<PathBuf, Error> {
    let path = std::env::temp_dir().join(format!("sarnakh-import-{}.csv", job.id));
    let mut file = tokio::fs::File::create(&path).await.map_err(unreadable)?;
    let mut seq = 0;
    while let Some(chunk) = services.import_chunk(job.id, seq).await? {
        file.write_all(&chunk).await.map_err(unreadable)?;
        seq += 1;
    }
    file.flush().await.map_err(unreadable)?;
    Ok(path)
}
