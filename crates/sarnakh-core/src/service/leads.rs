//! Lead use cases: capture, read, edit, list, and the lifecycle moves other than
//! conversion (qualify, disqualify, nurture, reopen).

use super::{Actor, Services, check_version, found, stale_to_precondition};
use crate::domain::duplicate::{DuplicateAction, DuplicateMatch};
use crate::domain::experiment::LeadOrigin;
use crate::domain::lead::{LeadDraft, LeadFields, limits};
use crate::domain::lifecycle::{DisqualifyReason, LeadAction, LeadState};
use crate::domain::opportunity::parse_date;
use crate::domain::{
    HistoryEntry, Lead, LeadId, Page, PageRequest, RecordRef, TeamId, UserId, text,
};
use crate::error::{Error, Errors, FieldError, Result};
use crate::store::LeadFilter;

/// A partial edit: `None` keeps a field, `Some(None)` clears it, `Some(Some(v))` sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadPatch {
    /// Given name (cannot be cleared).
    pub first_name: Option<Option<String>>,
    /// Family name.
    pub last_name: Option<Option<String>>,
    /// Email.
    pub email: Option<Option<String>>,
    /// Phone.
    pub phone: Option<Option<String>>,
    /// Job title.
    pub job_title: Option<Option<String>>,
    /// Company.
    pub company: Option<Option<String>>,
    /// Country.
    pub country: Option<Option<String>>,
    /// Source.
    pub source: Option<Option<String>>,
    /// Campaign.
    pub campaign: Option<Option<String>>,
    /// Products of interest (replaces the list).
    pub products: Option<Vec<String>>,
    /// Notes.
    pub notes: Option<Option<String>>,
    /// Employees.
    pub company_size: Option<Option<i64>>,
    /// Industry.
    pub industry: Option<Option<String>>,
    /// Need / pain.
    pub need: Option<Option<String>>,
    /// Decision role.
    pub decision_role: Option<Option<String>>,
    /// Owner.
    pub owner_id: Option<Option<UserId>>,
    /// Checklist evidence: `Some(text)` records an item, `None` removes it; other items stay.
    pub evidence: Option<std::collections::BTreeMap<String, Option<String>>>,
}

impl LeadPatch {
    fn apply(self, d: &mut LeadDraft) {
        fn set<T>(slot: &mut Option<T>, patch: Option<Option<T>>) {
            if let Some(value) = patch {
                *slot = value;
            }
        }
        set(&mut d.first_name, self.first_name);
        set(&mut d.last_name, self.last_name);
        set(&mut d.email, self.email);
        set(&mut d.phone, self.phone);
        set(&mut d.job_title, self.job_title);
        set(&mut d.company, self.company);
        set(&mut d.country, self.country);
        set(&mut d.source, self.source);
        set(&mut d.campaign, self.campaign);
        set(&mut d.notes, self.notes);
        set(&mut d.company_size, self.company_size);
        set(&mut d.industry, self.industry);
        set(&mut d.need, self.need);
        set(&mut d.decision_role, self.decision_role);
        set(&mut d.owner_id, self.owner_id);
        if let Some(products) = self.products {
            d.products = products;
        }
        for (item, text) in self.evidence.unwrap_or_default() {
            match text {
                Some(text) => d.evidence.insert(item.trim().to_lowercase(), text),
                None => d.evidence.remove(&item.trim().to_lowercase()),
            };
        }
    }
}

/// A lifecycle move that passed the checks, ready to be saved.
pub(super) struct Move {
    /// The lead as read.
    pub before: Lead,
    /// The lead in its next state (version bumped).
    pub after: Lead,
    /// The playbook version whose criteria were checked, if any applied.
    pub playbook_version: Option<i64>,
    /// The written reason when a manager overrode unmet criteria.
    pub overridden: Option<String>,
}

/// Input of a lifecycle move; each move reads the parts it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleInput {
    /// The version the caller last saw (`If-Match`); `None` skips the check.
    pub expected_version: Option<i64>,
    /// Reason code (disqualify).
    pub reason: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Revisit date `YYYY-MM-DD` (nurture).
    pub until: Option<String>,
    /// Qualify or convert although playbook criteria are unmet (managers and admins), with
    /// the written reason recorded in history.
    pub override_reason: Option<String>,
}

impl Services {
    /// Captures a new lead from any source, applying the duplicate policy.
    pub async fn capture_lead(&self, actor: &Actor, draft: &LeadDraft) -> Result<Lead> {
        Ok(self.capture_lead_checked(actor, draft).await?.0)
    }

    /// Captures a new lead and names the people it looks like (policy `warn`); with policy
    /// `block` a look-alike refuses the capture (`Error::Duplicate`) and nothing is written.
    pub async fn capture_lead_checked(
        &self,
        actor: &Actor,
        draft: &LeadDraft,
    ) -> Result<(Lead, Vec<DuplicateMatch>)> {
        actor.require_write()?;
        let fields = draft.validate()?;
        actor.check_assign(None, fields.owner_id)?;
        self.check_owner(fields.owner_id).await?;
        let (action, matches) = self.duplicates_of(actor, &fields).await?;
        if action == DuplicateAction::Block && !matches.is_empty() {
            return Err(Error::Duplicate(matches));
        }
        let (fields, team) = self.routed(fields, actor.team()).await?;
        let (lead, history) = self.new_lead(fields, team, actor, None).await?;
        self.store.insert_lead(&lead, &history).await?;
        // A no-op unless the process installed a metrics recorder (`sarnakh serve` does).
        metrics::counter!("sarnakh_leads_captured_total", "source" => lead.fields.source.as_str())
            .increment(1);
        self.enter_experiments(&[LeadOrigin::of(&lead, None)])
            .await?;
        let lead = self.join_visitor(lead, draft.visitor()).await?;
        Ok((lead, matches))
    }

    /// A new, scored lead and its "created" history row (`reason`: its source; `note`: how
    /// it came, e.g. the form's name), not yet stored.
    pub(super) async fn new_lead(
        &self,
        fields: LeadFields,
        team_id: Option<TeamId>,
        actor: &Actor,
        note: Option<String>,
    ) -> Result<(Lead, HistoryEntry)> {
        let (_, rules) = self.scoring().await?;
        Ok(self.build_lead(fields, team_id, actor, note, &rules))
    }

    /// [`Self::new_lead`] with the scoring rules at hand (imports score many leads).
    pub(super) fn build_lead(
        &self,
        fields: LeadFields,
        team_id: Option<TeamId>,
        actor: &Actor,
        note: Option<String>,
        rules: &crate::domain::scoring::ScoringRules,
    ) -> (Lead, HistoryEntry) {
        let now = self.now();
        let mut lead = Lead {
            id: LeadId::new(),
            fields,
            team_id,
            state: LeadState::NEW,
            disqualify_reason: None,
            status_note: None,
            nurture_until: None,
            score: 0,
            score_lines: Vec::new(),
            grade: crate::domain::scoring::Grade::D,
            account_id: None,
            contact_id: None,
            qualified_at: None,
            converted_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let s = rules.score_with(&lead, &[], now);
        (lead.score, lead.score_lines, lead.grade) = (s.total, s.lines, s.grade);
        let history = HistoryEntry {
            to: Some(lead.state.to_string()),
            reason: Some(lead.fields.source.as_str().to_owned()),
            note,
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Lead(lead.id), "created", now)
        };
        (lead, history)
    }

    /// Moves an anonymous visitor's waiting events to a just-stored lead and rescores it.
    pub(super) async fn join_visitor(&self, lead: Lead, visitor: Option<&str>) -> Result<Lead> {
        let Some(visitor) = visitor else {
            return Ok(lead);
        };
        if self
            .store
            .link_visitor(visitor, lead.id, self.now())
            .await?
            == 0
        {
            return Ok(lead);
        }
        let (_, rules) = self.scoring().await?;
        self.rescore(&rules, std::slice::from_ref(&lead)).await?;
        Ok(self.store.get_lead(lead.id).await?.unwrap_or(lead))
    }

    /// Reads one lead the actor may see; others are "not found", so ids do not leak.
    pub async fn get_lead(&self, actor: &Actor, id: LeadId) -> Result<Lead> {
        let lead = self
            .store
            .get_lead(id)
            .await?
            .filter(|l| actor.sees_lead(l));
        found(lead, "lead", id)
    }

    /// A page of the leads the actor may see.
    pub async fn list_leads(
        &self,
        actor: &Actor,
        filter: &LeadFilter,
        page: &PageRequest,
    ) -> Result<Page<Lead>> {
        let mut filter = LeadFilter {
            visibility: actor.lead_visibility(),
            ..filter.clone()
        };
        // A whole email address is looked up exactly (indexed), not scanned for.
        if let Some(email) = filter
            .q
            .as_deref()
            .and_then(|q| crate::domain::Email::parse(q).ok())
        {
            filter.email = Some(email.as_str().to_owned());
            filter.q = None;
        }
        Ok(self.store.list_leads(&filter, page).await?)
    }

    /// Edits a lead's fields; the whole lead is re-validated, so no edit can break it.
    pub async fn update_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        patch: LeadPatch,
        expected_version: Option<i64>,
    ) -> Result<Lead> {
        actor.require_write()?;
        let current = self.get_lead(actor, id).await?;
        check_version(expected_version, current.version)?;
        let mut draft = current.fields.to_draft();
        patch.apply(&mut draft);
        let fields: LeadFields = draft.validate()?;
        if fields.owner_id != current.fields.owner_id {
            actor.check_assign(current.fields.owner_id, fields.owner_id)?;
            self.check_owner(fields.owner_id).await?;
        }
        if fields == current.fields {
            return Ok(current);
        }
        let now = self.now();
        let mut lead = Lead {
            fields,
            updated_at: now,
            version: current.version + 1,
            ..current.clone()
        };
        self.apply_score(&mut lead).await?;
        let history = HistoryEntry {
            changes: crate::domain::lead::diff(&current.fields, &lead.fields),
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            ..HistoryEntry::new(RecordRef::Lead(id), "updated", now)
        };
        self.save_lead(&lead, current.version, &history).await?;
        Ok(lead)
    }

    /// lead -> prospect, once the fit facts are recorded.
    pub async fn qualify_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        input: &LifecycleInput,
    ) -> Result<Lead> {
        let note = note(input)?;
        let step = self
            .begin_move(actor, id, LeadAction::Qualify, input)
            .await?;
        let mut next = step.after.clone();
        next.qualified_at = Some(next.updated_at);
        self.finish_move(actor, &step, next, "qualified", None, note)
            .await
    }

    /// Takes a lead or prospect out of the funnel with a reason.
    pub async fn disqualify_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        input: &LifecycleInput,
    ) -> Result<Lead> {
        let mut e = Errors::new();
        let reason = e.take("reason", parse_reason(input.reason.as_deref()));
        let note = e.take("note", note_raw(input));
        e.finish()?;
        let (reason, note) = (reason.expect("validated"), note.expect("validated"));
        if reason == DisqualifyReason::Other && note.is_none() {
            return Err(Error::field(
                "note",
                "required",
                "explain the reason when it is \"other\"",
            ));
        }
        let step = self
            .begin_move(actor, id, LeadAction::Disqualify, input)
            .await?;
        let mut next = step.after.clone();
        next.disqualify_reason = Some(reason);
        next.status_note.clone_from(&note);
        next.nurture_until = None;
        self.finish_move(
            actor,
            &step,
            next,
            "disqualified",
            Some(reason.as_str()),
            note,
        )
        .await
    }

    /// Parks a lead or prospect until a date ("not now; follow up later").
    pub async fn nurture_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        input: &LifecycleInput,
    ) -> Result<Lead> {
        let mut e = Errors::new();
        let until = e.take("until", parse_date(input.until.as_deref()));
        let note = e.take("note", note_raw(input));
        e.finish()?;
        let until = until.flatten().ok_or_else(|| {
            Error::field("until", "required", "give the date to revisit, YYYY-MM-DD")
        })?;
        if until <= self.now().date_naive() {
            return Err(Error::field(
                "until",
                "not_in_future",
                "the revisit date must be after today",
            ));
        }
        let step = self
            .begin_move(actor, id, LeadAction::Nurture, input)
            .await?;
        let mut next = step.after.clone();
        next.nurture_until = Some(until);
        let note = note.expect("validated");
        next.status_note.clone_from(&note);
        let note = Some(match note {
            Some(text) => format!("until {until}: {text}"),
            None => format!("until {until}"),
        });
        self.finish_move(actor, &step, next, "nurtured", None, note)
            .await
    }

    /// Brings a disqualified or nurtured lead back to work.
    pub async fn reopen_lead(
        &self,
        actor: &Actor,
        id: LeadId,
        input: &LifecycleInput,
    ) -> Result<Lead> {
        let note = note(input)?;
        let step = self
            .begin_move(actor, id, LeadAction::Reopen, input)
            .await?;
        let mut next = step.after.clone();
        next.disqualify_reason = None;
        next.nurture_until = None;
        next.status_note = None;
        self.finish_move(actor, &step, next, "reopened", None, note)
            .await
    }

    /// Loads the lead, checks the version, the state machine and the criteria, and returns
    /// the lead with its next state (version bumped), or the reason it may not move.
    pub(super) async fn begin_move(
        &self,
        actor: &Actor,
        id: LeadId,
        action: LeadAction,
        input: &LifecycleInput,
    ) -> Result<Move> {
        actor.require_write()?;
        let lead = self.get_lead(actor, id).await?;
        check_version(input.expected_version, lead.version)?;
        let state = lead
            .state
            .apply(action)
            .ok_or_else(|| Error::IllegalTransition {
                from: lead.state.to_string(),
                action: action.as_str(),
            })?;
        let playbook = self.playbook().await?;
        let criteria = match action {
            LeadAction::Qualify => &playbook.rules.qualify[..],
            LeadAction::Convert => &playbook.rules.convert[..],
            LeadAction::Disqualify | LeadAction::Nurture | LeadAction::Reopen => &[],
        };
        let unmet = crate::domain::playbook::unmet(criteria, &lead);
        let overridden = match (
            unmet.is_empty(),
            input.override_reason.as_deref().map(str::trim),
        ) {
            (true, _) => None,
            (false, Some(reason)) if !reason.is_empty() => {
                actor.require_override()?;
                Some(
                    text::required(reason, limits::TEXT)
                        .map_err(|e| Error::Validation(vec![e.under("override_reason")]))?,
                )
            }
            (false, _) => {
                return Err(Error::UnmetCriteria {
                    action: action.as_str(),
                    unmet,
                });
            }
        };
        let now = self.now();
        let next = Lead {
            state,
            updated_at: now,
            version: lead.version + 1,
            ..lead.clone()
        };
        let playbook_version =
            (!criteria.is_empty() || overridden.is_some()).then_some(playbook.version);
        Ok(Move {
            before: lead,
            after: next,
            playbook_version,
            overridden,
        })
    }

    async fn finish_move(
        &self,
        actor: &Actor,
        step: &Move,
        after: Lead,
        kind: &str,
        reason: Option<&str>,
        note: Option<String>,
    ) -> Result<Lead> {
        let (reason, note) = match &step.overridden {
            Some(why) => (Some("override"), Some(why.clone())),
            None => (reason, note),
        };
        let history = HistoryEntry {
            from: Some(step.before.state.to_string()),
            to: Some(after.state.to_string()),
            reason: reason.map(str::to_owned),
            note,
            actor_id: actor.user_id,
            token_id: actor.token_id(),
            playbook_version: step.playbook_version,
            ..HistoryEntry::new(RecordRef::Lead(after.id), kind, after.updated_at)
        };
        self.save_lead(&after, step.before.version, &history)
            .await?;
        Ok(after)
    }

    async fn save_lead(&self, lead: &Lead, expected: i64, history: &HistoryEntry) -> Result<()> {
        match self.store.update_lead(lead, expected, Some(history)).await {
            Ok(()) => Ok(()),
            Err(e) => Err(stale_to_precondition(e, || async {
                self.store
                    .get_lead(lead.id)
                    .await
                    .ok()
                    .flatten()
                    .map(|l| l.version)
            })
            .await),
        }
    }

    /// Refuses an owner id that is not a user.
    pub(super) async fn check_owner(&self, owner: Option<UserId>) -> Result<()> {
        match owner {
            Some(id) if self.store.get_user(id).await?.is_none() => Err(Error::field(
                "owner_id",
                "unknown_user",
                format!("no user has id {id}"),
            )),
            _ => Ok(()),
        }
    }
}

fn note(input: &LifecycleInput) -> Result<Option<String>> {
    note_raw(input).map_err(|e| Error::Validation(vec![e.under("note")]))
}

fn note_raw(input: &LifecycleInput) -> Result<Option<String>, FieldError> {
    text::optional(input.note.as_deref(), limits::TEXT)
}

fn parse_reason(raw: Option<&str>) -> Result<DisqualifyReason, FieldError> {
    crate::domain::lead::parse_enum(raw, DisqualifyReason::parse, DisqualifyReason::expected)?
        .ok_or_else(|| {
            FieldError::new(
                "",
                "required",
                format!("give a reason: one of {}", DisqualifyReason::expected()),
            )
        })
}
