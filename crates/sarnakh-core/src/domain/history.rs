//! History rows: one per accepted change to a record (created, updated, qualified, stage
//! moved, closed ...), append-only, numbered by a store-wide increasing sequence, with the
//! fields an edit changed and their old and new values. They feed the audit trail, the
//! timeline, stage history and, later, the funnel reports.

use super::ids::{HistoryId, RecordRef, TokenId, UserId};
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
    /// The API token they used, if any.
    pub token_id: Option<TokenId>,
    /// When.
    pub at: DateTime<Utc>,
    /// The fields an edit changed, with old and new values.
    pub changes: Vec<FieldChange>,
    /// Position in the store-wide history, assigned when stored (0 before).
    pub seq: i64,
    /// The playbook version that allowed a qualify or convert.
    pub playbook_version: Option<i64>,
}

/// One field changed by an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Field name as the API names it.
    pub field: String,
    /// Value before (as text; `None` when empty).
    pub old: Option<String>,
    /// Value after.
    pub new: Option<String>,
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
            token_id: None,
            at,
            changes: Vec::new(),
            seq: 0,
            playbook_version: None,
        }
    }
}
