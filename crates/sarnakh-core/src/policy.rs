//! Who may see and do what: the one policy every use case consults. Lists, searches and
//! single reads filter by the same [`Visibility`]; writes ask the same questions whatever
//! the front door (API, CLI, import, background job).
//!
//! The rules, by role:
//! - **admin**: sees and edits everything.
//! - **sales_manager**: records owned by the team (self included), unowned records, and
//!   unassigned leads in the team's queue or in no queue; assigns within the team.
//! - **sales_rep**: own records, unowned records, and unassigned leads in the team's queue
//!   or in no queue; may claim an unassigned lead, not give one away.
//! - **marketing**: every lead (may edit them, not their owner), accounts and contacts;
//!   no individual deals (deal amounts reach marketing only through reports).
//! - a **read-only token** may read what its user may read, and write nothing.

use crate::domain::{Lead, Opportunity, Role, Task, TeamId, TokenId, TokenScope, UserId};
use crate::error::{Error, Result};
use std::sync::Arc;

/// An authenticated user's rights, resolved once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Their team.
    pub team_id: Option<TeamId>,
    /// Everyone in their team, themselves included (only filled for managers).
    pub team_members: Vec<UserId>,
    /// What the credential allows (a session is `Write`).
    pub scope: TokenScope,
    /// The API token presented, if the request came with one.
    pub token_id: Option<TokenId>,
}

/// Whose rights a use case runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rights {
    /// Sarnakh itself or its operator at the server's console: everything.
    System,
    /// A signed-in user or an API token.
    User(Arc<Principal>),
}

/// Who is acting: recorded in history and checked by the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user the change is attributed to, if any.
    pub user_id: Option<UserId>,
    /// What they may do.
    pub rights: Rights,
}

/// Which rows a list may return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Every row.
    #[default]
    All,
    /// Rows owned by `owners`, unowned rows, and (for leads) unassigned leads whose queue
    /// is one of `queues` or none.
    Scoped {
        /// Owners whose rows are visible.
        owners: Vec<UserId>,
        /// Team queues whose unassigned leads are visible.
        queues: Vec<TeamId>,
    },
}

impl Actor {
    /// Sarnakh itself (migrations, jobs, demo data, the operator's console).
    pub const SYSTEM: Self = Self {
        user_id: None,
        rights: Rights::System,
    };

    /// System rights, attributed to a user (demo data, operator acting for someone).
    pub fn on_behalf_of(user_id: UserId) -> Self {
        Self {
            user_id: Some(user_id),
            rights: Rights::System,
        }
    }

    /// An authenticated user.
    pub fn user(principal: Principal) -> Self {
        Self {
            user_id: Some(principal.user_id),
            rights: Rights::User(Arc::new(principal)),
        }
    }

    fn principal(&self) -> Option<&Principal> {
        match &self.rights {
            Rights::System => None,
            Rights::User(p) => Some(p),
        }
    }

    fn role(&self) -> Role {
        self.principal().map_or(Role::Admin, |p| p.role)
    }

    /// The API token in use, recorded in history.
    pub fn token_id(&self) -> Option<TokenId> {
        self.principal().and_then(|p| p.token_id)
    }

    /// The user's team, for the queue of leads they capture.
    pub fn team(&self) -> Option<TeamId> {
        self.principal().and_then(|p| p.team_id)
    }

    /// Refuses writes with a read-only token.
    pub fn require_write(&self) -> Result<()> {
        match self.principal() {
            Some(p) if p.scope == TokenScope::Read => {
                Err(Error::Forbidden("this token is read-only".into()))
            }
            _ => Ok(()),
        }
    }

    /// Refuses non-admins.
    pub fn require_admin(&self) -> Result<()> {
        if self.role() == Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden("only an admin may do this".into()))
        }
    }

    fn owners(&self) -> Vec<UserId> {
        match self.principal() {
            Some(p) if p.role == Role::SalesManager => {
                let mut owners = p.team_members.clone();
                if !owners.contains(&p.user_id) {
                    owners.push(p.user_id);
                }
                owners
            }
            Some(p) => vec![p.user_id],
            None => Vec::new(),
        }
    }

    fn scoped(&self) -> Visibility {
        Visibility::Scoped {
            owners: self.owners(),
            queues: self.team().into_iter().collect(),
        }
    }

    /// Which leads this actor sees.
    pub fn lead_visibility(&self) -> Visibility {
        match self.role() {
            Role::Admin | Role::Marketing => Visibility::All,
            Role::SalesManager | Role::SalesRep => self.scoped(),
        }
    }

    /// Which opportunities, accounts, contacts and tasks this actor sees.
    pub fn record_visibility(&self) -> Visibility {
        match self.role() {
            Role::Admin => Visibility::All,
            Role::Marketing | Role::SalesManager | Role::SalesRep => self.scoped(),
        }
    }

    /// Whether a lead is visible.
    pub fn sees_lead(&self, lead: &Lead) -> bool {
        lead_visible(&self.lead_visibility(), lead.fields.owner_id, lead.team_id)
    }

    /// Whether an owned record (opportunity, account, task) is visible.
    pub fn sees_owned(&self, owner: Option<UserId>) -> bool {
        match self.record_visibility() {
            Visibility::All => true,
            Visibility::Scoped { owners, .. } => owner.is_none_or(|o| owners.contains(&o)),
        }
    }

    /// Refuses overriding the playbook unless a manager or admin asks.
    pub fn require_override(&self) -> Result<()> {
        match self.role() {
            Role::Admin | Role::SalesManager => Ok(()),
            Role::SalesRep | Role::Marketing => Err(Error::Forbidden(
                "only a sales manager or an admin may override the playbook".into(),
            )),
        }
    }

    /// Refuses all but marketing, sales managers and admins (scoring rules, web forms).
    pub fn require_marketing(&self, what: &str) -> Result<()> {
        if self.require_override().is_err() && !self.has_role(Role::Marketing) {
            return Err(Error::Forbidden(format!(
                "only marketing, a sales manager or an admin may {what}"
            )));
        }
        Ok(())
    }

    /// True when the actor acts with `role` (system rights count as admin).
    pub fn has_role(&self, role: Role) -> bool {
        self.role() == role
    }

    /// Refuses marketing on individual deals.
    pub fn require_deals(&self) -> Result<()> {
        if self.role() == Role::Marketing {
            Err(Error::Forbidden(
                "marketing sees deals through reports, not one by one".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Whether this actor may change a deal (move, close, roles).
    pub fn check_edit_opportunity(&self, o: &Opportunity) -> Result<()> {
        self.require_deals()?;
        if self.sees_owned(o.owner_id) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "this deal belongs to someone outside your team".into(),
            ))
        }
    }

    /// Whether this actor may change `from` owner to `to` on a record.
    pub fn check_assign(&self, from: Option<UserId>, to: Option<UserId>) -> Result<()> {
        if from == to {
            return Ok(());
        }
        let refuse = |why: &str| Err(Error::Forbidden(format!("owner_id: {why}")));
        match self.principal() {
            None => Ok(()),
            Some(p) => match p.role {
                Role::Admin => Ok(()),
                Role::SalesManager => {
                    let team = self.owners();
                    let ok = |u: Option<UserId>| u.is_none_or(|u| team.contains(&u));
                    if ok(from) && ok(to) {
                        Ok(())
                    } else {
                        refuse("a manager assigns only within the team")
                    }
                }
                Role::SalesRep if from.is_none() && to == Some(p.user_id) => Ok(()),
                Role::SalesRep => {
                    refuse("a sales rep may only claim unassigned records for themselves")
                }
                Role::Marketing => refuse("marketing does not assign owners"),
            },
        }
    }

    /// Whether this actor may complete or change a task.
    pub fn check_edit_task(&self, t: &Task) -> Result<()> {
        if self.sees_owned(Some(t.owner_id)) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "this follow-up belongs to someone outside your team".into(),
            ))
        }
    }
}

/// Applies the lead rule to one lead's owner and queue.
pub fn lead_visible(v: &Visibility, owner: Option<UserId>, queue: Option<TeamId>) -> bool {
    match v {
        Visibility::All => true,
        Visibility::Scoped { owners, queues } => match owner {
            Some(o) => owners.contains(&o),
            None => queue.is_none_or(|q| queues.contains(&q)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(
        role: Role,
        team: Option<TeamId>,
        members: Vec<UserId>,
        scope: TokenScope,
    ) -> (Actor, UserId) {
        let user_id = UserId::new();
        (
            Actor::user(Principal {
                user_id,
                role,
                team_id: team,
                team_members: members,
                scope,
                token_id: None,
            }),
            user_id,
        )
    }

    #[test]
    fn reps_see_own_leads_and_their_queue_only() {
        let (team, other_team) = (TeamId::new(), TeamId::new());
        let (rep, me) = actor(Role::SalesRep, Some(team), vec![], TokenScope::Write);
        let v = rep.lead_visibility();
        assert!(lead_visible(&v, Some(me), Some(other_team)));
        assert!(lead_visible(&v, None, Some(team)));
        assert!(lead_visible(&v, None, None));
        assert!(!lead_visible(&v, None, Some(other_team)));
        assert!(!lead_visible(&v, Some(UserId::new()), Some(team)));
    }

    #[test]
    fn managers_see_the_team_and_assign_within_it() {
        let team = TeamId::new();
        let (rep_a, rep_b, outsider) = (UserId::new(), UserId::new(), UserId::new());
        let (manager, me) = actor(
            Role::SalesManager,
            Some(team),
            vec![rep_a, rep_b],
            TokenScope::Write,
        );
        assert!(
            manager.sees_owned(Some(rep_a))
                && manager.sees_owned(Some(me))
                && !manager.sees_owned(Some(outsider))
        );
        assert!(manager.check_assign(Some(rep_a), Some(rep_b)).is_ok());
        assert!(manager.check_assign(None, Some(rep_a)).is_ok());
        assert!(manager.check_assign(Some(rep_a), Some(outsider)).is_err());
    }

    #[test]
    fn reps_claim_but_do_not_give_away() {
        let (rep, me) = actor(Role::SalesRep, None, vec![], TokenScope::Write);
        assert!(rep.check_assign(None, Some(me)).is_ok());
        assert!(rep.check_assign(Some(me), Some(UserId::new())).is_err());
        assert!(rep.check_assign(Some(me), None).is_err());
    }

    #[test]
    fn read_only_tokens_and_marketing_are_limited() {
        let (reader, _) = actor(Role::Admin, None, vec![], TokenScope::Read);
        assert!(matches!(reader.require_write(), Err(Error::Forbidden(_))));
        let (marketing, _) = actor(Role::Marketing, None, vec![], TokenScope::Write);
        assert_eq!(marketing.lead_visibility(), Visibility::All);
        assert!(marketing.require_deals().is_err());
        assert!(marketing.check_assign(None, Some(UserId::new())).is_err());
        assert!(Actor::SYSTEM.require_write().is_ok() && Actor::SYSTEM.require_admin().is_ok());
    }
}
