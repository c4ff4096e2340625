//! Opportunity use cases: open more deals for a customer, move them across the pipeline,
//! record buyer roles, close them won or lost.

use super::convert::{check_start_stage, opportunity_from};
use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::domain::lead::limits;
use crate::domain::opportunity::{LossReason, OpportunityDraft, parse_loss_reason};
use crate::domain::{
    AccountId, BuyerRole, Contact, ContactId, HistoryEntry, Opportunity, OpportunityId,
    OpportunityStatus, Page, PageRequest, PipelineStage, RecordRef, StageKind, text,
};
use crate::error::{Error, Errors, FieldError, Result};
use crate::store::{OpportunityChange, OpportunityFilter};

/// Input of a close.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloseDraft {
    /// `won` or `lost`.
    pub outcome: Option<String>,
    /// Loss reason code (required when lost).
    pub reason: Option<String>,
    /// The win or loss story.
    pub note: Option<String>,
    /// The version the caller last saw.
    pub expected_version: Option<i64>,
}

/// An opportunity with its buyer-side people and stage history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityDetail {
    /// The opportunity.
    pub opportunity: Opportunity,
    /// Buyer-side people and their roles.
    pub contacts: Vec<(Contact, BuyerRole)>,
    /// Creation, stage moves and close, oldest first.
    pub stage_history: Vec<HistoryEntry>,
}

impl Services {
    /// The pipeline stages in board order.
    pub async fn list_stages(&self) -> Result<Vec<PipelineStage>> {
        Ok(self.store.list_stages().await?)
    }

    /// Opens another deal for an existing account (one customer, many opportunities).
    pub async fn create_opportunity(
        &self,
        actor: &Actor,
        account_id: AccountId,
        draft: &OpportunityDraft,
        contact_id: Option<ContactId>,
    ) -> Result<Opportunity> {
        actor.require_write()?;
        actor.require_deals()?;
        let stages = self.store.list_stages().await?;
        let new = check_start_stage(draft.validate()?, &stages)?;
        actor.check_assign(None, new.owner_id)?;
        self.check_owner(new.owner_id).await?;
        let account = self
            .store
            .get_account(account_id)
            .await?
            .filter(|a| actor.sees_owned(a.owner_id));
        let account = found(account, "account", account_id)?;
        if let Some(cid) = contact_id {
            self.check_account_contact(account_id, cid).await?;
        }
        let now = self.now();
        let opportunity = opportunity_from(new, None, &account, contact_id, &stages, now);
        let history = HistoryEntry {
            to: Some(opportunity.stage.clone()),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(opportunity.id), "created", now)
        };
        self.store
            .insert_opportunity(&opportunity, &history)
            .await?;
        Ok(opportunity)
    }

    /// Reads one opportunity the actor may see, with its people and history.
    pub async fn get_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
    ) -> Result<OpportunityDetail> {
        let opportunity = self.visible_opportunity(actor, id).await?;
        let contacts = self.store.opportunity_contacts(id).await?;
        let mut stage_history = self.store.history_of(RecordRef::Opportunity(id)).await?;
        stage_history.retain(|h| {
            matches!(
                h.kind.as_str(),
                "created" | "stage_changed" | "won" | "lost"
            )
        });
        Ok(OpportunityDetail {
            opportunity,
            contacts,
            stage_history,
        })
    }

    /// A page of the opportunities the actor may see.
    pub async fn list_opportunities(
        &self,
        actor: &Actor,
        filter: &OpportunityFilter,
        page: &PageRequest,
    ) -> Result<Page<Opportunity>> {
        actor.require_deals()?;
        let filter = OpportunityFilter {
            visibility: actor.record_visibility(),
            ..filter.clone()
        };
        Ok(self.store.list_opportunities(&filter, page).await?)
    }

    pub(super) async fn visible_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
    ) -> Result<Opportunity> {
        actor.require_deals()?;
        let opportunity = self
            .store
            .get_opportunity(id)
            .await?
            .filter(|o| actor.sees_owned(o.owner_id));
        found(opportunity, "opportunity", id)
    }

    /// Moves an open deal to another open stage, recording the move.
    pub async fn move_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
        stage: &str,
        expected_version: Option<i64>,
    ) -> Result<Opportunity> {
        let stages = self.store.list_stages().await?;
        let target = stages
            .iter()
            .find(|s| s.key == stage.trim())
            .ok_or_else(|| {
                let keys: Vec<&str> = stages.iter().map(|s| s.key.as_str()).collect();
                Error::field(
                    "stage",
                    "unknown_stage",
                    format!("{stage:?} is not a stage: one of {}", keys.join(", ")),
                )
            })?;
        if target.kind != StageKind::Open {
            return Err(Error::field(
                "stage",
                "closing_stage",
                "use close (won or lost) to close a deal",
            ));
        }
        if target.retired_at.is_some() {
            return Err(Error::field(
                "stage",
                "retired_stage",
                format!(
                    "stage {:?} is retired: deals may leave it, not enter it",
                    target.key
                ),
            ));
        }
        let current = self
            .open_opportunity(actor, id, expected_version, "move")
            .await?;
        if current.stage == target.key {
            return Ok(current);
        }
        let now = self.now();
        let next = Opportunity {
            stage: target.key.clone(),
            updated_at: now,
            version: current.version + 1,
            ..current.clone()
        };
        let history = HistoryEntry {
            from: Some(current.stage.clone()),
            to: Some(next.stage.clone()),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(id), "stage_changed", now)
        };
        self.save_change(OpportunityChange {
            opportunity: next.clone(),
            expected_version: current.version,
            history,
            make_customer: false,
        })
        .await?;
        Ok(next)
    }

    /// Closes a deal won or lost; the first won deal makes the account a customer.
    pub async fn close_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
        draft: &CloseDraft,
    ) -> Result<Opportunity> {
        let (status, reason, note) = validate_close(draft)?;
        let stages = self.store.list_stages().await?;
        let kind = if status == OpportunityStatus::Won {
            StageKind::Won
        } else {
            StageKind::Lost
        };
        let stage = stages
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| s.key.clone())
            .unwrap_or_else(|| status.as_str().to_owned());
        let current = self
            .open_opportunity(actor, id, draft.expected_version, "close")
            .await?;
        let now = self.now();
        let next = Opportunity {
            stage,
            status,
            loss_reason: reason,
            close_note: note.clone(),
            closed_at: Some(now),
            updated_at: now,
            version: current.version + 1,
            ..current.clone()
        };
        let history = HistoryEntry {
            from: Some(current.stage.clone()),
            to: Some(next.stage.clone()),
            reason: reason.map(|r| r.as_str().to_owned()),
            note,
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(id), status.as_str(), now)
        };
        let make_customer = status == OpportunityStatus::Won;
        self.save_change(OpportunityChange {
            opportunity: next.clone(),
            expected_version: current.version,
            history,
            make_customer,
        })
        .await?;
        Ok(next)
    }

    /// Records a buyer-side person's role on a deal; the person must belong to its account.
    pub async fn set_buyer_role(
        &self,
        actor: &Actor,
        id: OpportunityId,
        contact: ContactId,
        role: BuyerRole,
    ) -> Result<OpportunityDetail> {
        actor.require_write()?;
        let opportunity = self.visible_opportunity(actor, id).await?;
        actor.check_edit_opportunity(&opportunity)?;
        self.check_account_contact(opportunity.account_id, contact)
            .await?;
        let history = HistoryEntry {
            to: Some(role.as_str().to_owned()),
            related: Some(RecordRef::Contact(contact)),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Opportunity(id), "buyer_role_set", self.now())
        };
        self.store
            .set_opportunity_contact(id, contact, role, &history)
            .await?;
        self.get_opportunity(actor, id).await
    }

    async fn check_account_contact(&self, account: AccountId, contact: ContactId) -> Result<()> {
        match self.store.get_contact(contact).await? {
            Some(c) if c.account_id == account => Ok(()),
            Some(_) => Err(Error::field(
                "contact_id",
                "other_account",
                "the contact belongs to another account",
            )),
            None => Err(Error::field(
                "contact_id",
                "unknown_contact",
                format!("no contact has id {contact}"),
            )),
        }
    }

    pub(super) async fn open_opportunity(
        &self,
        actor: &Actor,
        id: OpportunityId,
        expected: Option<i64>,
        action: &'static str,
    ) -> Result<Opportunity> {
        actor.require_write()?;
        let current = self.visible_opportunity(actor, id).await?;
        actor.check_edit_opportunity(&current)?;
        check_version(expected, current.version)?;
        if current.status != OpportunityStatus::Open {
            return Err(Error::IllegalTransition {
                from: format!("opportunity/{}", current.status),
                action,
            });
        }
        Ok(current)
    }

    pub(super) async fn save_change(&self, change: OpportunityChange) -> Result<()> {
        let id = change.opportunity.id;
        match self.store.change_opportunity(&change).await {
            Ok(()) => Ok(()),
            Err(e) => Err(stale_to_precondition(e, || async {
                self.store
                    .get_opportunity(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|o| o.version)
            })
            .await),
        }
    }
}

fn validate_close(
    d: &CloseDraft,
) -> Result<(OpportunityStatus, Option<LossReason>, Option<String>)> {
    let mut e = Errors::new();
    let status = e.take(
        "outcome",
        match d.outcome.as_deref().map(str::trim) {
            Some("won") => Ok(OpportunityStatus::Won),
            Some("lost") => Ok(OpportunityStatus::Lost),
            _ => Err(FieldError::new(
                "",
                "required",
                "must be \"won\" or \"lost\"",
            )),
        },
    );
    let reason = e.take("reason", parse_loss_reason(d.reason.as_deref()));
    let note = e.take("note", text::optional(d.note.as_deref(), limits::TEXT));
    e.finish()?;
    let (status, reason, note) = (
        status.expect("checked"),
        reason.expect("checked"),
        note.expect("checked"),
    );
    match (status, reason) {
        (OpportunityStatus::Lost, None) => Err(Error::field(
            "reason",
            "required",
            format!("say why it was lost: one of {}", LossReason::expected()),
        )),
        (OpportunityStatus::Won, Some(_)) => Err(Error::field(
            "reason",
            "not_allowed",
            "loss reasons apply to lost deals; describe a win in the note",
        )),
        (OpportunityStatus::Lost, Some(LossReason::Other)) if note.is_none() => Err(Error::field(
            "note",
            "required",
            "explain the reason when it is \"other\"",
        )),
        _ => Ok((status, reason, note)),
    }
}
