//! The playbook in force: reading it, replacing it with a new version (managers and admins),
//! and a lead's readiness for its next transition, criterion by criterion.

use super::{Actor, Services};
use crate::domain::lifecycle::{LeadStage, LeadStatus};
use crate::domain::playbook::{CriterionCheck, Playbook, PlaybookRules, check};
use crate::domain::{LeadId, Role};
use crate::error::{Error, Result};

/// What a lead needs for its next transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadReadiness {
    /// `qualify` for a lead, `convert` for a prospect, `None` when neither applies now.
    pub next: Option<&'static str>,
    /// The playbook version checked.
    pub playbook_version: i64,
    /// Each criterion of that transition, met or not.
    pub checks: Vec<CriterionCheck>,
}

impl LeadReadiness {
    /// True when every criterion holds.
    pub fn ready(&self) -> bool {
        self.next.is_some() && self.checks.iter().all(|c| c.met)
    }
}

impl Services {
    /// The playbook in force; version 0 is the shipped default, until one is saved.
    pub async fn playbook(&self) -> Result<Playbook> {
        Ok(self
            .store
            .current_playbook()
            .await?
            .unwrap_or_else(|| Playbook {
                version: 0,
                rules: PlaybookRules::default_b2b(),
                created_at: chrono::DateTime::UNIX_EPOCH,
                created_by: None,
            }))
    }

    /// Saves new rules as the next version (sales managers and admins).
    pub async fn set_playbook(&self, actor: &Actor, rules: PlaybookRules) -> Result<Playbook> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden(format!(
                "only a {} or an admin may change the playbook",
                Role::SalesManager
            ))
        })?;
        rules.check().map_err(|e| Error::Validation(vec![e]))?;
        let current = self.playbook().await?;
        if current.rules == rules {
            return Ok(current);
        }
        let playbook = Playbook {
            version: current.version + 1,
            rules,
            created_at: self.now(),
            created_by: actor.user_id,
        };
        self.store.save_playbook(&playbook).await?;
        Ok(playbook)
    }

    /// Which criteria of the lead's next transition hold.
    pub async fn readiness(&self, actor: &Actor, id: LeadId) -> Result<LeadReadiness> {
        let lead = self.get_lead(actor, id).await?;
        let playbook = self.playbook().await?;
        let (next, criteria) = match (lead.state.stage, lead.state.status) {
            (LeadStage::Lead, LeadStatus::Open) => (Some("qualify"), &playbook.rules.qualify[..]),
            (LeadStage::Prospect, LeadStatus::Open) => {
                (Some("convert"), &playbook.rules.convert[..])
            }
            _ => (None, &[][..]),
        };
        Ok(LeadReadiness {
            next,
            playbook_version: playbook.version,
            checks: check(criteria, &lead),
        })
    }
}
