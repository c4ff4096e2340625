//! History rows: one per change to a record (created, qualified, stage moved, closed ...).
//! They feed the timeline, stage history and, later, the funnel reports.

use super::ids::{HistoryId, RecordRef, UserId};
use chrono::{DateTime, Utc};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Id.
    pub id: HistoryId,
    /// The record that changed.
    pub subject: RecordRef,
    /// What happened: `created`, `updated`, `qualified`, `converted`, `disqualified`,
    /// `nurtured`, `reopened`, `stage_changed`, `won`, `lost`.
    pub kind: String,
    /// State or stage before.
    pub from: Option<String>,
    /// State or stage after.
    pub to: Option<String>,
    /// Reason code.
    pub reason: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Another record involved (the opportunity a conversion created ...).
    pub related: Option<RecordRef>,
    /// Who did it.
    pub actor_id: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
}

impl HistoryEntry {
    /// A bare entry of `kind` for `subject` at `at`; fill the rest with struct update.
    pub fn new(subject: RecordRef, kind: &str, at: DateTime<Utc>) -> Self {
        Self {
            id: HistoryId::new(),
            subject,
            kind: kind.to_owned(),
            from: None,
            to: None,
            reason: None,
            note: None,
            related: None,
            actor_id: None,
            at,
        }
    }
}
