//! The pipeline's stages as settings: sales managers and admins read them with the deals in
//! each and their change log; admins change them (add, rename, reorder, probability and
//! default forecast category, retire, remove one without deals) as one new version, checked
//! against the version the caller read (If-Match). A refused change writes nothing.
//!
//! What a change does to the rest: deals in a retired stage stay there (the board keeps its
//! column while it has deals) and may only leave it; a new probability weighs every open deal
//! from then on, while stored forecast snapshots keep the figures they were taken with.

use super::{Actor, Services, check_version};
use crate::domain::PipelineStage;
use crate::domain::stage_settings::{StageInput, plan};
use crate::error::{Error, Result};
use crate::store::{StageVersion, StoreError};
use std::collections::HashMap;

/// The pipeline as its settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSettings {
    /// The version in force (send it back as If-Match to change it).
    pub version: i64,
    /// Every stage, retired ones included, in board order.
    pub stages: Vec<PipelineStage>,
    /// Deals (any status) per stage key.
    pub deals: HashMap<String, u64>,
}

/// Most change-log entries one read returns.
pub const MAX_STAGE_VERSIONS: u32 = 100;

impl Services {
    /// The stages with their deal counts and version (sales managers and admins).
    pub async fn stage_settings(&self, actor: &Actor) -> Result<StageSettings> {
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin sees the stage settings".into())
        })?;
        Ok(StageSettings {
            version: self.store.pipeline_version().await?,
            stages: self.store.list_stages().await?,
            deals: self.store.stage_deal_counts().await?,
        })
    }

    /// The newest changes of the pipeline, newest first (sales managers and admins).
    pub async fn stage_versions(&self, actor: &Actor, limit: u32) -> Result<Vec<StageVersion>> {
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin sees the stage settings".into())
        })?;
        Ok(self
            .store
            .stage_versions(limit.clamp(1, MAX_STAGE_VERSIONS))
            .await?)
    }

    /// Replaces the stage list (admins): every field problem at once, `PreconditionFailed`
    /// when `expected_version` is not the version in force. Saving the same list again is a
    /// no-op that writes nothing.
    pub async fn set_stages(
        &self,
        actor: &Actor,
        input: &[StageInput],
        expected_version: Option<i64>,
    ) -> Result<StageSettings> {
        actor.require_write()?;
        actor
            .require_admin()
            .map_err(|_| Error::Forbidden("only an admin may change the pipeline stages".into()))?;
        let current = self.stage_settings(actor).await?;
        check_version(expected_version, current.version)?;
        let planned =
            plan(&current.stages, input, &current.deals, self.now()).map_err(Error::Validation)?;
        if planned.changes.is_empty() {
            return Ok(current);
        }
        let version = StageVersion {
            version: current.version + 1,
            stages: planned.stages,
            removed: planned.removed,
            changes: planned.changes,
            at: self.now(),
            by: actor.user_id,
            token_id: actor.token_id(),
        };
        match self.store.save_stages(&version).await {
            Ok(()) => {}
            Err(StoreError::StaleVersion) => {
                return Err(Error::PreconditionFailed {
                    current: self.store.pipeline_version().await?,
                });
            }
            Err(StoreError::Conflict { .. }) => {
                return Err(Error::field(
                    "stages",
                    "stage_in_use",
                    "a removed stage received deals meanwhile: retire it instead",
                ));
            }
            Err(e) => return Err(e.into()),
        }
        Ok(StageSettings {
            version: version.version,
            stages: version.stages,
            deals: current.deals,
        })
    }
}
