//! Activities: what happened with a person or deal (a call, an email, a meeting, a demo,
//! a note), with its outcome.

use super::ids::{ActivityId, RecordRef, UserId};
use super::lifecycle::str_enum;
use chrono::{DateTime, Utc};

str_enum!(
    /// The kind of an activity.
    ActivityKind {
        /// Phone call.
        Call = "call",
        /// Email.
        Email = "email",
        /// Meeting.
        Meeting = "meeting",
        /// Product demo.
        Demo = "demo",
        /// A note.
        Note = "note",
    }
);

impl ActivityKind {
    /// Whether it reaches the person (a call, email, meeting or demo; a note does not): a
    /// lead's first such activity is its first contact, which the speed-to-lead SLA and
    /// the sources report measure.
    pub fn is_contact(self) -> bool {
        !matches!(self, ActivityKind::Note)
    }
}

str_enum!(
    /// How an activity went.
    ActivityOutcome {
        /// Reached the person.
        Connected = "connected",
        /// Left a voicemail.
        LeftVoicemail = "left_voicemail",
        /// Nobody answered.
        NoAnswer = "no_answer",
        /// Wrong number or address.
        WrongContact = "wrong_contact",
        /// Done as planned.
        Completed = "completed",
        /// Moved to another time.
        Rescheduled = "rescheduled",
    }
);

/// An activity as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Id.
    pub id: ActivityId,
    /// The record it belongs to.
    pub subject: RecordRef,
    /// Kind.
    pub kind: ActivityKind,
    /// Outcome.
    pub outcome: Option<ActivityOutcome>,
    /// Short summary.
    pub summary: String,
    /// Longer body.
    pub body: Option<String>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Who did it.
    pub owner_id: Option<UserId>,
    /// Recorded at.
    pub created_at: DateTime<Utc>,
}
