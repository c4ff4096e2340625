//! Importing leads from another CRM's CSV export: rows stream from the reader, convert with
//! the mapping, and are written in batches, each batch committed together with the run's
//! progress and its rejected rows. A run killed at any moment leaves a consistent database,
//! and the same file and mapping resume after the last committed batch. Rows are matched
//! to existing leads by the other CRM's id or by email (as the mapping says): a match is
//! updated or left unchanged, never duplicated.

use super::{Actor, Services};
use crate::domain::lead::LeadFields;
use crate::domain::scoring::ScoringRules;
use crate::domain::{HistoryEntry, Lead, LeadId, RecordRef, UserId};
use crate::error::{Error, FieldError, Result};
use crate::import::{
    BoundMapping, DedupeBy, Entity, ImportReader, ImportTally, ReadRow, Record, RejectedRow,
    RowOutcome, convert_lead,
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

/// Where each row of a batch went, to count it once the batch is written.
struct Pending {
    batch: ImportBatch,
    outcomes: Vec<RowOutcome>,
    /// Dedupe key -> position in `batch.new_leads`, for a key met twice in one batch.
    new_by_key: HashMap<String, usize>,
    /// Dedupe key -> position in `batch.changed_leads`.
    changed_by_key: HashMap<String, usize>,
}

impl Services {
    /// Imports leads from `reader` (its header already read) with `mapping`; calls
    /// `progress` after every committed batch. Sales managers and admins (and the command
    /// line) may import.
    pub async fn import_leads<R: Read + Send>(
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
        if mapping.entity() != Entity::Leads {
            return Err(Error::field(
                "entity",
                "wrong_entity",
                "this mapping is not for leads",
            ));
        }
        let run = self
            .store
            .open_import_run(
                "leads",
                &source.digest,
                &source.file_name,
                self.now(),
                actor.user_id,
            )
            .await?;
        let resumed_after = run.rows_done;
        let (_, rules) = self.scoring().await?;
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
                let batch = std::mem::take(&mut rows);
                let pending = self
                    .import_batch(actor, mapping, &rules, run.id, batch, &source.file_name)
                    .await?;
                let mut batch = pending.batch;
                for outcome in pending.outcomes {
                    tally.count(outcome);
                }
                batch.tally = tally;
                batch.rows_done = last_row;
                batch.finished_at = done.then(|| self.now());
                self.store.write_import_batch(&batch).await?;
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
        rules: &ScoringRules,
        run: uuid::Uuid,
        rows: Vec<ReadRow>,
        file_name: &str,
    ) -> Result<Pending> {
        let dedupe = mapping.dedupe_by();
        let mut converted: Vec<(Record, Result<crate::import::ImportedLead, RejectedRow>)> =
            Vec::new();
        let mut p = Pending {
            batch: ImportBatch {
                run,
                ..ImportBatch::default()
            },
            outcomes: Vec::with_capacity(rows.len()),
            new_by_key: HashMap::new(),
            changed_by_key: HashMap::new(),
        };
        for row in rows {
            match row {
                Err(rejected) => {
                    p.batch.rejects.push(rejected);
                    p.outcomes.push(RowOutcome::Rejected);
                }
                Ok(record) => {
                    let lead = convert_lead(mapping, &record).map_err(|e| record.reject(&e));
                    converted.push((record, lead));
                }
            }
        }
        let key_of = |l: &crate::import::ImportedLead| -> Option<String> {
            match dedupe {
                Some(DedupeBy::ExternalId) => l.external_id.clone(),
                Some(DedupeBy::Email) => l
                    .fields
                    .person
                    .email
                    .as_ref()
                    .map(|e| e.as_str().to_lowercase()),
                _ => None,
            }
        };
        let keys: Vec<String> = converted
            .iter()
            .filter_map(|(_, l)| l.as_ref().ok().and_then(key_of))
            .collect();
        let existing: HashMap<String, LeadId> = match dedupe {
            Some(DedupeBy::ExternalId) => self
                .store
                .external_records("lead", &keys)
                .await?
                .into_iter()
                .map(|(k, v)| (k, LeadId::from_uuid(v)))
                .collect(),
            Some(DedupeBy::Email) => self.store.leads_by_emails(&keys).await?,
            _ => HashMap::new(),
        };
        let mut owners: HashMap<UserId, bool> = HashMap::new();
        let note = Some(format!("import: {file_name}"));
        for (record, lead) in converted {
            let imported = match lead {
                Ok(l) => l,
                Err(rejected) => {
                    p.batch.rejects.push(rejected);
                    p.outcomes.push(RowOutcome::Rejected);
                    continue;
                }
            };
            if let Some(owner) = imported.fields.owner_id {
                let known = match owners.get(&owner) {
                    Some(k) => *k,
                    None => {
                        let k = self
                            .store
                            .get_user(owner)
                            .await?
                            .is_some_and(|u| u.disabled_at.is_none());
                        owners.insert(owner, k);
                        k
                    }
                };
                if !known {
                    p.batch.rejects.push(record.reject(&[FieldError::new(
                        "owner_id",
                        "unknown_user",
                        format!("no active user has id {owner}"),
                    )]));
                    p.outcomes.push(RowOutcome::Rejected);
                    continue;
                }
            }
            let key = key_of(&imported);
            let at = Place {
                actor,
                rules,
                existing: &existing,
                note: &note,
            };
            let outcome = self.place_lead(&at, &mut p, key, imported).await?;
            p.outcomes.push(outcome);
        }
        Ok(p)
    }

    /// Creates, updates or leaves one imported lead, recording it in the pending batch.
    async fn place_lead(
        &self,
        at: &Place<'_>,
        p: &mut Pending,
        key: Option<String>,
        imported: crate::import::ImportedLead,
    ) -> Result<RowOutcome> {
        let Place {
            actor,
            rules,
            existing,
            note,
        } = *at;
        let fields = imported.fields;
        if let Some(k) = &key {
            if let Some(&i) = p.new_by_key.get(k) {
                return Ok(refresh(
                    &mut p.batch.new_leads[i].0,
                    fields,
                    rules,
                    self.now(),
                ));
            }
            if let Some(&i) = p.changed_by_key.get(k) {
                return Ok(refresh(
                    &mut p.batch.changed_leads[i].0,
                    fields,
                    rules,
                    self.now(),
                ));
            }
            if let Some(id) = existing.get(k)
                && let Some(current) = self.store.get_lead(*id).await?
            {
                if current.fields == fields {
                    return Ok(RowOutcome::Unchanged);
                }
                let now = self.now();
                let mut next = Lead {
                    fields,
                    updated_at: now,
                    version: current.version + 1,
                    ..current.clone()
                };
                self.apply_score(&mut next).await?;
                let history = HistoryEntry {
                    changes: crate::domain::lead::diff(&current.fields, &next.fields),
                    reason: Some("import".into()),
                    note: note.clone(),
                    actor_id: actor.user_id,
                    token_id: actor.token_id(),
                    ..HistoryEntry::new(RecordRef::Lead(current.id), "updated", now)
                };
                p.changed_by_key
                    .insert(k.clone(), p.batch.changed_leads.len());
                p.batch.changed_leads.push((next, current.version, history));
                return Ok(RowOutcome::Updated);
            }
        }
        let (lead, history) = self.build_lead(fields, actor.team(), actor, note.clone(), rules);
        if let Some(external) = imported.external_id {
            p.batch
                .external_ids
                .push(("lead".into(), external, lead.id.as_uuid()));
        }
        if let Some(k) = key {
            p.new_by_key.insert(k, p.batch.new_leads.len());
        }
        p.batch.new_leads.push((lead, history));
        Ok(RowOutcome::Created)
    }
}

/// What placing a row needs besides the row: who imports, the scoring rules, the batch's
/// existing matches and the history note.
struct Place<'a> {
    actor: &'a Actor,
    rules: &'a ScoringRules,
    existing: &'a HashMap<String, LeadId>,
    note: &'a Option<String>,
}

/// A key met again in the same batch: the later row's values win.
fn refresh(
    lead: &mut Lead,
    fields: LeadFields,
    rules: &ScoringRules,
    now: chrono::DateTime<chrono::Utc>,
) -> RowOutcome {
    if lead.fields == fields {
        return RowOutcome::Unchanged;
    }
    lead.fields = fields;
    let s = rules.score_with(lead, &[], now);
    (lead.score, lead.score_lines, lead.grade) = (s.total, s.lines, s.grade);
    RowOutcome::Updated
}
