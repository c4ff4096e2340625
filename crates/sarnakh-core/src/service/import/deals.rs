//! Placing imported opportunity and activity rows.
//!
//! An opportunity hangs off an imported account and may name its main contact (of that
//! account) and the lead it came from. Its stage must be one of the pipeline's (after the
//! mapping's translations); a won or lost stage closes it, and a status without a stage
//! puts it in the first stage of that kind. A lost deal without a reason is lost for
//! `other`. Opportunities match by external id and are updated in place.
//!
//! An activity hangs off the most specific record it names. Activities are history:
//! one already imported (same external id) is left as it is.

use super::{Pending, RunContext, unknown_reference};
use crate::domain::opportunity::LossReason;
use crate::domain::{
    AccountId, Activity, ActivityId, ContactId, HistoryEntry, LeadId, Opportunity, OpportunityId,
    OpportunityStatus, PipelineStage, RecordRef, StageKind,
};
use crate::error::{FieldError, Result};
use crate::import::{
    BoundMapping, Entity, ImportedOpportunity, Record, RowOutcome, convert_activity,
    convert_opportunity,
};
use crate::service::{Actor, Services};
use std::collections::{HashMap, HashSet};

/// Sarnakh ids of the records a batch's rows refer to, by entity and external id.
type Refs = HashMap<Entity, HashMap<String, uuid::Uuid>>;

/// The stage and status an imported deal takes.
fn stage_and_status(
    stages: &[PipelineStage],
    stage: Option<&str>,
    status: Option<OpportunityStatus>,
) -> Result<(String, OpportunityStatus), FieldError> {
    let status_of = |kind: StageKind| match kind {
        StageKind::Open => OpportunityStatus::Open,
        StageKind::Won => OpportunityStatus::Won,
        StageKind::Lost => OpportunityStatus::Lost,
    };
    let Some(key) = stage.map(str::trim).filter(|k| !k.is_empty()) else {
        let status = status.unwrap_or(OpportunityStatus::Open);
        let first = stages
            .iter()
            .find(|s| status_of(s.kind) == status && s.retired_at.is_none());
        return first.map(|s| (s.key.clone(), status)).ok_or_else(|| {
            FieldError::new(
                "status",
                "no_stage",
                format!("the pipeline has no {status} stage"),
            )
        });
    };
    let Some(found) = stages.iter().find(|s| s.key == key) else {
        let keys: Vec<&str> = stages.iter().map(|s| s.key.as_str()).collect();
        return Err(FieldError::new(
            "stage",
            "unknown_stage",
            format!(
                "{key:?} is not a pipeline stage: one of {} (translate the other CRM's stage names in the mapping's [values.stage])",
                keys.join(", ")
            ),
        ));
    };
    let implied = status_of(found.kind);
    match status {
        Some(s) if s != implied => Err(FieldError::new(
            "status",
            "stage_status_mismatch",
            format!("stage {key:?} is {implied}, but the row says {s}"),
        )),
        _ => Ok((found.key.clone(), implied)),
    }
}

impl Services {
    /// External ids of `entity` named by the rows, resolved in one query.
    async fn refs<'a>(
        &self,
        refs: &mut Refs,
        entity: Entity,
        keys: impl Iterator<Item = &'a String>,
    ) -> Result<()> {
        let found = self.resolve_external(entity, keys).await?;
        refs.entry(entity).or_default().extend(found);
        Ok(())
    }

    /// Places one batch of opportunity rows.
    pub(super) async fn opportunity_batch(
        &self,
        actor: &Actor,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
    ) -> Result<()> {
        let convert = |r: &Record| convert_opportunity(mapping, r);
        let rows = self
            .convert_rows(ctx, p, records, convert, |o| o.opportunity.owner_id)
            .await?;
        let mut refs = Refs::new();
        let it = rows.iter().map(|(_, o)| &o.account_external_id);
        self.refs(&mut refs, Entity::Accounts, it).await?;
        let it = rows
            .iter()
            .filter_map(|(_, o)| o.contact_external_id.as_ref());
        self.refs(&mut refs, Entity::Contacts, it).await?;
        let it = rows.iter().filter_map(|(_, o)| o.lead_external_id.as_ref());
        self.refs(&mut refs, Entity::Leads, it).await?;
        let it = rows.iter().filter_map(|(_, o)| o.external_id.as_ref());
        self.refs(&mut refs, Entity::Opportunities, it).await?;
        let mut queued: HashMap<OpportunityId, usize> = HashMap::new();
        for (record, row) in rows {
            match self.build_opportunity(ctx, &refs, row).await? {
                Err(e) => p.reject(record.reject(&[e])),
                Ok((o, external)) => {
                    let outcome = self
                        .place_opportunity(actor, ctx, p, &mut queued, o, external)
                        .await?;
                    p.outcomes.push(outcome);
                }
            }
        }
        Ok(())
    }

    /// The opportunity a row describes (a new id unless its external id is known), or why
    /// the row is refused.
    async fn build_opportunity(
        &self,
        ctx: &RunContext,
        refs: &Refs,
        row: ImportedOpportunity,
    ) -> Result<Result<(Opportunity, Option<String>), FieldError>> {
        let get = |e: Entity, x: &String| refs.get(&e).and_then(|m| m.get(x)).copied();
        let Some(account) = get(Entity::Accounts, &row.account_external_id) else {
            let x = &row.account_external_id;
            return Ok(Err(unknown_reference(
                "account_external_id",
                Entity::Accounts,
                x,
            )));
        };
        let account = AccountId::from_uuid(account);
        let contact = match &row.contact_external_id {
            None => None,
            Some(x) => match get(Entity::Contacts, x) {
                None => {
                    return Ok(Err(unknown_reference(
                        "contact_external_id",
                        Entity::Contacts,
                        x,
                    )));
                }
                Some(id) => Some(ContactId::from_uuid(id)),
            },
        };
        if let Some(c) = contact
            && self
                .store
                .get_contact(c)
                .await?
                .is_some_and(|c| c.account_id != account)
        {
            return Ok(Err(FieldError::new(
                "contact_external_id",
                "other_account",
                "the contact belongs to another account than the opportunity",
            )));
        }
        let lead = match &row.lead_external_id {
            None => None,
            Some(x) => match get(Entity::Leads, x) {
                None => return Ok(Err(unknown_reference("lead_external_id", Entity::Leads, x))),
                Some(id) => Some(LeadId::from_uuid(id)),
            },
        };
        let stage = row.opportunity.stage.as_deref();
        let (stage, status) = match stage_and_status(&ctx.stages, stage, row.status) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let now = self.now();
        let closed = status != OpportunityStatus::Open;
        let known = row
            .external_id
            .as_ref()
            .and_then(|x| get(Entity::Opportunities, x));
        let o = row.opportunity;
        let opportunity = Opportunity {
            id: known.map_or_else(OpportunityId::new, OpportunityId::from_uuid),
            account_id: account,
            contact_id: contact,
            lead_id: lead,
            name: o.name,
            product: o.product,
            amount: o.amount,
            expected_close_date: o.expected_close_date,
            stage,
            status,
            forecast_category: None,
            loss_reason: (status == OpportunityStatus::Lost)
                .then(|| row.loss_reason.unwrap_or(LossReason::Other)),
            close_note: row.close_note.filter(|_| closed),
            // A closed deal without a close time gets the stored one, else now (see below).
            closed_at: row.closed_at.filter(|_| closed),
            owner_id: o.owner_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let external = row.external_id.filter(|_| known.is_none());
        Ok(Ok((opportunity, external)))
    }

    /// Creates the opportunity, or updates the one with its id (in this batch or stored).
    async fn place_opportunity(
        &self,
        actor: &Actor,
        ctx: &RunContext,
        p: &mut Pending,
        queued: &mut HashMap<OpportunityId, usize>,
        o: Opportunity,
        new_external: Option<String>,
    ) -> Result<RowOutcome> {
        let entry = |kind: &str, o: &Opportunity| HistoryEntry {
            to: Some(o.stage.clone()),
            reason: Some("import".into()),
            note: ctx.note.clone(),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(o.id), kind, o.updated_at)
        };
        let current = match queued.get(&o.id) {
            Some(&i) => Some(p.batch.opportunities[i].0.clone()),
            None => self.store.get_opportunity(o.id).await?,
        };
        let closed_at = match o.status {
            OpportunityStatus::Open => None,
            _ => o
                .closed_at
                .or(current.as_ref().and_then(|c| c.closed_at))
                .or(Some(o.updated_at)),
        };
        let o = Opportunity { closed_at, ..o };
        let Some(current) = current else {
            if let Some(x) = new_external {
                p.external_id(Entity::Opportunities, x, o.id.as_uuid());
            }
            let history = entry("created", &o);
            queued.insert(o.id, p.batch.opportunities.len());
            p.batch.opportunities.push((o, None, history));
            return Ok(RowOutcome::Created);
        };
        let next = Opportunity {
            created_at: current.created_at,
            updated_at: current.updated_at,
            version: current.version,
            // The other CRM has no forecast call of ours: keep the owner's.
            forecast_category: current.forecast_category,
            ..o
        };
        if next == current {
            return Ok(RowOutcome::Unchanged);
        }
        let now = self.now();
        match queued.get(&next.id) {
            Some(&i) => {
                p.batch.opportunities[i].0 = Opportunity {
                    updated_at: now,
                    ..next
                }
            }
            None => {
                let changed = Opportunity {
                    updated_at: now,
                    version: current.version + 1,
                    ..next
                };
                let history = entry("updated", &changed);
                queued.insert(changed.id, p.batch.opportunities.len());
                p.batch
                    .opportunities
                    .push((changed, Some(current.version), history));
            }
        }
        Ok(RowOutcome::Updated)
    }

    /// Places one batch of activity rows.
    pub(super) async fn activity_batch(
        &self,
        mapping: &BoundMapping,
        ctx: &mut RunContext,
        p: &mut Pending,
        records: Vec<Record>,
    ) -> Result<()> {
        let convert = |r: &Record| convert_activity(mapping, r);
        let rows = self
            .convert_rows(ctx, p, records, convert, |a| a.owner_id)
            .await?;
        let mut refs = Refs::new();
        for entity in [
            Entity::Opportunities,
            Entity::Contacts,
            Entity::Leads,
            Entity::Accounts,
        ] {
            let it = rows
                .iter()
                .filter(|(_, a)| a.subject.entity == entity)
                .map(|(_, a)| &a.subject.external_id);
            self.refs(&mut refs, entity, it).await?;
        }
        let it = rows.iter().filter_map(|(_, a)| a.external_id.as_ref());
        let done = self.resolve_external(Entity::Activities, it).await?;
        let mut seen: HashSet<String> = HashSet::new();
        for (record, row) in rows {
            if let Some(x) = &row.external_id
                && (done.contains_key(x) || !seen.insert(x.clone()))
            {
                p.outcomes.push(RowOutcome::Unchanged);
                continue;
            }
            let subject = &row.subject;
            let id = refs
                .get(&subject.entity)
                .and_then(|m| m.get(&subject.external_id));
            let Some(&id) = id else {
                let field = subject_field(subject.entity);
                let e = unknown_reference(field, subject.entity, &subject.external_id);
                p.reject(record.reject(&[e]));
                continue;
            };
            let activity = Activity {
                id: ActivityId::new(),
                subject: subject_ref(subject.entity, id),
                kind: row.kind,
                outcome: row.outcome,
                summary: row.summary,
                body: row.body,
                occurred_at: row.occurred_at,
                owner_id: row.owner_id,
                created_at: self.now(),
            };
            if let Some(x) = row.external_id {
                p.external_id(Entity::Activities, x, activity.id.as_uuid());
            }
            p.batch.activities.push(activity);
            p.outcomes.push(RowOutcome::Created);
        }
        Ok(())
    }
}

fn subject_field(entity: Entity) -> &'static str {
    match entity {
        Entity::Opportunities => "opportunity_external_id",
        Entity::Contacts => "contact_external_id",
        Entity::Accounts => "account_external_id",
        _ => "lead_external_id",
    }
}

fn subject_ref(entity: Entity, id: uuid::Uuid) -> RecordRef {
    match entity {
        Entity::Opportunities => RecordRef::Opportunity(OpportunityId::from_uuid(id)),
        Entity::Contacts => RecordRef::Contact(ContactId::from_uuid(id)),
        Entity::Accounts => RecordRef::Account(AccountId::from_uuid(id)),
        _ => RecordRef::Lead(LeadId::from_uuid(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages() -> Vec<PipelineStage> {
        crate::domain::stage::default_stages()
    }

    #[test]
    fn a_won_stage_closes_the_deal_and_a_bare_status_takes_the_first_stage_of_its_kind() {
        let s = stages();
        assert_eq!(
            stage_and_status(&s, Some("won"), None).ok(),
            Some(("won".into(), OpportunityStatus::Won))
        );
        assert_eq!(
            stage_and_status(&s, None, Some(OpportunityStatus::Lost)).ok(),
            Some(("lost".into(), OpportunityStatus::Lost))
        );
        assert_eq!(
            stage_and_status(&s, None, None).ok(),
            Some(("qualify".into(), OpportunityStatus::Open))
        );
    }

    #[test]
    fn an_unknown_stage_or_a_status_that_contradicts_the_stage_is_refused() {
        let s = stages();
        let e = stage_and_status(&s, Some("Closed Won"), None).err();
        assert_eq!(e.map(|e| e.code), Some("unknown_stage"));
        let e = stage_and_status(&s, Some("demo"), Some(OpportunityStatus::Won)).err();
        assert_eq!(e.map(|e| e.code), Some("stage_status_mismatch"));
    }
}
