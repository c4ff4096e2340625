//! A record's timeline: its activities, follow-ups and recorded changes (stage moves,
//! conversions, closes) merged in time order.

use super::{Actor, Services};
use crate::domain::{Activity, HistoryEntry, RecordRef, Task};
use crate::error::Result;
use chrono::{DateTime, Utc};

/// One thing on a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineItem {
    /// Something that happened (call, email ...).
    Activity(Activity),
    /// A follow-up, placed at its due time.
    Task(Task),
    /// A recorded change.
    Change(HistoryEntry),
    /// An engagement event (leads only).
    Event(crate::domain::event::EngagementEvent),
}

/// A timeline item with the instant it is placed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Placement time.
    pub at: DateTime<Utc>,
    /// The item.
    pub item: TimelineItem,
}

impl Services {
    /// Everything about `subject`, oldest first. Unknown records are a not-found error.
    pub async fn timeline(&self, actor: &Actor, subject: RecordRef) -> Result<Vec<TimelineEntry>> {
        self.require_visible(actor, subject).await?;
        let (activities, tasks, history) = (
            self.store.activities_of(subject).await?,
            self.store.tasks_of(subject).await?,
            self.store.history_of(subject).await?,
        );
        let mut entries: Vec<TimelineEntry> = activities
            .into_iter()
            .map(|a| TimelineEntry {
                at: a.occurred_at,
                item: TimelineItem::Activity(a),
            })
            .chain(tasks.into_iter().map(|t| TimelineEntry {
                at: t.due_at,
                item: TimelineItem::Task(t),
            }))
            .chain(history.into_iter().map(|h| TimelineEntry {
                at: h.at,
                item: TimelineItem::Change(h),
            }))
            .collect();
        if let RecordRef::Lead(id) = subject {
            let events = self.store.events_of(id).await?;
            entries.extend(events.into_iter().map(|e| TimelineEntry {
                at: e.occurred_at,
                item: TimelineItem::Event(e),
            }));
        }
        entries.sort_by_key(|e| e.at);
        Ok(entries)
    }

    /// A record's audit trail (oldest first): every accepted change with who, when, the token
    /// used, and the fields changed. Unknown or invisible records are a not-found error.
    pub async fn history(
        &self,
        actor: &Actor,
        subject: RecordRef,
    ) -> Result<Vec<crate::domain::HistoryEntry>> {
        self.require_visible(actor, subject).await?;
        Ok(self.store.history_of(subject).await?)
    }

    /// Refuses a record the actor may not see as "not found" (a subject error from
    /// `check_subject` is about a request field; here the record is the path).
    async fn require_visible(&self, actor: &Actor, subject: RecordRef) -> Result<()> {
        self.check_subject(actor, subject)
            .await
            .map_err(|e| match e {
                crate::Error::Validation(_) => {
                    crate::Error::not_found(subject.kind(), subject.uuid())
                }
                other => other,
            })
    }
}
