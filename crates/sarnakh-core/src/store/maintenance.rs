//! The maintenance port: integrity checks and online backups of the whole database, for
//! operators (`sarnakh check`, `sarnakh backup`). Adapters implement it with their engine's
//! own tools; nothing here knows SQL.

use super::{StoreError, StoreResult};
use async_trait::async_trait;
use std::path::Path;

/// One problem an integrity check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable snake_case name of the check (`integrity_check`, `converted_lead_without_account`).
    pub check: String,
    /// What is wrong, for a person.
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.check, self.detail)
    }
}

/// Why a maintenance operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    /// This engine does not do it; the message says what to use instead.
    #[error("{0}")]
    Unsupported(String),
    /// The operation was refused to protect data; the message says why and how to proceed.
    #[error("{0}")]
    Refused(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Integrity checks and backups of the whole database.
#[async_trait]
pub trait MaintenanceStore: Send + Sync {
    /// Runs every integrity check the engine offers (file integrity, foreign keys,
    /// migrations applied) and the cross-record invariants SQL checks cheaply. An empty
    /// list means healthy. Errors only when the checks themselves cannot run.
    async fn check(&self) -> StoreResult<Vec<Finding>>;

    /// Writes a consistent copy of the whole database to a new file at `path` while other
    /// connections may be writing; the file appears only when complete (an existing file
    /// is replaced). Errors: [`MaintenanceError::Unsupported`] where the engine has its own
    /// tools (PostgreSQL: `pg_dump`).
    async fn backup_to(&self, path: &Path) -> Result<(), MaintenanceError>;
}
