//! Lead conversion: a prospect becomes an account (reused when the company is already
//! known), a contact and one or more opportunities, all in one store transaction.

use super::leads::LifecycleInput;
use super::{Actor, Services, stale_to_precondition};
use crate::domain::lifecycle::LeadAction;
use crate::domain::opportunity::{NewOpportunity, OpportunityDraft};
use crate::domain::text::{self, match_key};
use crate::domain::{
    Account, AccountId, Contact, ContactId, HistoryEntry, Lead, LeadId, Opportunity, OpportunityId,
    OpportunityStatus, PipelineStage, RecordRef,
};
use crate::error::{Error, Errors, FieldError, Result};
use crate::store::Conversion;

/// Most opportunities one conversion may create.
pub const MAX_OPPORTUNITIES: usize = 20;

/// Input of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvertDraft {
    /// The version the caller last saw; `None` skips the check.
    pub expected_version: Option<i64>,
    /// Attach to this existing account instead of matching by company name.
    pub account_id: Option<AccountId>,
    /// The deals to open (at least one).
    pub opportunities: Vec<OpportunityDraft>,
    /// Free text for the history.
    pub note: Option<String>,
    /// Convert although playbook criteria are unmet (managers and admins), with the reason.
    pub override_reason: Option<String>,
}

/// What a conversion produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertOutcome {
    /// The lead, now converted and linked.
    pub lead: Lead,
    /// The account used (new or reused).
    pub account_id: AccountId,
    /// True when an existing account was reused.
    pub account_reused: bool,
    /// The contact created.
    pub contact_id: ContactId,
    /// The opportunities created, in request order.
    pub opportunities: Vec<Opportunity>,
}

impl Services {
    /// Converts a prospect; refuses with every unmet criterion or bad field, writing nothing.
    pub async fn convert_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        draft: &ConvertDraft,
    ) -> Result<ConvertOutcome> {
        actor.require_deals()?;
        let stages = self.store.list_stages().await?;
        let new_opportunities = validate_opportunities(&draft.opportunities, &stages)?;
        for owner in new_opportunities
            .iter()
            .map(|o| o.owner_id)
            .collect::<std::collections::BTreeSet<_>>()
        {
            actor.check_assign(None, owner)?;
            self.check_owner(owner).await?;
        }
        let note = text::optional(draft.note.as_deref(), 10_000)
            .map_err(|e| Error::Validation(vec![e.under("note")]))?;
        let input = LifecycleInput {
            expected_version: draft.expected_version,
            override_reason: draft.override_reason.clone(),
            ..LifecycleInput::default()
        };
        let step = self
            .begin_move(actor, id, LeadAction::Convert, &input)
            .await?;
        let (before, mut lead) = (step.before, step.after);
        let (reason, note) = match step.overridden {
            Some(why) => (Some("override".to_owned()), Some(why)),
            None => (None, note),
        };
        let now = lead.updated_at;
        let account = self
            .conversion_account(actor, &lead, draft.account_id, now)
            .await?;
        let contact = contact_from(&lead, account.id, now);
        let opportunities: Vec<Opportunity> = new_opportunities
            .into_iter()
            .map(|o| opportunity_from(o, Some(&lead), &account, Some(contact.id), &stages, now))
            .collect();
        lead.account_id = Some(account.id);
        lead.contact_id = Some(contact.id);
        lead.converted_at = Some(now);
        let mut history = vec![HistoryEntry {
            from: Some(before.state.to_string()),
            to: Some(lead.state.to_string()),
            reason,
            note,
            playbook_version: step.playbook_version,
            related: Some(RecordRef::Account(account.id)),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Lead(id), "converted", now)
        }];
        history.extend(opportunities.iter().map(|o| HistoryEntry {
            to: Some(o.stage.clone()),
            related: Some(RecordRef::Lead(id)),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(o.id), "created", now)
        }));
        let conversion = Conversion {
            lead,
            expected_version: before.version,
            account,
            contact,
            opportunities,
            history,
        };
        let account_id = match self.store.convert_lead(&conversion).await {
            Ok(account_id) => account_id,
            Err(e) => {
                return Err(stale_to_precondition(e, || async {
                    self.store
                        .get_lead(id)
                        .await
                        .ok()
                        .flatten()
                        .map(|l| l.version)
                })
                .await);
            }
        };
        let Conversion {
            mut lead,
            contact,
            mut opportunities,
            account,
            ..
        } = conversion;
        lead.account_id = Some(account_id);
        opportunities
            .iter_mut()
            .for_each(|o| o.account_id = account_id);
        Ok(ConvertOutcome {
            account_reused: account_id != account.id || draft.account_id.is_some(),
            lead,
            account_id,
            contact_id: contact.id,
            opportunities,
        })
    }

    async fn conversion_account(
        &self,
        actor: &Actor,
        lead: &Lead,
        chosen: Option<AccountId>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Account> {
        if let Some(id) = chosen {
            let account = self
                .store
                .get_account(id)
                .await?
                .filter(|a| actor.sees_owned(a.owner_id));
            return account.ok_or_else(|| {
                Error::field(
                    "account_id",
                    "unknown_account",
                    format!("no account has id {id}"),
                )
            });
        }
        let f = &lead.fields;
        let name = f
            .company
            .clone()
            .expect("conversion criteria require a company");
        Ok(Account {
            id: AccountId::new(),
            name_key: match_key(&name),
            name,
            industry: f.industry.clone(),
            company_size: f.company_size,
            country: f.country.clone(),
            owner_id: f.owner_id,
            customer_since: None,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }
}

/// Validates every opportunity draft, addressing errors as `opportunities[i].field`.
pub(super) fn validate_opportunities(
    drafts: &[OpportunityDraft],
    stages: &[PipelineStage],
) -> Result<Vec<NewOpportunity>> {
    let mut e = Errors::new();
    if drafts.is_empty() {
        e.push(FieldError::new(
            "opportunities",
            "required",
            "give at least one opportunity to open",
        ));
    }
    if drafts.len() > MAX_OPPORTUNITIES {
        e.push(FieldError::new(
            "opportunities",
            "too_many",
            format!("at most {MAX_OPPORTUNITIES} per conversion"),
        ));
    }
    let mut valid = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.iter().enumerate() {
        let path = format!("opportunities[{i}]");
        let stage = check_stage_key(draft.stage.as_deref(), stages)
            .map_err(|fe| fe.under(&format!("{path}.stage")));
        match draft.validate() {
            Ok(o) if stage.is_ok() => valid.push(o),
            Ok(_) => {}
            Err(Error::Validation(errors)) => {
                errors.into_iter().for_each(|fe| e.push(fe.under(&path)))
            }
            Err(other) => return Err(other),
        }
        if let Err(fe) = stage {
            e.push(fe);
        }
    }
    e.finish()?;
    Ok(valid)
}

/// Refuses a starting stage that does not exist or is not an open stage.
pub(super) fn check_start_stage(
    o: NewOpportunity,
    stages: &[PipelineStage],
) -> Result<NewOpportunity> {
    check_stage_key(o.stage.as_deref(), stages)
        .map_err(|e| Error::Validation(vec![e.under("stage")]))?;
    Ok(o)
}

fn check_stage_key(key: Option<&str>, stages: &[PipelineStage]) -> Result<(), FieldError> {
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) if !stages.iter().any(|s| s.key == key && s.accepts_deals()) => {
            let open: Vec<&str> = stages
                .iter()
                .filter(|s| s.accepts_deals())
                .map(|s| s.key.as_str())
                .collect();
            Err(FieldError::new(
                "",
                "unknown_stage",
                format!("{key:?} is not an open stage: one of {}", open.join(", ")),
            ))
        }
        _ => Ok(()),
    }
}

fn contact_from(lead: &Lead, account_id: AccountId, now: chrono::DateTime<chrono::Utc>) -> Contact {
    let p = &lead.fields.person;
    Contact {
        id: ContactId::new(),
        account_id,
        lead_id: Some(lead.id),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        job_title: p.job_title.clone(),
        created_at: now,
        version: 1,
    }
}

/// Builds an opportunity from validated input; the first open stage when none was asked.
pub(super) fn opportunity_from(
    o: NewOpportunity,
    lead: Option<&Lead>,
    account: &Account,
    contact_id: Option<ContactId>,
    stages: &[PipelineStage],
    now: chrono::DateTime<chrono::Utc>,
) -> Opportunity {
    Opportunity {
        id: OpportunityId::new(),
        account_id: account.id,
        contact_id,
        lead_id: lead.map(|l| l.id),
        name: o.name,
        product: o.product,
        amount: o.amount,
        expected_close_date: o.expected_close_date,
        stage: o.stage.unwrap_or_else(|| first_open_stage(stages)),
        status: OpportunityStatus::Open,
        forecast_category: None,
        loss_reason: None,
        close_note: None,
        closed_at: None,
        owner_id: o
            .owner_id
            .or(lead.and_then(|l| l.fields.owner_id))
            .or(account.owner_id),
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

/// Key of the first open stage of the pipeline.
pub(super) fn first_open_stage(stages: &[PipelineStage]) -> String {
    stages
        .iter()
        .find(|s| s.accepts_deals())
        .map_or_else(|| "qualify".to_owned(), |s| s.key.clone())
}
