//! Follow-up tasks: "call Ali again in a month". Each has an owner and a due time; a task
//! past due and not completed is overdue.

use super::ids::{RecordRef, TaskId, UserId};
use super::lifecycle::str_enum;
use chrono::{DateTime, NaiveTime, Utc};

str_enum!(
    /// Which tasks a follow-up list shows.
    DueFilter {
        /// Open tasks due before now.
        Overdue = "overdue",
        /// Open tasks due today (UTC day).
        Today = "today",
        /// Open tasks due within the next seven days, overdue ones included.
        Week = "week",
        /// Every open task.
        Open = "open",
        /// Completed tasks.
        Done = "done",
    }
);

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Id.
    pub id: TaskId,
    /// The record it is about.
    pub subject: Option<RecordRef>,
    /// What to do.
    pub title: String,
    /// Details.
    pub notes: Option<String>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// Who must do it.
    pub owner_id: UserId,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Task {
    /// True when open and past its due time.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.completed_at.is_none() && self.due_at < now
    }
}

/// Which follow-ups a due window holds, given now: (from, until) bounds on `due_at`.
pub fn due_window(
    due: DueFilter,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let day_start = now.date_naive().and_time(NaiveTime::MIN).and_utc();
    match due {
        DueFilter::Overdue => (None, Some(now)),
        DueFilter::Today => (Some(day_start), Some(day_start + chrono::Duration::days(1))),
        DueFilter::Week => (None, Some(day_start + chrono::Duration::days(8))),
        DueFilter::Open | DueFilter::Done => (None, None),
    }
}
