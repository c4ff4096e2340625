//! Importing another CRM's CSV export (leads, accounts, contacts, opportunities,
//! activities): rows stream from the reader, convert with the mapping, and are written in
//! batches, each batch committed together with the run's progress and its rejected rows. A
//! run killed at any moment leaves a consistent database, and the same file and mapping
//! resume after the last committed batch. Rows are matched to existing records by the
//! other CRM's id (or by email, or for accounts by name, as the entity allows): a match is
//! updated or left unchanged, never duplicated. References between files use external ids.
//!
//! This module drives a run; `leads`, `people` (accounts, contacts) and `deals`
//! (opportunities, activities) place each entity's rows.

mod deals;
mod jobs;
mod leads;
mod people;

pub use jobs::{IMPORT_CHUNK_BYTES, LEASE, MAX_IMPORT_BYTES, job_digest};

use super::{Actor, Services};
use crate::domain::duplicate::{DuplicateAction, DuplicateSettings};
use crate::domain::experiment::LeadOrigin;
use crate::domain::scoring::ScoringRules;
use crate::domain::{PipelineStage, UserId};
use crate::error::{Error, FieldError, Result};
use crate::import::{
    BoundMapping, Entity, ImportReader, ImportTally, ReadRow, Record, RejectedRow, RowOutcome,
};
use crate::store::{ImportBatch, ImportRun};
use std::collections::HashMap;
use std::io::Read;

/// Rows per committed batch unless the caller says otherwise.
pub const DEFAULT_BATCH: usize = 1000;

/// The file being imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// Its name, for people.
    pub file_name: String,
    /// SHA-256 (hex) of the file and the mapping together: the same pair resumes.
    pub digest: String,
}

/// How an import ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The run, finished, with its counts.
    pub run: ImportRun,
    /// Rows an earlier, interrupted run of the same file had already done (0: a fresh run).
    pub resumed_after: u64,
    /// Every rejected row of the run, by row number.
    pub rejected: Vec<RejectedRow>,
}

/// The batch being built and where each of its rows went.
struct Pending {
    batch: ImportBatch,
    outcomes: Vec<RowOutcome>,
}

impl Pending {
    fn reject(&mut self, rejected: RejectedRow) {
        self.batch.rejects.push(rejected);
        self.outcomes.push(RowOutcome::Rejected);
    }

    fn external_id(&mut self, entity: Entity, external: String, id: uuid::Uuid) {
        self.batch
            .external_ids
            .push((external_kind(entity).to_owned(), external, id));
    }
}

/// What every batch of a run shares: the rules, pipeline and policy read once at the start,
/// and the owners already checked.
struct RunContext {
    rules: ScoringRules,
    stages: Vec<PipelineStage>,
    duplicates: DuplicateSettings,
    owners: HashMap<UserId, bool>,
    note: Option<String>,
}

/// The name external ids of an entity are recorded under.
pub(crate) const fn external_kind(entity: Entity) -> &'static str {
    match entity {
        Entity::Leads => "lead",
        Entity::Accounts => "account",
        Entity::Contacts => "contact",
        Entity::Opportunities => "opportunity",
        Entity::Activities => "activity",
    }
}

impl Services {
    /// Imports the records of `mapping`'s entity from `reader` (its header already read);
    /// calls `progress` after every committed batch. Sales managers and admins (and the
    /// command line) may import.
    pub async fn import<R: Read + Send>(
        &self,
        actor: &Actor,
        reader: &mut ImportReader<R>,
        mapping: &BoundMapping,
        source: &ImportSource,
        batch_size: usize,
        progress: &mut (dyn FnMut(&ImportTally) + Send),
    ) -> Result<ImportOutcome> {
        actor.require_write()?;
        actor
            .require_override()
            .map_err(|_| Error::Forbidden("only a sales manager or an admin may import".into()))?;
        let entity = mapping.entity();
        let run = self
            .store
            .open_import_run(
                entity.as_str(),
                &source.digest,
                &source.file_name,
                self.now(),
                actor.user_id,
            )
            .await?;
        let mut ctx = RunContext {
            rules: self.scoring().await?.1,
            stages: self.store.list_stages().await?,
            duplicates: self.duplicate_settings().await?,
            owners: HashMap::new(),
            note: Some(format!("import: {}", source.file_name)),
        };
        let resumed_after = run.rows_done;
        let mut tally = run.tally;
        let mut rows: Vec<ReadRow> = Vec::with_capacity(batch_size);
        let mut last_row = run.rows_done;
        loop {
            let next = reader.next();
            let done = next.is_none();
            if let Some(item) = next {
                let row = item.map_err(|e| Error::field("file", "unreadable", e.to_string()))?;
                let number = match &row {
                    Ok(record) => record.row(),
                    Err(rejected) => rejected.row,
                };
                if number <= run.rows_done {
                    continue;
                }
                last_row = number;
                rows.push(row);
            }
            if rows.len() >= batch_size.max(1) || done {
                let rows = std::mem::take(&mut rows);
                let pending = self
                    .import_batch(actor, mapping, &mut ctx, run.id, rows)
                    .await?;
                let mut batch = pending.batch;
                for outcome in pending.outcomes {
                    tally.count(outcome);
                }
                batch.tally = tally;
                batch.rows_done = last_row;
                batch.finished_at = done.then(|| self.now());
                let origins: Vec<LeadOrigin> = batch
                    .new_leads
                    .iter()
                    .map(|(lead, _)| LeadOrigin::of(lead, None))
                    .collect();
                self.store.write_import_batch(&batch).await?;
                self.enter_experiments(&origins).await?;
                progress(&tally);
            }
            if done {
                break;
            }
        }
        let rejected = self.store.import_rejects(run.id).await?;
        Ok(ImportOutcome {
            run: ImportRun {
                rows_done: last_row,
                tally,
                finished_at: Some(self.now()),
                ..run
            },
            resumed_after,
            rejected,
        })
    }

    /// Converts and matches one batch of rows; nothing is written yet.
    async fn import_batch(
        &self,
        actor: &Actor,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        run: uuid::Uuid,
        rows: Vec<ReadRow>,
    ) -> Result<Pending> {
        let mut p = Pending {
            batch: ImportBatch {
                run,
                ..ImportBatch::default()
            },
            outcomes: Vec::with_capacity(rows.len()),
        };
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            match row {
                Ok(record) => records.push(record),
                Err(rejected) => p.reject(rejected),
            }
        }
        match mapping.entity() {
            Entity::Leads => {
                self.lead_batch(actor, mapping, ctx, &mut p, records)
                    .await?
            }
            Entity::Accounts => self.account_batch(mapping, ctx, &mut p, records).await?,
            Entity::Contacts => {
                self.contact_batch(actor, mapping, ctx, &mut p, records)
                    .await?;
            }
            Entity::Opportunities => {
                self.opportunity_batch(actor, mapping, ctx, &mut p, records)
                    .await?;
            }
            Entity::Activities => self.activity_batch(mapping, ctx, &mut p, records).await?,
        }
        Ok(p)
    }

    /// The error for a row naming an owner who is not an active user (checked once per
    /// run and owner).
    async fn owner_error(
        &self,
        ctx: &mut RunContext,
        owner: Option<UserId>,
    ) -> Result<Option<FieldError>> {
        let Some(owner) = owner else {
            return Ok(None);
        };
        let known = match ctx.owners.get(&owner) {
            Some(k) => *k,
            None => {
                let k = self
                    .store
                    .get_user(owner)
                    .await?
                    .is_some_and(|u| u.disabled_at.is_none());
                ctx.owners.insert(owner, k);
                k
            }
        };
        Ok((!known).then(|| {
            FieldError::new(
                "owner_id",
                "unknown_user",
                format!("no active user has id {owner}"),
            )
        }))
    }

    /// Converts a batch's records with `convert`, refusing (into `p`) every row that does
    /// not convert or that names an owner who is not an active user.
    async fn convert_rows<T>(
        &self,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
        convert: impl Fn(&Record) -> std::result::Result<T, Vec<FieldError>>,
        owner: fn(&T) -> Option<UserId>,
    ) -> Result<Converted<T>> {
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            match convert(&record) {
                Err(e) => p.reject(record.reject(&e)),
                Ok(row) => match self.owner_error(ctx, owner(&row)).await? {
                    Some(e) => p.reject(record.reject(&[e])),
                    None => rows.push((record, row)),
                },
            }
        }
        Ok(rows)
    }

    /// Sarnakh ids of the records of `entity` with these external ids.
    async fn resolve_external<'a>(
        &self,
        entity: Entity,
        keys: impl Iterator<Item = &'a String>,
    ) -> Result<HashMap<String, uuid::Uuid>> {
        let mut keys: Vec<String> = keys.cloned().collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(self
            .store
            .external_records(external_kind(entity), &keys)
            .await?)
    }

    /// Whether the duplicate policy blocks new records.
    fn blocks_duplicates(ctx: &RunContext) -> bool {
        ctx.duplicates.action == DuplicateAction::Block
    }
}

/// The error for a reference to a record no import (or earlier run) has recorded.
fn unknown_reference(field: &str, entity: Entity, external: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_reference",
        format!(
            "no {} was imported with external id {external:?}; import the {entity} file first",
            external_kind(entity)
        ),
    )
}

/// A row's validated value with the record it came from.
type Converted<T> = Vec<(Record, T)>;
