//! Webhooks: admin-owned subscriptions to event types, the events of the outbox and their
//! JSON payload, deliveries with their retry schedule. Pure: validation, matching, the
//! payload and the backoff; the store writes, the server's job sends.

use super::history::FieldChange;
use super::ids::{DeliveryId, UserId, WebhookId};
use super::lifecycle::str_enum;
use super::outbound::check_url;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// Every event type a subscription may name (`*` names them all). The first part is the
/// subject, the second what happened (history kinds, plus `created` of accounts and contacts
/// and the time-based `task.overdue`).
pub const EVENT_TYPES: &[&str] = &[
    "lead.created",
    "lead.updated",
    "lead.qualified",
    "lead.converted",
    "lead.disqualified",
    "lead.nurtured",
    "lead.reopened",
    "lead.merged",
    "lead.merged_into",
    "opportunity.created",
    "opportunity.updated",
    "opportunity.stage_changed",
    "opportunity.won",
    "opportunity.lost",
    "opportunity.buyer_role_set",
    "account.created",
    "contact.created",
    "contact.updated",
    "task.overdue",
];

/// Most event types one subscription may list.
pub const MAX_EVENTS: usize = 50;
/// Longest URL accepted.
pub const MAX_URL: usize = 2000;
/// Attempts before a delivery is dead-lettered.
pub const MAX_ATTEMPTS: i32 = 8;

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Id.
    pub id: WebhookId,
    /// Where events are POSTed (http or https, checked against the outbound guard).
    pub url: String,
    /// Event types, or `["*"]` for all.
    pub events: Vec<String>,
    /// Whether events are delivered (an inactive subscription keeps its deliveries).
    pub active: bool,
    /// The HMAC-SHA256 signing secret (shown once, at creation and rotation).
    pub secret: String,
    /// A note for the admins.
    pub description: Option<String>,
    /// Who added it.
    pub created_by: Option<UserId>,
    /// Added at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Webhook {
    /// Whether an event of `event_type` goes to this subscription.
    pub fn wants(&self, event_type: &str) -> bool {
        self.active && self.events.iter().any(|e| e == "*" || e == event_type)
    }
}

/// A subscription as submitted: all fields optional so a PATCH names only what changes.
#[derive(Debug, Clone, Default)]
pub struct WebhookDraft {
    /// Target URL.
    pub url: Option<String>,
    /// Event types or `["*"]`.
    pub events: Option<Vec<String>>,
    /// Default true.
    pub active: Option<bool>,
    /// Optional note.
    pub description: Option<String>,
}

/// A validated URL and event list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookFields {
    /// Normalised URL.
    pub url: Option<String>,
    /// Sorted, de-duplicated event types (or `["*"]`).
    pub events: Option<Vec<String>>,
}

impl WebhookDraft {
    /// Checks the given fields; `creating` requires url and events. `allow_private` lets
    /// loopback and private targets through (testing, intranets).
    pub fn validate(&self, creating: bool, allow_private: bool) -> Result<WebhookFields> {
        let mut errors = Errors::new();
        let url = match &self.url {
            None if creating => {
                errors.push(FieldError::new(
                    "url",
                    "required",
                    "give the URL to POST events to",
                ));
                None
            }
            None => None,
            Some(raw) => errors.take("url", parse_url(raw, allow_private)),
        };
        let events = match &self.events {
            None if creating => {
                errors.push(FieldError::new(
                    "events",
                    "required",
                    "list the event types, or [\"*\"] for all",
                ));
                None
            }
            None => None,
            Some(list) => errors.take("events", parse_events(list)),
        };
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 500)
        {
            errors.push(FieldError::new(
                "description",
                "too_long",
                "at most 500 characters",
            ));
        }
        errors.finish()?;
        Ok(WebhookFields { url, events })
    }
}

fn parse_url(raw: &str, allow_private: bool) -> Result<String, FieldError> {
    if raw.len() > MAX_URL {
        return Err(FieldError::new(
            "",
            "too_long",
            format!("at most {MAX_URL} characters"),
        ));
    }
    check_url(raw, allow_private)
        .map(|(url, _)| url.to_string())
        .map_err(|why| FieldError::new("", "refused_url", why))
}

/// Validates an event list: known types or `*`, at least one.
pub fn parse_events(list: &[String]) -> Result<Vec<String>, FieldError> {
    if list.is_empty() {
        return Err(FieldError::new(
            "",
            "required",
            "list at least one event type, or \"*\"",
        ));
    }
    if list.len() > MAX_EVENTS {
        return Err(FieldError::new(
            "",
            "too_many",
            format!("at most {MAX_EVENTS}"),
        ));
    }
    if list.iter().any(|e| e.trim() == "*") {
        return Ok(vec!["*".to_owned()]);
    }
    let mut out = Vec::with_capacity(list.len());
    for e in list {
        let e = e.trim();
        if !EVENT_TYPES.contains(&e) {
            return Err(FieldError::new(
                "",
                "unknown_event_type",
                format!("{e:?} is not one of: *, {}", EVENT_TYPES.join(", ")),
            ));
        }
        out.push(e.to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

str_enum!(
    /// Where a delivery stands.
    DeliveryStatus {
        /// Waiting for its next attempt.
        Pending = "pending",
        /// Claimed by a worker (until its lease ends).
        Delivering = "delivering",
        /// The subscriber answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed; waits for a manual replay.
        Dead = "dead",
    }
);

/// One event for one subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Id; also the `Sarnakh-Delivery` idempotency key, the same on every retry.
    pub id: DeliveryId,
    /// The subscription.
    pub webhook_id: WebhookId,
    /// The event.
    pub event_id: Uuid,
    /// Its type.
    pub event_type: String,
    /// The JSON body sent.
    pub payload: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made (a claim counts as one).
    pub attempts: i32,
    /// When it is due next.
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure.
    pub last_error: Option<String>,
    /// The last HTTP status received.
    pub response_code: Option<i32>,
    /// Fanned out at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When the subscriber accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A delivery a worker holds until `lease_until`, with where and how to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery (status `delivering`, `attempts` already counting this one).
    pub delivery: Delivery,
    /// The subscription's URL.
    pub url: String,
    /// Its signing secret.
    pub secret: String,
    /// The claim; finishing requires it, so a worker whose lease ran out cannot overwrite.
    pub lease_id: Uuid,
}

/// How an attempt ended, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    /// New status: delivered, pending (retry) or dead.
    pub status: DeliveryStatus,
    /// When to try again (pending).
    pub next_attempt_at: DateTime<Utc>,
    /// The failure, if any.
    pub error: Option<String>,
    /// The HTTP status received, if any.
    pub response_code: Option<i32>,
}

/// The wait after failed attempt `attempt` (1-based): 30 s, 2 min, 10 min, 30 min, 1 h, 3 h,
/// 6 h, each stretched by `jitter` (0.0..1.0 maps to -20 %..+20 %); `None` once
/// [`MAX_ATTEMPTS`] attempts failed (dead-letter it).
pub fn retry_delay(attempt: i32, jitter: f64) -> Option<Duration> {
    const BASE: [u64; 7] = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600];
    if !(1..MAX_ATTEMPTS).contains(&attempt) {
        return None;
    }
    let base = BASE[usize::try_from(attempt - 1).ok()?.min(BASE.len() - 1)] as f64;
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Some(Duration::from_millis((base * factor * 1000.0) as u64))
}

/// What an attempt's result means for the delivery at `now`: a 2xx delivers; anything else
/// waits per [`retry_delay`] or is dead-lettered.
pub fn after_attempt(
    attempts: i32,
    response_code: Option<u16>,
    error: Option<String>,
    now: DateTime<Utc>,
    jitter: f64,
) -> AttemptOutcome {
    let code = response_code.map(i32::from);
    if response_code.is_some_and(|c| (200..300).contains(&c)) {
        return AttemptOutcome {
            status: DeliveryStatus::Delivered,
            next_attempt_at: now,
            error: None,
            response_code: code,
        };
    }
    let error = error.or_else(|| response_code.map(|c| format!("the subscriber answered {c}")));
    match retry_delay(attempts, jitter) {
        Some(wait) => AttemptOutcome {
            status: DeliveryStatus::Pending,
            next_attempt_at: now + chrono::Duration::from_std(wait).unwrap_or_default(),
            error,
            response_code: code,
        },
        None => AttemptOutcome {
            status: DeliveryStatus::Dead,
            next_attempt_at: now,
            error,
            response_code: code,
        },
    }
}

/// One event of the outbox, as fan-out reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// Event id: the history row's id, the account's or contact's id for `*.created` of
    /// those, a fresh id for `task.overdue`.
    pub id: Uuid,
    /// `lead.qualified` ...
    pub event_type: String,
    /// Subject kind (`lead`, `opportunity`, `account`, `contact`, `task`).
    pub subject_type: String,
    /// Subject id.
    pub subject_id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The history sequence number (history events only).
    pub seq: Option<i64>,
    /// Who did it.
    pub actor_id: Option<Uuid>,
    /// Fields of `data` (history: from, to, reason, note, related, changes; others: their own;
    /// leads, deals and accounts also `record`, their main fields at fan-out).
    pub data: Value,
}

impl OutboxEvent {
    /// The stable JSON body: `{id, type, occurred_at, seq, subject: {type, id}, actor_id, data}`.
    pub fn payload(&self) -> String {
        json!({
            "id": self.id,
            "type": self.event_type,
            "occurred_at": self.occurred_at,
            "seq": self.seq,
            "subject": { "type": self.subject_type, "id": self.subject_id },
            "actor_id": self.actor_id,
            "data": self.data,
        })
        .to_string()
    }
}

/// The `data` of a history event.
#[derive(Debug, Clone, Default)]
pub struct HistoryData {
    /// State or stage before.
    pub from: Option<String>,
    /// After.
    pub to: Option<String>,
    /// Reason code.
    pub reason: Option<String>,
    /// Free text.
    pub note: Option<String>,
    /// Related record kind and id.
    pub related: Option<(String, Uuid)>,
    /// Changed fields.
    pub changes: Vec<FieldChange>,
}

impl HistoryData {
    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "from": self.from,
            "to": self.to,
            "reason": self.reason,
            "note": self.note,
            "related": self.related.as_ref().map(|(t, id)| json!({ "type": t, "id": id })),
            "changes": self.changes.iter().map(|c| json!({ "field": c.field, "old": c.old, "new": c.new })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
