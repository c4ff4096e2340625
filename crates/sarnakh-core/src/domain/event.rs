//! Engagement events: what a lead did (viewed the pricing page, downloaded the e-book,
//! attended the webinar ...). Each carries the client's own id, so sending a batch twice
//! records it once. Behaviour scoring rules turn them into points.

use super::ids::LeadId;
use super::lifecycle::str_enum;
use chrono::{DateTime, Utc};

str_enum!(
    /// The kind of an engagement event.
    EventKind {
        /// Viewed a page (with its URL).
        PageView = "page_view",
        /// Downloaded content such as an e-book.
        ContentDownload = "content_download",
        /// Registered for a webinar.
        WebinarRegistered = "webinar_registered",
        /// Attended a webinar.
        WebinarAttended = "webinar_attended",
        /// Opened an email.
        EmailOpened = "email_opened",
        /// Clicked a link in an email.
        EmailClicked = "email_clicked",
        /// Asked for a demo.
        DemoRequested = "demo_requested",
        /// Submitted a form.
        FormSubmitted = "form_submitted",
        /// Met at an event.
        EventMet = "event_met",
        /// Anything else.
        Custom = "custom",
    }
);

/// Most events one batch may carry.
pub const MAX_BATCH: usize = 10_000;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementEvent {
    /// The sender's id for the event (idempotency key).
    pub id: String,
    /// The lead it belongs to.
    pub lead_id: LeadId,
    /// What happened.
    pub kind: EventKind,
    /// The page or link, if any.
    pub url: Option<String>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
}

/// An event of a visitor not yet known as a lead: it waits under the visitor id until the
/// visitor becomes a lead, then moves to the lead's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousEvent {
    /// The sender's id for the event (idempotency key).
    pub id: String,
    /// The anonymous visitor id (a cookie value set by the website).
    pub visitor_id: String,
    /// What happened.
    pub kind: EventKind,
    /// The page or link, if any.
    pub url: Option<String>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
}

/// Longest visitor id accepted.
pub const MAX_VISITOR_ID: usize = 100;

/// Raw event input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDraft {
    /// The sender's id for the event (required; 1-100 characters).
    pub id: Option<String>,
    /// Event kind name.
    pub kind: Option<String>,
    /// The lead, by id ...
    pub lead_id: Option<String>,
    /// ... or by email address ...
    pub email: Option<String>,
    /// ... or by anonymous visitor id (kept until the visitor becomes a lead).
    pub visitor_id: Option<String>,
    /// Page or link.
    pub url: Option<String>,
    /// RFC 3339; default now.
    pub occurred_at: Option<String>,
}
