//! Working the lead inbox as the source articles describe it: capture, first contact,
//! discovery and qualification, then convert, nurture ("a follow-up a month out") or
//! disqualify with a reason.

use super::calendar::midnight;
use super::capture::{arrival, country};
use super::companies::need;
use super::names::{pick, weighted};
use super::outcomes::PROSPECT_REASONS;
use super::sim::{Event, LeadCard, Plan, Sim, by};
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::Error;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::{DisqualifyReason as Why, LeadSource, RecordRef};
use sarnakh_core::service::{Actor, LeadPatch, LifecycleInput};

/// Why leads are disqualified, and how often.
#[rustfmt::skip]
const LEAD_REASONS: &[(Why, u32)] = &[
    (Why::NotInterested, 22), (Why::NoBudget, 16), (Why::Unreachable, 16), (Why::WrongFit, 14),
    (Why::NoNeed, 10), (Why::NoAuthority, 6), (Why::Duplicate, 5), (Why::Spam, 7), (Why::Other, 4),
];

impl Sim {
    /// A new lead arrives now.
    pub async fn capture(&mut self, at: DateTime<Utc>) -> Result<(), Error> {
        let country = country(&mut self.rng);
        let owner = self.owner_for(country);
        let who = arrival(&mut self.rng, country, owner);
        let actor = match who.source {
            LeadSource::WebForm
            | LeadSource::ContentDownload
            | LeadSource::Webinar
            | LeadSource::Api => Actor::SYSTEM,
            LeadSource::Import | LeadSource::Event => by(self.marketing),
            _ => by(owner),
        };
        let lead = self.services.capture_lead(&actor, &who.draft).await?;
        let qualify_odds = match who.source {
            LeadSource::Referral => 0.5,
            LeadSource::Partner | LeadSource::InboundCall => 0.45,
            LeadSource::ContentDownload => 0.2,
            LeadSource::ColdOutreach => 0.18,
            LeadSource::Import => 0.15,
            _ => 0.3,
        };
        let roll = self.rng.f64();
        let plan = if roll < qualify_odds {
            Plan::Qualify
        } else if roll < qualify_odds + 0.1 {
            Plan::Nurture
        } else if roll < qualify_odds + 0.18 {
            Plan::Idle
        } else {
            Plan::Disqualify(weighted(&mut self.rng, LEAD_REASONS))
        };
        let index = self.leads.len();
        self.leads.push(LeadCard {
            id: lead.id,
            owner,
            who,
            captured: at,
            plan,
            attempts: 0,
            status: LeadStatus::Open,
            prospect: false,
            follow_up: None,
        });
        // Speed matters: most leads hear from a rep within a day or two, some wait longer.
        let hours = (2.0 + 118.0 * self.rng.f64().powi(2)) as i64;
        let first = self.later(at, hours, hours + 2);
        self.schedule(
            first,
            Event::Touch {
                lead: index,
                attempt: 1,
            },
        );
        Ok(())
    }

    /// A call or email to the lead; on contact, the plan is carried out.
    pub async fn touch(&mut self, i: usize, attempt: u8) -> Result<(), Error> {
        let card = &mut self.leads[i];
        if card.status != LeadStatus::Open {
            return Ok(());
        }
        card.attempts = attempt;
        let (owner, plan, id, name) = (card.owner, card.plan, card.id, card.who.name.full());
        let (has_phone, has_email) = (
            card.who.draft.phone.is_some(),
            card.who.draft.email.is_some(),
        );
        let by_phone = has_phone && (!has_email || self.rng.f64() < 0.7);
        let reachable = plan != Plan::Disqualify(Why::Unreachable);
        let connected = reachable && (attempt >= 3 || self.rng.f64() < 0.6);
        let subject = RecordRef::Lead(id);
        let now = self.clock_now();
        match (by_phone, connected) {
            (true, true) => {
                self.activity(
                    owner,
                    subject,
                    "call",
                    Some("connected"),
                    format!("First call with {name}"),
                )
                .await?
            }
            (true, false) => {
                let outcome = pick(
                    &mut self.rng,
                    &["no_answer", "no_answer", "left_voicemail", "wrong_contact"],
                );
                self.activity(
                    owner,
                    subject,
                    "call",
                    Some(outcome),
                    format!("Tried to reach {name}"),
                )
                .await?;
            }
            (false, true) => {
                self.activity(
                    owner,
                    subject,
                    "email",
                    Some("completed"),
                    format!("{name} replied to the intro email"),
                )
                .await?
            }
            (false, false) => {
                self.activity(
                    owner,
                    subject,
                    "email",
                    None,
                    format!("Intro email to {name}, no reply yet"),
                )
                .await?
            }
        }
        if !connected {
            if attempt >= 3 {
                let at = now + Duration::minutes(5);
                return self.disqualify(i, Why::Unreachable, at).await;
            }
            let next = self.later(now, 20, 72);
            if self.rng.bool() {
                self.task(owner, subject, format!("Call {name} again"), next, 0.9)
                    .await?;
            }
            self.schedule(
                next,
                Event::Touch {
                    lead: i,
                    attempt: attempt + 1,
                },
            );
            return Ok(());
        }
        match plan {
            Plan::Qualify => {
                let at = self.later(now, 1, 96);
                self.schedule(at, Event::Qualify(i));
            }
            Plan::Nurture => self.nurture(i, now + Duration::minutes(10)).await?,
            Plan::Disqualify(why) => {
                let at = now + Duration::minutes(self.rng.i64(3..30));
                self.disqualify(i, why, at).await?;
            }
            Plan::Idle => {
                let due = self.later(now, 48, 168);
                self.task(
                    owner,
                    subject,
                    format!("Send product information to {name}"),
                    due,
                    0.5,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Discovery call: the fit facts are recorded and the lead becomes a prospect.
    pub async fn qualify(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        if card.status != LeadStatus::Open || card.prospect {
            return Ok(());
        }
        let (owner, id, name, who) = (card.owner, card.id, card.who.name.full(), card.who.clone());
        let now = self.clock_now();
        self.activity(
            owner,
            RecordRef::Lead(id),
            "call",
            Some("connected"),
            format!("Discovery call with {name}: need, budget, timeline"),
        )
        .await?;
        let size = ((who.company.size as f64) * (0.7 + 0.6 * self.rng.f64()))
            .round()
            .max(2.0) as i64;
        let patch = LeadPatch {
            company: Some(Some(who.company.name.to_owned())),
            company_size: Some(Some(size)),
            industry: Some(Some(who.company.industry.to_owned())),
            need: Some(Some(need(&mut self.rng, who.country.locale()).to_owned())),
            decision_role: Some(Some(who.role.to_owned())),
            job_title: Some(Some(who.title.to_owned())),
            ..LeadPatch::default()
        };
        self.set(now + Duration::minutes(20));
        self.services
            .update_lead(&by(owner), id, patch, None)
            .await?;
        self.set(now + Duration::minutes(23));
        self.services
            .qualify_lead(&by(owner), id, &LifecycleInput::default())
            .await?;
        let card = &mut self.leads[i];
        card.prospect = true;
        let due = self.later(now, 20, 96);
        self.task(
            owner,
            RecordRef::Lead(id),
            format!("Send case study and pricing to {name}"),
            due,
            0.94,
        )
        .await?;
        let decide = self.later(now, 72, 21 * 24);
        self.schedule(decide, Event::Decide(i));
        Ok(())
    }

    /// A prospect is converted, parked, dropped, or left waiting for an answer.
    pub async fn decide(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        if card.status != LeadStatus::Open {
            return Ok(());
        }
        let (owner, id, name) = (card.owner, card.id, card.who.name.full());
        let now = self.clock_now();
        let roll = self.rng.f64();
        if roll < 0.38 {
            self.convert(i).await
        } else if roll < 0.53 {
            self.nurture(i, now).await
        } else if roll < 0.8 {
            let why = weighted(&mut self.rng, PROSPECT_REASONS);
            self.disqualify(i, why, now).await
        } else {
            let due = self.later(now, 72, 240);
            self.task(
                owner,
                RecordRef::Lead(id),
                format!("Chase {name} for a decision"),
                due,
                0.6,
            )
            .await?;
            if self.rng.bool() {
                let again = self.later(now, 15 * 24, 40 * 24);
                self.schedule(again, Event::Decide(i));
            }
            Ok(())
        }
    }

    /// This morning's inbox: the newest, untouched leads get a first call due today.
    pub async fn morning_inbox(&mut self) -> Result<(), Error> {
        let now = self.set(self.now);
        let fresh: Vec<usize> = (0..self.leads.len())
            .filter(|i| {
                let card = &self.leads[*i];
                card.attempts == 0
                    && card.status == LeadStatus::Open
                    && card.captured > now - Duration::days(3)
            })
            .collect();
        for i in fresh {
            if self.rng.f64() < 0.7 {
                let card = &self.leads[i];
                let (owner, subject, name) =
                    (card.owner, RecordRef::Lead(card.id), card.who.name.full());
                let due =
                    midnight(now.date_naive()) + Duration::minutes(self.rng.i64(5 * 60..17 * 60));
                self.task(owner, subject, format!("First call: {name}"), due, 0.0)
                    .await?;
            }
        }
        Ok(())
    }
}
