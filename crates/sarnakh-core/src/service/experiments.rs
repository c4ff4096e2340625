//! A/B experiment use cases: define (marketing, managers, admins), start, stop, and put
//! leads into variants — on capture (API, web form, import) while an experiment runs, or by
//! an explicit assignment or backfill. Anyone signed in reads experiments; the report is in
//! `reports/experiment.rs`.

use super::{Actor, Services, check_version, stale_to_precondition};
use crate::domain::experiment::{
    Assignment, Experiment, ExperimentDraft, ExperimentSettings, ExperimentStatus, LeadOrigin,
    check_move,
};
use crate::domain::{ExperimentId, LeadId};
use crate::error::{Error, Errors, FieldError, Result};
use crate::store::{CandidateWindow, StoreError};
use std::collections::HashSet;

/// Most lead ids one explicit assignment takes.
pub const MAX_ASSIGN_IDS: usize = 1000;
/// Leads read per page of a backfill.
const BACKFILL_PAGE: u32 = 1000;

/// Which leads to assign explicitly: some by id, or every lead created since the start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignInput {
    /// These leads (at most [`MAX_ASSIGN_IDS`]); assigned from now on.
    pub lead_ids: Vec<String>,
    /// Every lead created between the start and the stop (or now) that is not in the
    /// experiment yet; assigned as of its creation, as the capture would have done.
    pub since_start: bool,
}

/// What an explicit assignment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignOutcome {
    /// Leads newly assigned.
    pub assigned: u64,
    /// Leads that were in the experiment already (they keep their variant).
    pub already: u64,
    /// Leads the experiment's rule gives no variant (another form or campaign).
    pub not_matching: u64,
}

impl Services {
    /// Defines a draft experiment. Refuses bad input with field errors (nothing written).
    pub async fn create_experiment(
        &self,
        actor: &Actor,
        draft: &ExperimentDraft,
    ) -> Result<Experiment> {
        actor.require_write()?;
        actor.require_marketing("run experiments")?;
        let s = draft.validate()?;
        self.check_forms(&s).await?;
        let now = self.now();
        let experiment = Experiment {
            id: ExperimentId::new(),
            key: s.key,
            name: s.name,
            description: s.description,
            kind: s.kind,
            method: s.method,
            status: ExperimentStatus::Draft,
            variants: s.variants,
            started_at: None,
            stopped_at: None,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.store
            .insert_experiment(&experiment)
            .await
            .map_err(key_taken)?;
        Ok(experiment)
    }

    /// Replaces an experiment's settings. A running or stopped one keeps its key, kind,
    /// method and variants (its assignments depend on them): only name and description change.
    pub async fn update_experiment(
        &self,
        actor: &Actor,
        id_or_key: &str,
        draft: &ExperimentDraft,
        expected: Option<i64>,
    ) -> Result<Experiment> {
        actor.require_write()?;
        actor.require_marketing("run experiments")?;
        let before = self.experiment(id_or_key).await?;
        let s = draft.validate()?;
        check_version(expected, before.version)?;
        let fixed = (&before.key, before.kind, before.method, &before.variants)
            != (&s.key, s.kind, s.method, &s.variants);
        if before.status != ExperimentStatus::Draft && fixed {
            return Err(Error::Conflict(format!(
                "the experiment is {}: only its name and description may change",
                before.status
            )));
        }
        self.check_forms(&s).await?;
        let after = Experiment {
            key: s.key,
            name: s.name,
            description: s.description,
            kind: s.kind,
            method: s.method,
            variants: s.variants,
            updated_at: self.now(),
            version: before.version + 1,
            ..before.clone()
        };
        self.save_experiment(&after, before.version).await
    }

    /// One experiment, by id or key (anyone signed in).
    pub async fn get_experiment(&self, _actor: &Actor, id_or_key: &str) -> Result<Experiment> {
        self.experiment(id_or_key).await
    }

    /// Every experiment, newest first (anyone signed in).
    pub async fn list_experiments(&self, _actor: &Actor) -> Result<Vec<Experiment>> {
        Ok(self.store.list_experiments().await?)
    }

    /// Starts a draft: from now on every new matching lead gets a variant.
    pub async fn start_experiment(
        &self,
        actor: &Actor,
        id_or_key: &str,
        expected: Option<i64>,
    ) -> Result<Experiment> {
        self.move_experiment(actor, id_or_key, ExperimentStatus::Running, expected)
            .await
    }

    /// Stops a running experiment: nobody is assigned any more; the report stays.
    pub async fn stop_experiment(
        &self,
        actor: &Actor,
        id_or_key: &str,
        expected: Option<i64>,
    ) -> Result<Experiment> {
        self.move_experiment(actor, id_or_key, ExperimentStatus::Stopped, expected)
            .await
    }

    async fn move_experiment(
        &self,
        actor: &Actor,
        id_or_key: &str,
        to: ExperimentStatus,
        expected: Option<i64>,
    ) -> Result<Experiment> {
        actor.require_write()?;
        actor.require_marketing("run experiments")?;
        let before = self.experiment(id_or_key).await?;
        check_version(expected, before.version)?;
        check_move(before.status, to)?;
        let now = self.now();
        let mut after = before.clone();
        after.status = to;
        match to {
            ExperimentStatus::Running => after.started_at = Some(now),
            _ => after.stopped_at = Some(now),
        }
        after.updated_at = now;
        after.version += 1;
        self.save_experiment(&after, before.version).await
    }

    async fn save_experiment(&self, after: &Experiment, expected: i64) -> Result<Experiment> {
        // Started, stopped or renamed: the next capture reads the running ones afresh.
        self.hot.running.forget();
        match self.store.update_experiment(after, expected).await {
            Ok(()) => Ok(after.clone()),
            Err(e @ StoreError::StaleVersion) => Err(stale_to_precondition(e, || async {
                self.store
                    .get_experiment(after.id)
                    .await
                    .ok()
                    .flatten()
                    .map(|x| x.version)
            })
            .await),
            Err(e) => Err(key_taken(e)),
        }
    }

    /// An experiment by id or key.
    pub(super) async fn experiment(&self, id_or_key: &str) -> Result<Experiment> {
        let s = id_or_key.trim();
        let found = match s.parse::<ExperimentId>() {
            Ok(id) => self.store.get_experiment(id).await?,
            Err(_) => self.store.experiment_by_key(s).await?,
        };
        found.ok_or_else(|| Error::not_found("experiment", s))
    }

    /// Refuses variants naming forms that do not exist.
    async fn check_forms(&self, s: &ExperimentSettings) -> Result<()> {
        let mut e = Errors::new();
        for (i, v) in s.variants.iter().enumerate() {
            if let Some(form) = v.form_id
                && self.store.get_form(form).await?.is_none()
            {
                e.push(FieldError::new(
                    format!("variants[{i}].form_id"),
                    "unknown_record",
                    format!("no form has id {form}"),
                ));
            }
        }
        e.finish()
    }

    /// Puts just-created leads into the running experiments that match them (one read of
    /// the running experiments, one write of all assignments). Called by every capture path
    /// after the lead is stored; a lead missed here (the write failed) can be backfilled
    /// later and lands in the same variant.
    pub(super) async fn enter_experiments(&self, leads: &[LeadOrigin]) -> Result<()> {
        if leads.is_empty() {
            return Ok(());
        }
        let running = self
            .hot
            .running
            .get_or_load(|| async {
                Ok::<_, Error>(std::sync::Arc::new(self.store.running_experiments().await?))
            })
            .await?;
        let now = self.now();
        let assignments: Vec<Assignment> = running
            .iter()
            .flat_map(|x| leads.iter().filter_map(move |l| x.assign(l, now)))
            .collect();
        if !assignments.is_empty() {
            self.store.insert_assignments(&assignments).await?;
        }
        Ok(())
    }

    /// Assigns leads explicitly, by the experiment's own rule (nobody picks a lead's
    /// variant by hand). Only a running or stopped experiment takes assignments.
    pub async fn assign_to_experiment(
        &self,
        actor: &Actor,
        id_or_key: &str,
        input: &AssignInput,
    ) -> Result<AssignOutcome> {
        actor.require_write()?;
        actor.require_marketing("assign leads to experiments")?;
        let ids = parse_lead_ids(input)?;
        let x = self.experiment(id_or_key).await?;
        let Some(started) = x.started_at else {
            return Err(Error::Conflict(
                "the experiment has not started: start it first".into(),
            ));
        };
        if input.since_start {
            return self.backfill(&x, started).await;
        }
        let origins = self.store.lead_origins(&ids).await?;
        let visible: HashSet<LeadId> = self
            .store
            .get_leads(&ids)
            .await?
            .into_iter()
            .filter(|l| actor.sees_lead(l))
            .map(|l| l.id)
            .collect();
        let mut e = Errors::new();
        for (i, id) in ids.iter().enumerate() {
            if !visible.contains(id) {
                e.push(FieldError::new(
                    format!("lead_ids[{i}]"),
                    "unknown_record",
                    format!("no lead has id {id}"),
                ));
            }
        }
        e.finish()?;
        let already: HashSet<LeadId> = self
            .store
            .assigned_among(x.id, &ids)
            .await?
            .into_iter()
            .collect();
        let now = self.now();
        let mut out = AssignOutcome {
            already: already.len() as u64,
            ..AssignOutcome::default()
        };
        let mut fresh = Vec::new();
        for o in origins.iter().filter(|o| !already.contains(&o.lead_id)) {
            match x.assign(o, now) {
                Some(a) => fresh.push(a),
                None => out.not_matching += 1,
            }
        }
        out.assigned = self.store.insert_assignments(&fresh).await?;
        Ok(out)
    }

    /// Assigns every lead created since the start (to the stop, or now) not yet in the
    /// experiment, page by page, each as of its creation.
    async fn backfill(
        &self,
        x: &Experiment,
        started: chrono::DateTime<chrono::Utc>,
    ) -> Result<AssignOutcome> {
        let mut window = CandidateWindow {
            from: started,
            to: x.stopped_at.unwrap_or_else(|| self.now()),
            after: None,
            limit: BACKFILL_PAGE,
        };
        let mut out = AssignOutcome::default();
        loop {
            let page = self.store.unassigned_leads(x.id, &window).await?;
            let Some(last) = page.last() else { break };
            window.after = Some((last.created_at, last.lead_id));
            let mut fresh = Vec::new();
            for o in &page {
                match x.assign(o, o.created_at) {
                    Some(a) => fresh.push(a),
                    None => out.not_matching += 1,
                }
            }
            out.assigned += self.store.insert_assignments(&fresh).await?;
            if page.len() < BACKFILL_PAGE as usize {
                break;
            }
        }
        Ok(out)
    }
}

/// Checks that exactly one of `lead_ids` and `since_start` is given, and parses the ids.
fn parse_lead_ids(input: &AssignInput) -> Result<Vec<LeadId>> {
    let mut e = Errors::new();
    if input.since_start != input.lead_ids.is_empty() {
        e.push(FieldError::new(
            "lead_ids",
            "required",
            "give either lead_ids or since_start: true",
        ));
    }
    if input.lead_ids.len() > MAX_ASSIGN_IDS {
        e.push(FieldError::new(
            "lead_ids",
            "too_many",
            format!("at most {MAX_ASSIGN_IDS} leads per request"),
        ));
    }
    let mut ids = Vec::with_capacity(input.lead_ids.len());
    for (i, raw) in input.lead_ids.iter().enumerate() {
        match raw.trim().parse::<LeadId>() {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => e.push(FieldError::new(
                format!("lead_ids[{i}]"),
                "invalid_id",
                format!("{raw:?} is not an id (expected a UUID)"),
            )),
        }
    }
    e.finish()?;
    Ok(ids)
}

/// A taken key is a field error; other store failures pass through.
fn key_taken(e: StoreError) -> Error {
    match e {
        StoreError::Conflict { .. } => {
            Error::field("key", "taken", "another experiment has this key")
        }
        other => other.into(),
    }
}
