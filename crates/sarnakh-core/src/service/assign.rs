//! Assigning many leads at once (the list's bulk assign): each lead goes through the same
//! edit as a single assignment, so the same assignment rule, visibility and checks apply to
//! every one; the answer says which were assigned and which were refused, and why.

use super::{LeadPatch, Services};
use crate::domain::{LeadId, UserId};
use crate::error::{Error, Result};
use crate::policy::Actor;

/// Most leads one bulk assignment takes (a list page holds 50).
pub const MAX_BULK_ASSIGN: usize = 200;

/// What a bulk assignment did.
#[derive(Debug)]
pub struct BulkAssignOutcome {
    /// Leads now owned by the new owner (those that already were count too).
    pub assigned: Vec<LeadId>,
    /// Leads left as they were, with the refusal of each (not found, forbidden ...).
    pub failed: Vec<(LeadId, Error)>,
}

impl Services {
    /// Gives `leads` to `owner` (`None`: back to the unassigned queue), each through
    /// [`Services::update_lead`] and the assignment rule (`Actor::check_assign`): an admin
    /// assigns anyone, a manager within the team, a rep only claims unassigned leads for
    /// themselves. One refused lead does not stop the others. Refused as a whole (nothing
    /// written) when the list is empty or too long, the owner is no user, or the credential
    /// is read-only.
    pub async fn assign_leads(
        &self,
        actor: &Actor,
        leads: &[LeadId],
        owner: Option<UserId>,
    ) -> Result<BulkAssignOutcome> {
        actor.require_write()?;
        if leads.is_empty() {
            return Err(Error::field(
                "lead_ids",
                "required",
                "choose at least one lead",
            ));
        }
        if leads.len() > MAX_BULK_ASSIGN {
            return Err(Error::field(
                "lead_ids",
                "too_many",
                format!("at most {MAX_BULK_ASSIGN} leads at once"),
            ));
        }
        self.check_owner(owner).await?;
        let mut outcome = BulkAssignOutcome {
            assigned: Vec::new(),
            failed: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for &id in leads.iter().filter(|id| seen.insert(**id)) {
            let patch = LeadPatch {
                owner_id: Some(owner),
                ..LeadPatch::default()
            };
            match self.update_lead(actor, id, patch, None).await {
                Ok(_) => outcome.assigned.push(id),
                Err(e) => outcome.failed.push((id, e)),
            }
        }
        Ok(outcome)
    }
}
