//! Predictive win probability: training the model from the team's own closed history (on
//! demand by a manager or admin, and on a schedule by the server), and each lead's or deal's
//! probability with its reasons. With too little history there is no model: deals fall back
//! to their stage probability and leads get none, and the answer says so.

use super::{Actor, Services};
use crate::domain::predict::{self, Example, MIN_CLOSED, Reason, TrainError};
use crate::domain::win::RecordFacts;
use crate::domain::{LeadId, OpportunityId, OpportunityStatus, StageKind};
use crate::error::{Error, Result};
use crate::store::{StoreError, WinModel};
use chrono::{DateTime, Utc};

/// Most closed deals, and most disqualified leads, one training reads (the newest).
pub const HISTORY_LIMIT: u32 = 50_000;

/// Where a probability comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The trained model.
    Model,
    /// The deal's pipeline stage probability (no model yet).
    Stage,
    /// The deal is closed: 1 if won, 0 if lost.
    Closed,
    /// No model yet and no stage probability applies (a lead).
    None,
}

impl Method {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Stage => "stage",
            Self::Closed => "closed",
            Self::None => "none",
        }
    }
}

/// A record's win probability and why.
#[derive(Debug, Clone, PartialEq)]
pub struct WinPrediction {
    /// Probability of ending in a won deal, 0..1 (none when nothing can be said).
    pub probability: Option<f64>,
    /// Where it comes from.
    pub method: Method,
    /// The features that moved it most, in percentage points.
    pub reasons: Vec<Reason>,
    /// The model used.
    pub model_version: Option<i64>,
    /// When that model was trained.
    pub trained_at: Option<DateTime<Utc>>,
    /// A sentence for people when there is no model.
    pub note: Option<String>,
}

impl Services {
    /// Trains the win model on the closed history and stores it as the model in force.
    /// Managers and admins (and the server's own schedule) may do this.
    pub async fn train_win_model(&self, actor: &Actor) -> Result<WinModel> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may train the win model".into())
        })?;
        let (examples, records, won) = self.training_examples().await?;
        let training = predict::train(&examples).map_err(|e| match e {
            TrainError::TooLittleHistory { closed, needed } => Error::InsufficientHistory(format!(
                "{closed} closed deals and disqualified leads; at least {needed} are needed"
            )),
            TrainError::OneClass => Error::InsufficientHistory(
                "the closed history has only won or only lost records".into(),
            ),
        })?;
        let version = self
            .store
            .current_win_model()
            .await?
            .map_or(1, |m| m.version + 1);
        let model = WinModel {
            version,
            model: training.model,
            naive_bayes: training.naive_bayes,
            logistic: training.logistic,
            examples: records,
            won,
            trained_at: self.now(),
            trained_by: actor.user_id,
        };
        self.store
            .save_win_model(&model)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => Error::Conflict(
                    "another training finished at the same moment; its model is in force".into(),
                ),
                other => other.into(),
            })?;
        Ok(model)
    }

    /// The model in force, with its figures.
    pub async fn win_model(&self) -> Result<Option<WinModel>> {
        Ok(self.store.current_win_model().await?)
    }

    /// A lead's probability of ending in a won deal.
    pub async fn lead_prediction(&self, actor: &Actor, id: LeadId) -> Result<WinPrediction> {
        let lead = self.get_lead(actor, id).await?;
        let mut facts = RecordFacts::of_lead(&lead);
        self.fill_engagement(lead.id, &mut facts).await?;
        self.predict_or(facts, || {
            (
                None,
                Method::None,
                format!(
                    "no win model yet: it needs at least {MIN_CLOSED} closed deals and disqualified leads"
                ),
            )
        })
        .await
    }

    /// A deal's probability of being won.
    pub async fn opportunity_prediction(
        &self,
        actor: &Actor,
        id: OpportunityId,
    ) -> Result<WinPrediction> {
        let deal = self.visible_opportunity(actor, id).await?;
        if deal.status != OpportunityStatus::Open {
            return Ok(WinPrediction {
                probability: Some(if deal.status == OpportunityStatus::Won {
                    1.0
                } else {
                    0.0
                }),
                method: Method::Closed,
                reasons: Vec::new(),
                model_version: None,
                trained_at: None,
                note: None,
            });
        }
        let lead = match deal.lead_id {
            Some(lead) => self.store.get_lead(lead).await?,
            None => None,
        };
        let mut facts = RecordFacts::of_opportunity(&deal, lead.as_ref());
        if let Some(lead) = &lead {
            self.fill_engagement(lead.id, &mut facts).await?;
        }
        let stage = self
            .store
            .list_stages()
            .await?
            .into_iter()
            .find(|s| s.key == deal.stage)
            .map(|s| f64::from(s.probability) / 100.0);
        self.predict_or(facts, || {
            (
                stage,
                Method::Stage,
                format!(
                    "no win model yet (it needs at least {MIN_CLOSED} closed records): this is the stage probability"
                ),
            )
        })
        .await
    }

    async fn predict_or(
        &self,
        facts: RecordFacts,
        fallback: impl FnOnce() -> (Option<f64>, Method, String),
    ) -> Result<WinPrediction> {
        Ok(match self.store.current_win_model().await? {
            Some(m) => {
                let p = m.model.predict(&facts.features());
                WinPrediction {
                    probability: Some(p.probability),
                    method: Method::Model,
                    reasons: p.reasons,
                    model_version: Some(m.version),
                    trained_at: Some(m.trained_at),
                    note: None,
                }
            }
            None => {
                let (probability, method, note) = fallback();
                WinPrediction {
                    probability,
                    method,
                    reasons: Vec::new(),
                    model_version: None,
                    trained_at: None,
                    note: Some(note),
                }
            }
        })
    }

    async fn fill_engagement(&self, lead: LeadId, facts: &mut RecordFacts) -> Result<()> {
        if let Some(e) = self.store.engagement(&[lead]).await?.remove(&lead) {
            facts.engagement = e;
        }
        Ok(())
    }

    /// The closed history as training examples (each record at every stage it passed,
    /// see [`crate::domain::win::ClosedRecord::snapshots`]), engagement included; with the record counts.
    async fn training_examples(&self) -> Result<(Vec<Example>, usize, usize)> {
        let mut history = self.store.closed_history(HISTORY_LIMIT).await?;
        if history.len() < MIN_CLOSED {
            return Err(Error::InsufficientHistory(format!(
                "{} closed deals and disqualified leads; at least {MIN_CLOSED} are needed",
                history.len()
            )));
        }
        let pipeline: Vec<String> = self
            .store
            .list_stages()
            .await?
            .into_iter()
            .filter(|s| s.kind == StageKind::Open)
            .map(|s| s.key)
            .collect();
        let leads: Vec<LeadId> = history.iter().filter_map(|r| r.lead_id).collect();
        let engagement = self.store.engagement(&leads).await?;
        let mut examples = Vec::with_capacity(history.len() * 3);
        for r in &mut history {
            if let Some(e) = r.lead_id.and_then(|id| engagement.get(&id)) {
                r.facts.engagement = e.clone();
            }
            examples.extend(r.snapshots(&pipeline).iter().map(|facts| Example {
                features: facts.features(),
                won: r.won,
                closed_at: r.closed_at,
            }));
        }
        let won = history.iter().filter(|r| r.won).count();
        Ok((examples, history.len(), won))
    }
}
