//! The scoring rules in force, replacing them (marketing, sales managers and admins), and
//! keeping every lead's score, breakdown and grade current: on capture, on every edit, and
//! for all leads when the rules change.

use super::{Actor, Services};
use crate::domain::Lead;
use crate::domain::LeadId;
use crate::domain::event::EngagementEvent;
use crate::domain::page::PageRequest;
use crate::domain::scoring::ScoringRules;
use crate::error::{Error, Result};
use crate::store::LeadFilter;
use std::collections::HashMap;
use std::sync::Arc;

/// Leads rescored per store call when the rules change or on the schedule.
pub const RESCORE_BATCH: u32 = 200;

impl Services {
    /// The scoring rules in force and their version (0: the shipped default). Every capture
    /// reads them: they are cached like the settings (`fresh`).
    pub async fn scoring(&self) -> Result<(i64, ScoringRules)> {
        let current = self
            .hot
            .scoring
            .get_or_load(|| async {
                let stored = self.store.current_scoring().await?;
                Ok::<_, Error>(Arc::new(
                    stored.unwrap_or_else(|| (0, ScoringRules::default_b2b())),
                ))
            })
            .await?;
        Ok((*current).clone())
    }

    /// Saves new scoring rules as the next version and rescores every lead; returns the
    /// version and how many leads were rescored.
    pub async fn set_scoring(&self, actor: &Actor, rules: ScoringRules) -> Result<(i64, usize)> {
        actor.require_write()?;
        actor.require_marketing("change the scoring rules")?;
        rules.check().map_err(|e| Error::Validation(vec![e]))?;
        // The version to follow comes from the store, not the cache.
        self.hot.scoring.forget();
        let (version, current) = self.scoring().await?;
        if current == rules {
            return Ok((version, 0));
        }
        self.store
            .save_scoring(version + 1, &rules, self.now(), actor.user_id)
            .await?;
        self.hot.scoring.put(Arc::new((version + 1, rules.clone())));
        Ok((
            version + 1,
            self.rescore_all(&rules, |_| std::future::ready(())).await?,
        ))
    }

    /// Recomputes every lead's score from the rules in force now: behaviour points decay
    /// with time, so scores drift without new events. The server runs this on a schedule.
    pub async fn rescore_leads(&self, actor: &Actor) -> Result<usize> {
        self.rescore_leads_paced(actor, |_| std::future::ready(()))
            .await
    }

    /// [`Self::rescore_leads`] with a pause after each batch: `pause` gets the time the
    /// batch took and returns the wait before the next one, so a background run leaves
    /// the machine's other work its share (the scheduled rescore waits as long as it
    /// worked).
    pub async fn rescore_leads_paced<P, F>(&self, actor: &Actor, pause: P) -> Result<usize>
    where
        P: FnMut(std::time::Duration) -> F,
        F: std::future::Future<Output = ()>,
    {
        actor.require_write()?;
        actor.require_marketing("rescore leads")?;
        let (_, rules) = self.scoring().await?;
        self.rescore_all(&rules, pause).await
    }

    /// Sets `lead`'s score, breakdown and grade from the rules in force and its events.
    pub(super) async fn apply_score(&self, lead: &mut Lead) -> Result<()> {
        let (_, rules) = self.scoring().await?;
        // A lead being captured has no events yet; skip the read on the hot path.
        let events = if lead.version == 1 {
            Vec::new()
        } else {
            self.store.events_of(lead.id).await?
        };
        let s = rules.score_with(lead, &events, self.now());
        (lead.score, lead.score_lines, lead.grade) = (s.total, s.lines, s.grade);
        Ok(())
    }

    /// Rescores the given leads and stores the scores that changed (a lead whose score,
    /// breakdown and grade come out as it carries them keeps its row untouched).
    pub(super) async fn rescore(&self, rules: &ScoringRules, leads: &[Lead]) -> Result<()> {
        let ids: Vec<LeadId> = leads.iter().map(|l| l.id).collect();
        let mut events = self.store.events_of_leads(&ids).await?;
        let now = self.now();
        let scores: Vec<(LeadId, _)> = leads
            .iter()
            .map(|lead| {
                let events = events.remove(&lead.id).unwrap_or_default();
                (lead, rules.score_with(lead, &events, now))
            })
            .filter(|(lead, s)| !s.is_held_by(lead))
            .map(|(lead, s)| (lead.id, s))
            .collect();
        Ok(self.store.set_lead_scores(&scores).await?)
    }

    /// Rescores the given leads (as read before) after they got the `fresh` events: from
    /// their previous breakdown and their events of the decaying rules' kinds only, exactly as
    /// [`Self::rescore`] would; a lead whose breakdown these rules could not have given is
    /// rescored from all its events. Two batches for one lead at the same time can each miss
    /// the other's points until the next rescore (as with a full rescore, which reads the
    /// events before the other batch commits); the scheduled rescore of every lead repairs it.
    /// Like [`Self::rescore`], only the scores that changed are written.
    pub(super) async fn rescore_after(
        &self,
        rules: &ScoringRules,
        leads: &[Lead],
        mut fresh: HashMap<LeadId, Vec<EngagementEvent>>,
    ) -> Result<()> {
        let ids: Vec<LeadId> = leads.iter().map(|l| l.id).collect();
        let kinds = rules.decaying_kinds();
        let mut decaying = if kinds.is_empty() {
            HashMap::new()
        } else {
            self.store.events_of_leads_of_kinds(&ids, &kinds).await?
        };
        let now = self.now();
        let mut scores = Vec::with_capacity(leads.len());
        let mut stale = Vec::new();
        for lead in leads {
            let new = fresh.remove(&lead.id).unwrap_or_default();
            let past = decaying.remove(&lead.id).unwrap_or_default();
            match rules.score_after(lead, &new, &past, now) {
                Some(s) if s.is_held_by(lead) => {}
                Some(s) => scores.push((lead.id, s)),
                None => stale.push(lead),
            }
        }
        if !stale.is_empty() {
            let ids: Vec<LeadId> = stale.iter().map(|l| l.id).collect();
            let mut events = self.store.events_of_leads(&ids).await?;
            for lead in stale {
                let events = events.remove(&lead.id).unwrap_or_default();
                let s = rules.score_with(lead, &events, now);
                if !s.is_held_by(lead) {
                    scores.push((lead.id, s));
                }
            }
        }
        Ok(self.store.set_lead_scores(&scores).await?)
    }

    async fn rescore_all<P, F>(&self, rules: &ScoringRules, mut pause: P) -> Result<usize>
    where
        P: FnMut(std::time::Duration) -> F,
        F: std::future::Future<Output = ()>,
    {
        let filter = LeadFilter::default();
        let mut page = PageRequest::new(Some(RESCORE_BATCH), None);
        let mut count = 0;
        loop {
            let started = std::time::Instant::now();
            let leads = self.store.list_leads(&filter, &page).await?;
            self.rescore(rules, &leads.items).await?;
            count += leads.items.len();
            match leads.next {
                Some(next) => page = PageRequest::new(Some(RESCORE_BATCH), Some(next)),
                None => return Ok(count),
            }
            pause(started.elapsed()).await;
        }
    }
}
