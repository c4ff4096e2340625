//! The storage port of A/B experiments: the experiments, the leads' assignments to their
//! variants, and the per-variant counts of the experiment report.

use super::StoreResult;
use crate::domain::experiment::{Assignment, Experiment, LeadOrigin};
use crate::domain::report::ReportScope;
use crate::domain::{ExperimentId, LeadId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Exposure and conversions of one variant: assigned leads, and of those how many
/// qualified, converted and won a deal at or after their assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariantCounts {
    /// The variant's key.
    pub variant: String,
    /// Leads assigned.
    pub exposed: u64,
    /// Qualified (became prospects) at or after assignment.
    pub prospects: u64,
    /// Converted into opportunities at or after assignment.
    pub opportunities: u64,
    /// With a deal won at or after assignment.
    pub won: u64,
}

/// Which leads a backfill looks at: created in `[from, to)`, after `after` in
/// (created_at, id) order, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateWindow {
    /// First instant included.
    pub from: DateTime<Utc>,
    /// First instant excluded.
    pub to: DateTime<Utc>,
    /// The last lead of the previous page.
    pub after: Option<(DateTime<Utc>, LeadId)>,
    /// Page size.
    pub limit: u32,
}

/// Persistence of experiments and assignments.
#[async_trait]
pub trait ExperimentStore: Send + Sync {
    /// Inserts an experiment; `Conflict` when its key is taken.
    async fn insert_experiment(&self, experiment: &Experiment) -> StoreResult<()>;
    /// Replaces an experiment if its stored version is `expected_version` (`StaleVersion`
    /// otherwise).
    async fn update_experiment(
        &self,
        experiment: &Experiment,
        expected_version: i64,
    ) -> StoreResult<()>;
    /// Reads an experiment.
    async fn get_experiment(&self, id: ExperimentId) -> StoreResult<Option<Experiment>>;
    /// The experiment with this key.
    async fn experiment_by_key(&self, key: &str) -> StoreResult<Option<Experiment>>;
    /// Every experiment, newest first.
    async fn list_experiments(&self) -> StoreResult<Vec<Experiment>>;
    /// The running experiments (read on every lead capture: one indexed query).
    async fn running_experiments(&self) -> StoreResult<Vec<Experiment>>;
    /// Records assignments; a lead already in the experiment keeps its first one. Returns
    /// how many were new.
    async fn insert_assignments(&self, assignments: &[Assignment]) -> StoreResult<u64>;
    /// Leads created in the window that are not in the experiment yet, with their campaign
    /// and form, in (created_at, id) order.
    async fn unassigned_leads(
        &self,
        experiment: ExperimentId,
        window: &CandidateWindow,
    ) -> StoreResult<Vec<LeadOrigin>>;
    /// The campaign and form of each of these leads (those that exist).
    async fn lead_origins(&self, leads: &[LeadId]) -> StoreResult<Vec<LeadOrigin>>;
    /// The experiment's leads already assigned among `leads`.
    async fn assigned_among(
        &self,
        experiment: ExperimentId,
        leads: &[LeadId],
    ) -> StoreResult<Vec<LeadId>>;
    /// Per variant: exposure and conversions of the assigned leads the scope lets through
    /// (lead filters and visibility; a period filters the assignment time).
    async fn experiment_counts(
        &self,
        experiment: ExperimentId,
        scope: &ReportScope,
    ) -> StoreResult<Vec<VariantCounts>>;
}
