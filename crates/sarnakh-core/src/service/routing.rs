//! Routing new leads and keeping follow-up on time: assignment rules (who gets a lead that
//! was captured without an owner), the speed-to-lead target, and the rep's inbox (follow-ups
//! due today or overdue first, then new leads by urgency: target breached, target nearest,
//! score).

use super::{Actor, Services};
use crate::domain::assignment::{AssignmentRules, choose};
use crate::domain::lead::LeadFields;
use crate::domain::lifecycle::{LeadStage, LeadStatus};
use crate::domain::page::PageRequest;
use crate::domain::sla::SlaSettings;
use crate::domain::task::DueFilter;
use crate::domain::{Lead, Role, Task, TeamId, UserId};
use crate::error::{Error, FieldError, Result};
use crate::store::{LeadFilter, StoreError};
use chrono::{DateTime, Utc};

const RULES_KEY: &str = "assignment";
const SLA_KEY: &str = "sla";
/// New leads an inbox reads at most (newest first), and follow-ups.
const INBOX_LEADS: u32 = 200;

/// A new lead in the inbox with its speed-to-lead clock.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxLead {
    /// The lead.
    pub lead: Lead,
    /// When it must be (or had to be) first contacted.
    pub due_at: DateTime<Utc>,
    /// When it was first contacted, if it was.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Contacted late, or not contacted and past due.
    pub breached: bool,
}

/// The rep's morning triage.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    /// Follow-ups overdue, then due today.
    pub tasks: Vec<Task>,
    /// Open new leads: not contacted and breached first, then not contacted by due time,
    /// then contacted by score.
    pub leads: Vec<InboxLead>,
}

impl Services {
    /// The assignment rules in force (none: leads wait in their team's queue).
    pub async fn assignment_rules(&self) -> Result<AssignmentRules> {
        self.setting_or_default(RULES_KEY).await
    }

    /// Replaces the assignment rules (sales managers, admins); every named user must be an
    /// active user.
    pub async fn set_assignment_rules(
        &self,
        actor: &Actor,
        rules: AssignmentRules,
    ) -> Result<AssignmentRules> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may change assignment".into())
        })?;
        rules.check().map_err(Error::Validation)?;
        let mut errors = Vec::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            for (j, user) in rule.users.iter().enumerate() {
                let active = self
                    .store
                    .get_user(*user)
                    .await?
                    .is_some_and(|u| u.disabled_at.is_none());
                if !active {
                    errors.push(FieldError::new(
                        format!("rules[{i}].users[{j}]"),
                        "unknown_user",
                        format!("no active user has id {user}"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        self.save_setting(actor, RULES_KEY, &rules).await?;
        Ok(rules)
    }

    /// The rep (and their team) the rules give a new lead, if a rule takes it and has an
    /// active person to give it to.
    async fn assign(&self, fields: &LeadFields) -> Result<Option<(UserId, Option<TeamId>)>> {
        if fields.owner_id.is_some() {
            return Ok(None);
        }
        let rules = self.assignment_rules().await?;
        let Some(rule) = rules.rule_for(fields) else {
            return Ok(None);
        };
        let mut ids = rule.users.clone();
        if let Some(team) = rule.team_id {
            ids = self.store.team_members(team).await?;
        }
        let mut people = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = self.store.get_user(id).await?
                && u.disabled_at.is_none()
                && (rule.team_id.is_none() || u.role == Role::SalesRep)
            {
                people.push(u);
            }
        }
        if people.is_empty() {
            return Ok(None);
        }
        people.sort_by_key(|u| u.id);
        let turn = self.store.next_turn(&rule.name).await?;
        let ids: Vec<UserId> = people.iter().map(|u| u.id).collect();
        let counts = match rule.pick() {
            crate::domain::assignment::Pick::Load => self.store.open_lead_counts(&ids).await?,
            crate::domain::assignment::Pick::RoundRobin => Default::default(),
        };
        let weighed: Vec<(UserId, u64)> = ids
            .iter()
            .map(|id| (*id, counts.get(id).copied().unwrap_or(0)))
            .collect();
        Ok(choose(rule.pick(), &weighed, turn).map(|id| {
            let team = people.iter().find(|u| u.id == id).and_then(|u| u.team_id);
            (id, team)
        }))
    }

    /// A new lead's fields and queue after the assignment rules: an owner (and their team)
    /// when a rule gives one, else `team` unchanged.
    pub(super) async fn routed(
        &self,
        mut fields: LeadFields,
        team: Option<TeamId>,
    ) -> Result<(LeadFields, Option<TeamId>)> {
        match self.assign(&fields).await? {
            Some((owner, owner_team)) => {
                fields.owner_id = Some(owner);
                Ok((fields, owner_team.or(team)))
            }
            None => Ok((fields, team)),
        }
    }

    /// The speed-to-lead target (default: 15 working minutes, Monday to Friday 09:00-18:00 UTC).
    pub async fn sla_settings(&self) -> Result<SlaSettings> {
        self.setting_or_default(SLA_KEY).await
    }

    /// Replaces the speed-to-lead target (sales managers, admins).
    pub async fn set_sla_settings(&self, actor: &Actor, sla: SlaSettings) -> Result<SlaSettings> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may change the target".into())
        })?;
        sla.check().map_err(Error::Validation)?;
        self.save_setting(actor, SLA_KEY, &sla).await?;
        Ok(sla)
    }

    /// The actor's inbox: their follow-ups overdue or due today, and the open new leads
    /// they own or that wait in their team's queue, most urgent first.
    pub async fn inbox(&self, actor: &Actor) -> Result<Inbox> {
        let sla = self.sla_settings().await?;
        let now = self.now();
        let owner = actor.user_id;
        let page = PageRequest::new(Some(INBOX_LEADS), None);
        let mut tasks = self
            .list_tasks(actor, DueFilter::Overdue, owner, None, &page)
            .await?
            .items;
        tasks.extend(
            self.list_tasks(actor, DueFilter::Today, owner, None, &page)
                .await?
                .items,
        );
        let filter = LeadFilter {
            stage: Some(LeadStage::Lead),
            status: Some(LeadStatus::Open),
            ..LeadFilter::default()
        };
        let leads: Vec<Lead> = self
            .list_leads(actor, &filter, &page)
            .await?
            .items
            .into_iter()
            .filter(|l| match (l.fields.owner_id, owner) {
                (Some(o), Some(me)) => o == me,
                (None, _) => true,
                (Some(_), None) => true,
            })
            .collect();
        let ids: Vec<_> = leads.iter().map(|l| l.id).collect();
        let contacts = self.store.first_contacts(&ids).await?;
        let mut items: Vec<InboxLead> = leads
            .into_iter()
            .map(|lead| {
                let due_at = sla.due(lead.created_at);
                let first_contact_at = contacts.get(&lead.id).copied();
                let breached = first_contact_at.map_or(now > due_at, |at| at > due_at);
                InboxLead {
                    lead,
                    due_at,
                    first_contact_at,
                    breached,
                }
            })
            .collect();
        items.sort_by(|a, b| {
            let rank = |x: &InboxLead| match (x.first_contact_at, x.breached) {
                (None, true) => 0,
                (None, false) => 1,
                (Some(_), _) => 2,
            };
            rank(a)
                .cmp(&rank(b))
                .then_with(|| match rank(a) {
                    2 => b.lead.score.cmp(&a.lead.score),
                    _ => a.due_at.cmp(&b.due_at),
                })
                .then_with(|| a.lead.id.cmp(&b.lead.id))
        });
        Ok(Inbox {
            tasks,
            leads: items,
        })
    }

    pub(super) async fn setting_or_default<T: serde::de::DeserializeOwned + Default>(
        &self,
        key: &str,
    ) -> Result<T> {
        match self.cached_setting(key).await? {
            None => Ok(T::default()),
            Some(raw) => serde_json::from_str(&raw).map_err(|e| {
                Error::Store(StoreError::Backend(format!(
                    "stored setting {key} is not valid: {e}"
                )))
            }),
        }
    }

    pub(super) async fn save_setting<T: serde::Serialize>(
        &self,
        actor: &Actor,
        key: &str,
        value: &T,
    ) -> Result<()> {
        let json = serde_json::to_string(value).expect("settings serialise");
        self.store
            .save_setting(key, &json, self.now(), actor.user_id)
            .await?;
        self.remember_setting(key, json);
        Ok(())
    }
}
