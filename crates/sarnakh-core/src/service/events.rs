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
use std::collections::BTreeSet;
use std::collections::HashMap;

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
    /// Records a batch of engagement events and rescores the leads that got new ones. The
    /// batch costs a handful of statements whatever its size: one read of the leads it
    /// names, one of the emails, multi-row inserts, one read of the rescored leads' events of
    /// the decaying rules' kinds (the other rules' points follow from the previous breakdown
    /// and the new events) and multi-row score updates.
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
        let parsed: Vec<std::result::Result<Parsed, Vec<FieldError>>> =
            drafts.iter().map(|d| parse(d, now)).collect();
        let targets = self.resolve(actor, &parsed).await?;
        let mut report = IngestReport::default();
        let mut events = Vec::with_capacity(drafts.len());
        let mut anonymous = Vec::new();
        for (index, p) in parsed.into_iter().enumerate() {
            let p = match p {
                Ok(p) => p,
                Err(errors) => {
                    report.rejected.push(RejectedEvent { index, errors });
                    continue;
                }
            };
            match targets.place(p) {
                Ok(Incoming::Lead(e)) => events.push(e),
                Ok(Incoming::Visitor(e)) => anonymous.push(e),
                Err(errors) => report.rejected.push(RejectedEvent { index, errors }),
            }
        }
        let new = self.store.insert_events(&events, now).await?;
        report.accepted = new.len() + self.store.insert_anonymous_events(&anonymous, now).await?;
        report.duplicates = events.len() + anonymous.len() - report.accepted;
        let mut slots: Vec<Option<EngagementEvent>> = events.into_iter().map(Some).collect();
        let mut fresh: HashMap<LeadId, Vec<EngagementEvent>> = HashMap::new();
        for i in new {
            let e = slots[i].take().expect("each position is recorded once");
            fresh.entry(e.lead_id).or_default().push(e);
        }
        let touched: BTreeSet<LeadId> = fresh.keys().copied().collect();
        let leads: Vec<Lead> = touched
            .iter()
            .filter_map(|id| targets.leads.get(id).cloned())
            .collect();
        let (_, rules) = self.scoring().await?;
        self.rescore_after(&rules, &leads, fresh).await?;
        Ok(report)
    }

    /// Looks up, in bulk, every lead, email and visitor the batch names.
    async fn resolve(
        &self,
        actor: &Actor,
        parsed: &[std::result::Result<Parsed, Vec<FieldError>>],
    ) -> Result<Targets> {
        let mut ids: BTreeSet<LeadId> = BTreeSet::new();
        let mut emails: BTreeSet<String> = BTreeSet::new();
        let mut visitors: BTreeSet<String> = BTreeSet::new();
        for p in parsed.iter().flatten() {
            match &p.target {
                Target::Lead(id) => {
                    ids.insert(*id);
                }
                Target::Email(e) => {
                    emails.insert(e.as_str().to_lowercase());
                }
                Target::Visitor(v) => {
                    visitors.insert(v.clone());
                }
                Target::None => {}
            }
        }
        let by_email = self
            .store
            .leads_by_emails(&emails.into_iter().collect::<Vec<_>>())
            .await?;
        let by_visitor = self
            .store
            .visitor_leads(&visitors.into_iter().collect::<Vec<_>>())
            .await?;
        ids.extend(by_visitor.values().copied());
        ids.extend(by_email.values().copied());
        let leads = self
            .store
            .get_leads(&ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter(|l| actor.sees_lead(l))
            .map(|l| (l.id, l))
            .collect();
        Ok(Targets {
            leads,
            by_email,
            by_visitor,
        })
    }
}

/// Who an event is about, as sent.
enum Target {
    /// By lead id.
    Lead(LeadId),
    /// By email.
    Email(Email),
    /// By anonymous visitor id only.
    Visitor(String),
    /// Nobody named.
    None,
}

/// A valid event whose lead is not looked up yet.
struct Parsed {
    id: String,
    kind: EventKind,
    url: Option<String>,
    occurred_at: DateTime<Utc>,
    target: Target,
}

/// Checks one event's fields (no lookups).
fn parse(d: &EventDraft, now: DateTime<Utc>) -> std::result::Result<Parsed, Vec<FieldError>> {
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
    let present = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let target = if let Some(raw) = present(&d.lead_id) {
        match raw.parse::<LeadId>() {
            Ok(id) => Some(Target::Lead(id)),
            Err(_) => {
                e.push(FieldError::new(
                    "lead_id",
                    "invalid_id",
                    format!("{raw:?} is not a UUID"),
                ));
                None
            }
        }
    } else if let Some(raw) = present(&d.email) {
        e.take("email", Email::parse(&raw)).map(Target::Email)
    } else {
        match visitor.flatten() {
            Some(v) => Some(Target::Visitor(v)),
            None => Some(Target::None),
        }
    };
    if let Err(Error::Validation(errors)) = e.finish() {
        return Err(errors);
    }
    let ok = "checked above";
    Ok(Parsed {
        id: id.expect(ok),
        kind: kind.expect(ok),
        url: url.expect(ok),
        occurred_at: occurred_at.flatten().unwrap_or(now),
        target: target.expect(ok),
    })
}

/// Where an event goes.
enum Incoming {
    /// To a known lead.
    Lead(EngagementEvent),
    /// To an anonymous visitor, until they become a lead.
    Visitor(AnonymousEvent),
}

/// The batch's lookups, done once.
struct Targets {
    /// Every named lead the actor may see.
    leads: HashMap<LeadId, Lead>,
    /// Lead by lower-cased email.
    by_email: HashMap<String, LeadId>,
    /// Lead by linked visitor id.
    by_visitor: HashMap<String, LeadId>,
}

impl Targets {
    /// The event for a lead the actor can see, or for a visitor not known yet.
    fn place(&self, p: Parsed) -> std::result::Result<Incoming, Vec<FieldError>> {
        let unknown =
            |field: &str, why: &str| vec![FieldError::new(field, "unknown_lead", why.to_owned())];
        let lead_id = match &p.target {
            Target::Lead(id) => *id,
            Target::Email(e) => *self
                .by_email
                .get(&e.as_str().to_lowercase())
                .ok_or_else(|| unknown("email", "no lead has this email"))?,
            Target::Visitor(v) => match self.by_visitor.get(v) {
                Some(id) => *id,
                None => {
                    return Ok(Incoming::Visitor(AnonymousEvent {
                        id: p.id,
                        visitor_id: v.clone(),
                        kind: p.kind,
                        url: p.url,
                        occurred_at: p.occurred_at,
                    }));
                }
            },
            Target::None => {
                return Err(vec![FieldError::new(
                    "lead_id",
                    "required",
                    "give lead_id, email or visitor_id",
                )]);
            }
        };
        if !self.leads.contains_key(&lead_id) {
            return Err(unknown("lead_id", "no lead you can see has this id"));
        }
        Ok(Incoming::Lead(EngagementEvent {
            id: p.id,
            lead_id,
            kind: p.kind,
            url: p.url,
            occurred_at: p.occurred_at,
        }))
    }
}
