//! The storage port of the pipeline's settings: the version in force, the deals per stage,
//! saving a new stage list with its audit row (one transaction), and the audit rows.

use super::StoreResult;
use crate::domain::history::FieldChange;
use crate::domain::{PipelineStage, TokenId, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// One saved version of the pipeline: the stages it set and what changed (append-only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageVersion {
    /// 1, 2, 3 ...; version 0 is the pipeline the installation started with.
    pub version: i64,
    /// Every stage after the change, in board order.
    pub stages: Vec<PipelineStage>,
    /// Stage keys removed by it.
    pub removed: Vec<String>,
    /// Each changed attribute with old and new values.
    pub changes: Vec<FieldChange>,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Option<UserId>,
    /// The API token used, if any.
    pub token_id: Option<TokenId>,
}

/// Persistence of the pipeline's stage settings.
#[async_trait]
pub trait StageStore: Send + Sync {
    /// The newest saved version (0 when the pipeline was never edited).
    async fn pipeline_version(&self) -> StoreResult<i64>;
    /// The deals (any status) in each stage; stages without deals are left out.
    async fn stage_deal_counts(&self) -> StoreResult<HashMap<String, u64>>;
    /// Writes `version.stages` as the pipeline (removing `version.removed`) with the audit
    /// row, in one transaction: `StaleVersion` unless the newest version is still
    /// `version.version - 1`, `Conflict` if a removed stage has deals after all.
    async fn save_stages(&self, version: &StageVersion) -> StoreResult<()>;
    /// The newest `limit` versions, newest first.
    async fn stage_versions(&self, limit: u32) -> StoreResult<Vec<StageVersion>>;
}
