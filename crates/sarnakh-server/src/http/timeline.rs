//! The wire form of a record's timeline.

use super::activities::{ActivityJson, TaskJson};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::HistoryEntry;
use sarnakh_core::service::{TimelineEntry, TimelineItem};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A recorded change (created, qualified, converted, stage_changed, won, lost ...).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// `lead`, `contact`, `account` or `opportunity`.
    pub related_type: Option<String>,
    pub related_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
}

impl From<HistoryEntry> for ChangeJson {
    fn from(h: HistoryEntry) -> Self {
        Self {
            kind: h.kind,
            from: h.from,
            to: h.to,
            reason: h.reason,
            note: h.note,
            related_type: h.related.map(|r| r.kind().to_owned()),
            related_id: h.related.map(|r| r.uuid()),
            actor_id: h.actor_id.map(|a| a.as_uuid()),
        }
    }
}

/// One timeline entry; exactly one of `activity`, `task`, `change`, `event` is set, as `type` says.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryJson {
    /// `activity`, `task`, `change` or `event`.
    #[serde(rename = "type")]
    pub type_: String,
    /// When it happened (a task: when it is due).
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<ChangeJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventJson>,
}

/// An engagement event on a lead's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    /// The sender's event id.
    pub id: String,
    /// page_view, content_download, webinar_attended ...
    pub kind: String,
    pub url: Option<String>,
}

/// A record's timeline, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineJson {
    pub items: Vec<TimelineEntryJson>,
}

impl From<Vec<TimelineEntry>> for TimelineJson {
    fn from(entries: Vec<TimelineEntry>) -> Self {
        let items = entries
            .into_iter()
            .map(|e| {
                let mut j = TimelineEntryJson {
                    type_: String::new(),
                    at: e.at,
                    activity: None,
                    task: None,
                    change: None,
                    event: None,
                };
                match e.item {
                    TimelineItem::Activity(a) => {
                        (j.type_, j.activity) = ("activity".into(), Some(a.into()))
                    }
                    TimelineItem::Task(t) => (j.type_, j.task) = ("task".into(), Some(t.into())),
                    TimelineItem::Change(h) => {
                        (j.type_, j.change) = ("change".into(), Some(h.into()))
                    }
                    TimelineItem::Event(e) => {
                        let event = EventJson {
                            id: e.id,
                            kind: e.kind.as_str().to_owned(),
                            url: e.url,
                        };
                        (j.type_, j.event) = ("event".into(), Some(event))
                    }
                }
                j
            })
            .collect();
        Self { items }
    }
}

/// One changed field of an edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeJson {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One audit row: an accepted change, who made it, and what it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryJson {
    /// Store-wide increasing sequence number.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The user who made the change.
    pub actor_id: Option<Uuid>,
    /// The API token they used.
    pub token_id: Option<Uuid>,
    /// The playbook version that allowed a qualify or convert.
    pub playbook_version: Option<i64>,
    #[serde(flatten)]
    pub change: ChangeJson,
    /// Changed fields with old and new values (edits).
    pub changes: Vec<FieldChangeJson>,
}

/// A record's audit trail, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    pub items: Vec<HistoryEntryJson>,
}

impl From<Vec<HistoryEntry>> for HistoryJson {
    fn from(rows: Vec<HistoryEntry>) -> Self {
        let items = rows
            .into_iter()
            .map(|mut h| {
                let changes = std::mem::take(&mut h.changes)
                    .into_iter()
                    .map(|c| FieldChangeJson {
                        field: c.field,
                        old: c.old,
                        new: c.new,
                    })
                    .collect();
                HistoryEntryJson {
                    seq: h.seq,
                    at: h.at,
                    actor_id: h.actor_id.map(|a| a.as_uuid()),
                    token_id: h.token_id.map(|t| t.as_uuid()),
                    playbook_version: h.playbook_version,
                    change: h.into(),
                    changes,
                }
            })
            .collect();
        Self { items }
    }
}
