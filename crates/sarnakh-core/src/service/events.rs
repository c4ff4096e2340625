//! Engagement event ingestion: batches of up to 10,000 events, each matched to a lead by id,
//! email or a linked visitor id, recorded once per sender id, and the affected leads
//! rescored. Events of a visitor not yet known wait under the visitor id until the visitor
//! becomes a lead. Bad events are reported by their position in the batch; the good ones
//! are recorded all the same.

use super::{Actor, Services};
use crate::domain::event::{
    AnonymousEvent, EngagementEvent, EventDraft, EventKind, MAX_BATCH, MAX_VISITOR_ID,
};
use crate::domain::lead::{optional_with, parse_enum};
use crate::domain::{Email, Lead, LeadId, text};
use crate::error::{Error, Errors, FieldError, Result};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeSet, HashMap};

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
        let mut anonymous = Vec::new();
        let mut targets = Targets::default();
        for (index, draft) in drafts.iter().enumerate() {
            match self.event_from(actor, draft, now, &mut targets).await {
                Ok(Incoming::Lead(event)) => events.push(event),
                Ok(Incoming::Visitor(event)) => anonymous.push(event),
                Err(Error::Validation(errors)) => {
                    report.rejected.push(RejectedEvent { index, errors })
                }
                Err(other) => return Err(other),
            }
        }
        report.accepted = self.store.insert_events(&events, now).await?
            + self.store.insert_anonymous_events(&anonymous, now).await?;
        report.duplicates = events.len() + anonymous.len() - report.accepted;
        let leads: Vec<Lead> = targets.leads.into_values().flatten().collect();
        let touched: BTreeSet<LeadId> = events.iter().map(|e| e.lead_id).collect();
        let leads: Vec<Lead> = leads
            .into_iter()
            .filter(|l| touched.contains(&l.id))
            .collect();
        let (_, rules) = self.scoring().await?;
        self.rescore(&rules, &leads).await?;
        Ok(report)
    }

    async fn event_from(
        &self,
        actor: &Actor,
        d: &EventDraft,
        now: DateTime<Utc>,
        targets: &mut Targets,
    ) -> Result<Incoming> {
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
        let visitor = e.take(
            "visitor_id",
            text::optional(d.visitor_id.as_deref(), MAX_VISITOR_ID),
        );
        e.finish()?;
        let (id, kind, url) = (
            id.expect("checked"),
            kind.expect("checked"),
            url.expect("checked"),
        );
        let occurred_at = occurred_at.flatten().unwrap_or(now);
        let lead_id = match self.event_lead(d, targets).await? {
            Some(lead) => lead,
            None => match visitor.flatten() {
                Some(visitor_id) => match self.store.visitor_lead(&visitor_id).await? {
                    Some(lead) => lead,
                    None => {
                        return Ok(Incoming::Visitor(AnonymousEvent {
                            id,
                            visitor_id,
                            kind,
                            url,
                            occurred_at,
                        }));
                    }
                },
                None => {
                    return Err(Error::field(
                        "lead_id",
                        "required",
                        "give lead_id, email or visitor_id",
                    ));
                }
            },
        };
        self.visible_lead(actor, lead_id, targets).await?;
        Ok(Incoming::Lead(EngagementEvent {
            id,
            lead_id,
            kind,
            url,
            occurred_at,
        }))
    }

    /// The lead, if the actor may see it, looked up once per batch.
    async fn visible_lead(&self, actor: &Actor, id: LeadId, targets: &mut Targets) -> Result<()> {
        let visible = match targets.leads.get(&id) {
            Some(known) => known.is_some(),
            None => {
                let lead = self.get_lead(actor, id).await.ok();
                let visible = lead.is_some();
                targets.leads.insert(id, lead);
                visible
            }
        };
        if visible {
            Ok(())
        } else {
            Err(Error::field(
                "lead_id",
                "unknown_lead",
                "no lead you can see has this id",
            ))
        }
    }

    /// The lead an event names by id or by email (`None`: it names neither).
    async fn event_lead(&self, d: &EventDraft, targets: &mut Targets) -> Result<Option<LeadId>> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        if let Some(raw) = present(&d.lead_id) {
            return raw.parse::<LeadId>().map(Some).map_err(|_| {
                Error::field("lead_id", "invalid_id", format!("{raw:?} is not a UUID"))
            });
        }
        let Some(raw) = present(&d.email) else {
            return Ok(None);
        };
        let email = Email::parse(&raw).map_err(|fe| Error::Validation(vec![fe.under("email")]))?;
        let found = match targets.emails.get(email.as_str()) {
            Some(found) => *found,
            None => {
                let found = self.store.find_lead_by_email(email.as_str()).await?;
                targets.emails.insert(email.as_str().to_owned(), found);
                found
            }
        };
        found
            .map(Some)
            .ok_or_else(|| Error::field("email", "unknown_lead", "no lead has this email"))
    }
}

/// Where an event goes.
enum Incoming {
    /// To a known lead.
    Lead(EngagementEvent),
    /// To an anonymous visitor, until they become a lead.
    Visitor(AnonymousEvent),
}

/// Leads and email lookups already done in this batch (a batch names the same lead often).
#[derive(Default)]
struct Targets {
    /// Each lead named, if the actor may see it.
    leads: HashMap<LeadId, Option<Lead>>,
    /// Each email named, and the lead it found.
    emails: HashMap<String, Option<LeadId>>,
}
