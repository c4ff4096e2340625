//! Engagement event ingestion: batches of up to 10,000 events, each matched to a lead by id
//! or email, recorded once per sender id, and the affected leads rescored. Bad events are
//! reported by their position in the batch; the good ones are recorded all the same.

use super::{Actor, Services};
use crate::domain::event::{EngagementEvent, EventDraft, EventKind, MAX_BATCH};
use crate::domain::lead::{optional_with, parse_enum};
use crate::domain::{Email, LeadId, text};
use crate::error::{Error, Errors, FieldError, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;

/// An event refused, by its position in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedEvent {
    /// Position in the batch, from 0.
    pub index: usize,
    /// What is wrong with it.
    pub errors: Vec<FieldError>,
}

/// The outcome of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IngestReport {
    /// Events recorded now.
    pub accepted: usize,
    /// Valid events already recorded before (same sender id).
    pub duplicates: usize,
    /// Refused events; every other event of the batch was recorded.
    pub rejected: Vec<RejectedEvent>,
}

impl Services {
    /// Records a batch of engagement events and rescores the leads they belong to.
    pub async fn ingest_events(
        &self,
        actor: &Actor,
        drafts: &[EventDraft],
    ) -> Result<IngestReport> {
        actor.require_write()?;
        if drafts.len() > MAX_BATCH {
            return Err(Error::field(
                "events",
                "too_many",
                format!(
                    "at most {MAX_BATCH} events per batch (got {})",
                    drafts.len()
                ),
            ));
        }
        let now = self.now();
        let mut report = IngestReport::default();
        let mut events = Vec::with_capacity(drafts.len());
        for (index, draft) in drafts.iter().enumerate() {
            match self.event_from(actor, draft, now).await {
                Ok(event) => events.push(event),
                Err(Error::Validation(errors)) => {
                    report.rejected.push(RejectedEvent { index, errors })
                }
                Err(other) => return Err(other),
            }
        }
        report.accepted = self.store.insert_events(&events, now).await?;
        report.duplicates = events.len() - report.accepted;
        let touched: BTreeSet<LeadId> = events.iter().map(|e| e.lead_id).collect();
        let mut leads = Vec::with_capacity(touched.len());
        for id in touched {
            if let Some(lead) = self.store.get_lead(id).await? {
                leads.push(lead);
            }
        }
        let (_, rules) = self.scoring().await?;
        self.rescore(&rules, &leads).await?;
        Ok(report)
    }

    async fn event_from(
        &self,
        actor: &Actor,
        d: &EventDraft,
        now: DateTime<Utc>,
    ) -> Result<EngagementEvent> {
        let mut e = Errors::new();
        let id = e.take("id", text::required(d.id.as_deref().unwrap_or(""), 100));
        let kind = e.take(
            "kind",
            parse_enum(d.kind.as_deref(), EventKind::parse, EventKind::expected).and_then(|k| {
                k.ok_or_else(|| {
                    FieldError::new("", "required", format!("one of {}", EventKind::expected()))
                })
            }),
        );
        let url = e.take("url", text::optional(d.url.as_deref(), 2000));
        let occurred_at = e.take(
            "occurred_at",
            optional_with(d.occurred_at.as_deref(), |v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        FieldError::new(
                            "",
                            "invalid_datetime",
                            format!("{v:?} is not an RFC 3339 time"),
                        )
                    })
            }),
        );
        if let Some(Some(at)) = occurred_at
            && at > now + Duration::minutes(5)
        {
            e.push(FieldError::new(
                "occurred_at",
                "in_future",
                "events cannot happen in the future",
            ));
        }
        e.finish()?;
        let lead_id = self.event_lead(actor, d).await?;
        Ok(EngagementEvent {
            id: id.expect("checked"),
            lead_id,
            kind: kind.expect("checked"),
            url: url.expect("checked"),
            occurred_at: occurred_at.flatten().unwrap_or(now),
        })
    }

    /// The lead an event names, by id or by email, if the actor may see it.
    async fn event_lead(&self, actor: &Actor, d: &EventDraft) -> Result<LeadId> {
        let unknown = |why: &str| Error::field("lead_id", "unknown_lead", why.to_owned());
        let id = match (
            d.lead_id
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty()),
            d.email.as_deref().map(str::trim).filter(|v| !v.is_empty()),
        ) {
            (Some(raw), _) => raw.parse::<LeadId>().map_err(|_| {
                Error::field("lead_id", "invalid_id", format!("{raw:?} is not a UUID"))
            })?,
            (None, Some(raw)) => {
                let email =
                    Email::parse(raw).map_err(|fe| Error::Validation(vec![fe.under("email")]))?;
                self.store
                    .find_lead_by_email(email.as_str())
                    .await?
                    .ok_or_else(|| unknown("no lead has this email"))?
            }
            (None, None) => {
                return Err(Error::field("lead_id", "required", "give lead_id or email"));
            }
        };
        self.get_lead(actor, id)
            .await
            .map(|l| l.id)
            .map_err(|_| unknown("no lead you can see has this id"))
    }
}
