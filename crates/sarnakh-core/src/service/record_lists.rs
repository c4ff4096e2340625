//! The opportunity, account and contact lists' use cases beyond a page read: checking a
//! page's filters (a team becomes its members), naming a page's accounts in one read, and
//! giving many deals to one owner, each checked on its own (a refused deal is reported, the
//! others are done).

use super::{Actor, OpportunityPatch, Services};
use crate::domain::list_params::{AccountParams, ContactParams, OpportunityParams};
use crate::domain::page::PageRequest;
use crate::domain::{
    Account, AccountId, FieldChange, HistoryEntry, OpportunityId, RecordRef, UserId,
};
use crate::error::{Error, Result};
use crate::store::{AccountFilter, ContactFilter, OpportunityFilter, StoreError};
use std::collections::HashMap;

/// What a bulk owner change did.
#[derive(Debug)]
pub struct BulkOwnerOutcome<Id> {
    /// Records now owned by the new owner.
    pub assigned: Vec<Id>,
    /// Records left as they were, each with its refusal (not found, forbidden, closed ...).
    pub failed: Vec<(Id, Error)>,
}

/// Refuses an empty or too long bulk change.
fn check_count(n: usize, field: &str) -> Result<()> {
    if n == 0 || n > super::MAX_BULK_ASSIGN {
        return Err(Error::field(
            field,
            "count",
            format!("choose 1 to {} records", super::MAX_BULK_ASSIGN),
        ));
    }
    Ok(())
}

impl Services {
    /// The store filter of the opportunity list's parameters; a team becomes its members.
    pub async fn opportunity_list_filter(
        &self,
        p: &OpportunityParams,
    ) -> Result<OpportunityFilter> {
        let (mut filter, team) = p.filter().map_err(Error::Validation)?;
        if let Some(team) = team {
            filter.owners = Some(self.store.team_members(team).await?);
        }
        Ok(filter)
    }

    /// The store filter of the account list's parameters.
    pub fn account_list_filter(&self, p: &AccountParams) -> Result<AccountFilter> {
        p.filter().map_err(Error::Validation)
    }

    /// The store filter of the contact list's parameters.
    pub fn contact_list_filter(&self, p: &ContactParams) -> Result<ContactFilter> {
        p.filter().map_err(Error::Validation)
    }

    /// The names of the accounts among `ids` the actor may see, in one read.
    pub async fn account_names(
        &self,
        actor: &Actor,
        ids: &[AccountId],
    ) -> Result<HashMap<AccountId, String>> {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if unique.is_empty() {
            return Ok(HashMap::new());
        }
        let page = PageRequest {
            limit: u32::try_from(unique.len()).unwrap_or(u32::MAX),
            after: None,
        };
        let filter = AccountFilter {
            ids: Some(unique),
            ..AccountFilter::default()
        };
        let found = self.list_accounts(actor, &filter, &page).await?;
        Ok(found.items.into_iter().map(|a| (a.id, a.name)).collect())
    }

    /// Gives `deals` to `owner` (`None`: unowned), each through
    /// [`Services::update_opportunity`], so each is checked on its own: visible, open, and an
    /// owner change the actor may make. Refused as a whole (nothing written) when the list
    /// is empty or too long, the owner is no user, or the credential is read-only.
    pub async fn assign_opportunities(
        &self,
        actor: &Actor,
        deals: &[OpportunityId],
        owner: Option<UserId>,
    ) -> Result<BulkOwnerOutcome<OpportunityId>> {
        actor.require_write()?;
        actor.require_deals()?;
        check_count(deals.len(), "opportunity_ids")?;
        self.check_owner(owner).await?;
        let mut outcome = BulkOwnerOutcome {
            assigned: Vec::new(),
            failed: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for &id in deals.iter().filter(|id| seen.insert(**id)) {
            let patch = OpportunityPatch {
                owner_id: Some(owner),
                ..OpportunityPatch::default()
            };
            match self.update_opportunity(actor, id, patch, None).await {
                Ok(_) => outcome.assigned.push(id),
                Err(e) => outcome.failed.push((id, e)),
            }
        }
        Ok(outcome)
    }

    /// Gives `accounts` to `owner` (`None`: unowned), each checked on its own: visible, and an
    /// owner change the actor may make (`Actor::check_assign`); each change is one history
    /// row. Refused as a whole like [`Services::assign_opportunities`].
    pub async fn assign_accounts(
        &self,
        actor: &Actor,
        accounts: &[AccountId],
        owner: Option<UserId>,
    ) -> Result<BulkOwnerOutcome<AccountId>> {
        actor.require_write()?;
        check_count(accounts.len(), "account_ids")?;
        self.check_owner(owner).await?;
        let mut outcome = BulkOwnerOutcome {
            assigned: Vec::new(),
            failed: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for &id in accounts.iter().filter(|id| seen.insert(**id)) {
            match self.give_account(actor, id, owner).await {
                Ok(()) => outcome.assigned.push(id),
                Err(e) => outcome.failed.push((id, e)),
            }
        }
        Ok(outcome)
    }

    async fn give_account(
        &self,
        actor: &Actor,
        id: AccountId,
        owner: Option<UserId>,
    ) -> Result<()> {
        let current = self.get_account(actor, id).await?;
        actor.check_assign(current.owner_id, owner)?;
        if current.owner_id == owner {
            return Ok(());
        }
        let now = self.now();
        let name = |u: Option<UserId>| u.map(|u| u.to_string());
        let history = HistoryEntry {
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            changes: vec![FieldChange {
                field: "owner_id".into(),
                old: name(current.owner_id),
                new: name(owner),
            }],
            ..HistoryEntry::new(RecordRef::Account(id), "updated", now)
        };
        let next = Account {
            owner_id: owner,
            updated_at: now,
            version: current.version + 1,
            ..current.clone()
        };
        self.store
            .change_account(&next, current.version, &history)
            .await
            .map_err(|e| match e {
                StoreError::StaleVersion => Error::PreconditionFailed {
                    current: current.version,
                },
                other => other.into(),
            })
    }
}
