//! Placing imported lead rows: matched by external id or email (as the mapping says) and
//! updated or left unchanged, else created, scored, and routed by the assignment rules
//! when the file names no owner. With the duplicate policy at `block`, a new lead that
//! looks like an existing lead or contact is refused with the look-alike named.

use super::{Pending, RunContext};
use crate::domain::lead::LeadFields;
use crate::domain::scoring::ScoringRules;
use crate::domain::{HistoryEntry, Lead, LeadId, RecordRef};
use crate::error::{FieldError, Result};
use crate::import::{
    BoundMapping, DedupeBy, Entity, ImportedLead, Record, RowOutcome, convert_lead,
};
use crate::service::{Actor, Services};
use std::collections::HashMap;

/// Where a dedupe key already sits in the batch being built.
#[derive(Default)]
struct Slots {
    new_by_key: HashMap<String, usize>,
    changed_by_key: HashMap<String, usize>,
}

impl Services {
    /// Places one batch of lead rows.
    pub(super) async fn lead_batch(
        &self,
        actor: &Actor,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
    ) -> Result<()> {
        let dedupe = mapping.dedupe_by();
        let convert = |r: &Record| convert_lead(mapping, r);
        let owner = |l: &ImportedLead| l.fields.owner_id;
        let rows = self.convert_rows(ctx, p, records, convert, owner).await?;
        let keys: Vec<String> = rows.iter().filter_map(|(_, l)| key_of(dedupe, l)).collect();
        let existing: HashMap<String, LeadId> = match dedupe {
            Some(DedupeBy::ExternalId) => self
                .resolve_external(Entity::Leads, keys.iter())
                .await?
                .into_iter()
                .map(|(k, v)| (k, LeadId::from_uuid(v)))
                .collect(),
            Some(DedupeBy::Email) => self.store.leads_by_emails(&keys).await?,
            _ => HashMap::new(),
        };
        let mut slots = Slots::default();
        for (record, imported) in rows {
            let key = key_of(dedupe, &imported);
            let outcome = self
                .place_lead(actor, ctx, p, &mut slots, &existing, key, imported)
                .await?;
            match outcome {
                Ok(outcome) => p.outcomes.push(outcome),
                Err(e) => p.reject(record.reject(&[e])),
            }
        }
        Ok(())
    }

    /// Creates, updates or leaves one imported lead, recording it in the pending batch;
    /// `Err` is the reason to refuse the row.
    #[expect(
        clippy::too_many_arguments,
        reason = "one row's whole context, used once"
    )]
    async fn place_lead(
        &self,
        actor: &Actor,
        ctx: &RunContext,
        p: &mut Pending,
        slots: &mut Slots,
        existing: &HashMap<String, LeadId>,
        key: Option<String>,
        imported: ImportedLead,
    ) -> Result<Result<RowOutcome, FieldError>> {
        let fields = imported.fields;
        if let Some(k) = &key {
            let now = self.now();
            if let Some(&i) = slots.new_by_key.get(k) {
                return Ok(Ok(refresh(
                    &mut p.batch.new_leads[i].0,
                    fields,
                    &ctx.rules,
                    now,
                )));
            }
            if let Some(&i) = slots.changed_by_key.get(k) {
                let lead = &mut p.batch.changed_leads[i].0;
                return Ok(Ok(refresh(lead, fields, &ctx.rules, now)));
            }
            if let Some(id) = existing.get(k)
                && let Some(current) = self.store.get_lead(*id).await?
            {
                if current.fields == fields {
                    return Ok(Ok(RowOutcome::Unchanged));
                }
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
                    note: ctx.note.clone(),
                    actor_id: actor.user_id,
                    token_id: actor.token_id(),
                    ..HistoryEntry::new(RecordRef::Lead(current.id), "updated", now)
                };
                slots
                    .changed_by_key
                    .insert(k.clone(), p.batch.changed_leads.len());
                p.batch.changed_leads.push((next, current.version, history));
                return Ok(Ok(RowOutcome::Updated));
            }
        }
        if Self::blocks_duplicates(ctx)
            && let Some(e) = self.duplicate_error(actor, &fields).await?
        {
            return Ok(Err(e));
        }
        let (fields, team) = self.routed(fields, actor.team()).await?;
        let (lead, history) = self.build_lead(fields, team, actor, ctx.note.clone(), &ctx.rules);
        if let Some(external) = imported.external_id {
            p.external_id(Entity::Leads, external, lead.id.as_uuid());
        }
        if let Some(k) = key {
            slots.new_by_key.insert(k, p.batch.new_leads.len());
        }
        p.batch.new_leads.push((lead, history));
        Ok(Ok(RowOutcome::Created))
    }

    /// Why a new lead is refused under the `block` policy: the most certain look-alike.
    async fn duplicate_error(
        &self,
        actor: &Actor,
        fields: &LeadFields,
    ) -> Result<Option<FieldError>> {
        let (_, matches) = self.duplicates_of(actor, fields).await?;
        Ok(matches.first().map(super::people::duplicate_field_error))
    }
}

/// The key a lead row is matched by.
fn key_of(dedupe: Option<DedupeBy>, l: &ImportedLead) -> Option<String> {
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
