//! A/B experiments: an approach (a landing-page form, a nurture email, a first-call script,
//! an offer) tried in 2 to 10 variants, the first being the control. Leads get a variant by
//! the form they came through, by their campaign, or by a deterministic weighted split of a
//! hash of the experiment and lead ids. Pure: validation and the assignment rule, no IO.

use super::ids::{ExperimentId, FormId, LeadId, UserId};
use super::lifecycle::str_enum;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

str_enum!(
    /// What an experiment varies.
    ExperimentKind {
        /// A landing-page or web form.
        Form = "form",
        /// A nurture email.
        NurtureEmail = "nurture_email",
        /// A first-call script.
        CallScript = "call_script",
        /// An offer.
        Offer = "offer",
        /// Anything else.
        Other = "other",
    }
);

str_enum!(
    /// How leads get their variant.
    AssignmentMethod {
        /// Each variant names a web form: leads captured through it get that variant.
        Form = "form",
        /// Each variant names a campaign: leads of that campaign get that variant.
        Campaign = "campaign",
        /// A weighted split, reproducible from the experiment and lead ids.
        Random = "random",
    }
);

str_enum!(
    /// Where an experiment is in its life.
    ExperimentStatus {
        /// Being set up; assigns nobody.
        Draft = "draft",
        /// Assigns every new lead that matches.
        Running = "running",
        /// Finished; assigns nobody, the report stays.
        Stopped = "stopped",
    }
);

/// Fewest and most variants an experiment compares.
pub const VARIANTS: std::ops::RangeInclusive<usize> = 2..=10;
/// Largest weight of one variant of a random split.
pub const MAX_WEIGHT: u32 = 1000;

/// One arm of an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Short stable key (`a`, `b`, `long-form` ...), unique in the experiment.
    pub key: String,
    /// Human name.
    pub name: String,
    /// Form method: the form whose leads get this variant.
    pub form_id: Option<FormId>,
    /// Campaign method: the campaign whose leads get this variant.
    pub campaign: Option<String>,
    /// Random method: relative weight (1 to [`MAX_WEIGHT`]); 1 for the other methods.
    pub weight: u32,
}

/// An experiment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    /// Id.
    pub id: ExperimentId,
    /// Short unique key (lower-case letters, digits, `-`, `_`).
    pub key: String,
    /// Name.
    pub name: String,
    /// The hypothesis.
    pub description: Option<String>,
    /// What it varies.
    pub kind: ExperimentKind,
    /// How leads get a variant.
    pub method: AssignmentMethod,
    /// Draft, running or stopped.
    pub status: ExperimentStatus,
    /// The variants; the first is the control.
    pub variants: Vec<Variant>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it stopped.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Who created it.
    pub created_by: Option<UserId>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// What the assignment rule needs to know about a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadOrigin {
    /// The lead.
    pub lead_id: LeadId,
    /// Its campaign.
    pub campaign: Option<String>,
    /// The form it was captured through, if any.
    pub form_id: Option<FormId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl LeadOrigin {
    /// The origin of a lead, captured through `form` if any.
    pub fn of(lead: &super::Lead, form: Option<FormId>) -> Self {
        Self {
            lead_id: lead.id,
            campaign: lead.fields.campaign.clone(),
            form_id: form,
            created_at: lead.created_at,
        }
    }
}

/// A lead's place in an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The experiment.
    pub experiment_id: ExperimentId,
    /// The lead.
    pub lead_id: LeadId,
    /// The variant's key.
    pub variant: String,
    /// From when the lead counts as exposed: conversions before it do not count.
    pub assigned_at: DateTime<Utc>,
}

impl Experiment {
    /// The variant `lead` gets, if it takes part: by its form, its campaign, or the hash.
    pub fn variant_for(&self, lead: &LeadOrigin) -> Option<&Variant> {
        match self.method {
            AssignmentMethod::Form => self
                .variants
                .iter()
                .find(|v| v.form_id.is_some() && v.form_id == lead.form_id),
            AssignmentMethod::Campaign => {
                let campaign = lead.campaign.as_deref()?;
                self.variants
                    .iter()
                    .find(|v| v.campaign.as_deref() == Some(campaign))
            }
            AssignmentMethod::Random => {
                let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
                let mut point = split_point(self.id, lead.lead_id, total)?;
                self.variants.iter().find(|v| {
                    let w = u64::from(v.weight);
                    if point < w {
                        true
                    } else {
                        point -= w;
                        false
                    }
                })
            }
        }
    }

    /// The assignment of `lead` at `at`, if it takes part.
    pub fn assign(&self, lead: &LeadOrigin, at: DateTime<Utc>) -> Option<Assignment> {
        self.variant_for(lead).map(|v| Assignment {
            experiment_id: self.id,
            lead_id: lead.lead_id,
            variant: v.key.clone(),
            assigned_at: at,
        })
    }
}

/// A number in `0..total` from SHA-256 of the two ids (the first 8 bytes, big-endian):
/// the same lead always lands in the same place of the same experiment.
pub fn split_point(experiment: ExperimentId, lead: LeadId, total: u64) -> Option<u64> {
    if total == 0 {
        return None;
    }
    let mut hash = Sha256::new();
    hash.update(experiment.as_uuid().as_bytes());
    hash.update(lead.as_uuid().as_bytes());
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    Some(u64::from_be_bytes(first) % total)
}

/// Refuses a change of status that the life cycle does not allow (draft -> running ->
/// stopped).
pub fn check_move(from: ExperimentStatus, to: ExperimentStatus) -> Result<()> {
    use ExperimentStatus::{Draft, Running, Stopped};
    match (from, to) {
        (Draft, Running) | (Running, Stopped) => Ok(()),
        _ => Err(Error::Conflict(format!(
            "an experiment that is {from} cannot become {to} (draft -> running -> stopped)"
        ))),
    }
}

#[path = "experiment_draft.rs"]
mod draft;
pub use draft::{ExperimentDraft, ExperimentSettings, VariantDraft, parse_key};

#[cfg(test)]
#[path = "experiment_tests.rs"]
mod tests;
