//! Working the lead inbox as the source articles describe it: capture, first contact,
//! discovery and qualification, then convert, nurture ("a follow-up a month out") or
//! disqualify with a reason.

use super::capture::{arrival, country};
use super::companies::need;
use super::names::{pick, weighted};
use super::sim::{Event, LeadCard, Plan, Sim, by};
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::Error;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::{DisqualifyReason as Why, Lead, LeadSource, RecordRef};
use sarnakh_core::service::{Actor, LeadPatch, LifecycleInput};

/// Why leads are disqualified, and how often.
const LEAD_REASONS: &[(Why, u32)] = &[
    (Why::NotInterested, 22), (Why::NoBudget, 16), (Why::Unreachable, 16), (Why::WrongFit, 14),
    (Why::NoNeed, 10), (Why::NoAuthority, 6), (Why::Duplicate, 5), (Why::Spam, 7), (Why::Other, 4),
];

/// Why prospects are disqualified after a closer look.
const PROSPECT_REASONS: &[(Why, u32)] = &[
    (Why::NoBudget, 30), (Why::NotInterested, 20), (Why::NoAuthority, 15), (Why::WrongFit, 15), (Why::NoNeed, 10), (Why::Other, 10),
];

const NURTURE_NOTES: &[&str] = &[
    "Budget opens next quarter",
    "Revisit after Nowruz holidays",
    "Revine după concediu; sunați în luna următoare",
    "Wants to see the telephony add-on first",
    "Signing with a new sales director; call back then",
];

fn reason_note(why: Why) -> Option<&'static str> {
    Some(match why {
        Why::NotInterested => "Only wanted the free e-book",
        Why::NoBudget => "Budget is far below our cheapest plan",
        Why::Unreachable => "No answer after three attempts",
        Why::WrongFit => "One-person business, no sales team",
        Why::NoNeed => "Happy with their current process",
        Why::NoAuthority => "Intern collecting offers; no access to the decision makers",
        Why::Duplicate => "Already in the pipeline under a colleague's lead",
        Why::Spam => return None,
        Why::Other => "Decided to build an in-house tool",
    })
}

impl Sim {
    /// A new lead arrives now.
    pub async fn capture(&mut self, at: DateTime<Utc>) -> Result<(), Error> {
        let country = country(&mut self.rng);
        let owner = self.owner_for(country);
        let who = arrival(&mut self.rng, country, owner);
        let actor = match who.source {
            LeadSource::WebForm | LeadSource::ContentDownload | LeadSource::Webinar | LeadSource::Api => Actor::SYSTEM,
            LeadSource::Import | LeadSource::Event => by(self.marketing),
            _ => by(owner),
        };
        let lead = self.services.capture_lead(actor, &who.draft).await?;
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
            contact: None,
            follow_up: None,
        });
        // Speed matters: most leads hear from a rep within a day or two, some wait longer.
        let hours = (2.0 + 118.0 * self.rng.f64().powi(2)) as i64;
        let first = self.later(at, hours, hours + 2);
        self.schedule(first, Event::Touch { lead: index, attempt: 1 });
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
        let (has_phone, has_email) = (card.who.draft.phone.is_some(), card.who.draft.email.is_some());
        let by_phone = has_phone && (!has_email || self.rng.f64() < 0.7);
        let reachable = plan != Plan::Disqualify(Why::Unreachable);
        let connected = reachable && (attempt >= 3 || self.rng.f64() < 0.6);
        let subject = RecordRef::Lead(id);
        let now = self.clock_now();
        match (by_phone, connected) {
            (true, true) => self.activity(owner, subject, "call", Some("connected"), format!("First call with {name}")).await?,
            (true, false) => {
                let outcome = pick(&mut self.rng, &["no_answer", "no_answer", "left_voicemail", "wrong_contact"]);
                self.activity(owner, subject, "call", Some(outcome), format!("Tried to reach {name}")).await?;
            }
            (false, true) => self.activity(owner, subject, "email", Some("completed"), format!("{name} replied to the intro email")).await?,
            (false, false) => self.activity(owner, subject, "email", None, format!("Intro email to {name}, no reply yet")).await?,
        }
        if !connected {
            if attempt >= 3 {
                let at = now + Duration::minutes(5);
                return self.disqualify(i, Why::Unreachable, at).await;
            }
            let next = self.later(now, 20, 72);
            if self.rng.bool() {
                self.task(owner, subject, format!("Call {name} again"), next, 0.9).await?;
            }
            self.schedule(next, Event::Touch { lead: i, attempt: attempt + 1 });
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
                self.task(owner, subject, format!("Send product information to {name}"), due, 0.5).await?;
            }
        }
        Ok(())
    }

    /// Discovery call: the fit facts are recorded and the lead becomes a prospect.
    pub async fn qualify(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        if card.status != LeadStatus::Open {
            return Ok(());
        }
        let (owner, id, name, who) = (card.owner, card.id, card.who.name.full(), card.who.clone());
        let now = self.clock_now();
        self.activity(owner, RecordRef::Lead(id), "call", Some("connected"), format!("Discovery call with {name}: need, budget, timeline")).await?;
        let size = ((who.company.size as f64) * (0.7 + 0.6 * self.rng.f64())).round().max(2.0) as i64;
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
        self.services.update_lead(by(owner), id, patch, None).await?;
        self.set(now + Duration::minutes(23));
        self.services.qualify_lead(by(owner), id, &LifecycleInput::default()).await?;
        let card = &mut self.leads[i];
        card.prospect = true;
        let due = self.later(now, 20, 96);
        self.task(owner, RecordRef::Lead(id), format!("Send case study and pricing to {name}"), due, 0.94).await?;
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
            self.task(owner, RecordRef::Lead(id), format!("Chase {name} for a decision"), due, 0.6).await?;
            if self.rng.bool() {
                let again = self.later(now, 15 * 24, 40 * 24);
                self.schedule(again, Event::Decide(i));
            }
            Ok(())
        }
    }

    /// The nurture date came: drop it, bring it back to work, or let it slip.
    pub async fn revisit(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        if card.status != LeadStatus::Nurture {
            return Ok(());
        }
        let (owner, id, name, prospect, follow_up) = (card.owner, card.id, card.who.name.full(), card.prospect, card.follow_up);
        let now = self.clock_now();
        let roll = self.rng.f64();
        if roll < 0.3 {
            return Ok(()); // Nobody got to it; the follow-up stays open and overdue.
        }
        if let Some(task) = follow_up {
            self.complete(task).await?;
        }
        self.activity(owner, RecordRef::Lead(id), "call", Some("connected"), format!("Revisit call with {name}")).await?;
        self.set(now + Duration::minutes(15));
        if roll < 0.65 {
            let why = pick(&mut self.rng, &[Why::NotInterested, Why::NoBudget, Why::NoNeed]);
            return self.disqualify(i, why, now + Duration::minutes(15)).await;
        }
        let input = LifecycleInput { note: Some("Ready to talk again".into()), ..LifecycleInput::default() };
        let lead = self.services.reopen_lead(by(owner), id, &input).await?;
        self.note_state(i, &lead);
        let next = self.later(now, 24, 120);
        self.schedule(next, if prospect { Event::Decide(i) } else { Event::Qualify(i) });
        Ok(())
    }

    /// Parks the lead until a date about a month or two out, with a follow-up task then.
    async fn nurture(&mut self, i: usize, at: DateTime<Utc>) -> Result<(), Error> {
        let at = self.set(at);
        let card = &self.leads[i];
        let (owner, id, name) = (card.owner, card.id, card.who.name.full());
        let until = at.date_naive() + Duration::days(self.rng.i64(21..=75));
        let input = LifecycleInput {
            until: Some(until.format("%Y-%m-%d").to_string()),
            note: Some(pick(&mut self.rng, NURTURE_NOTES).to_owned()),
            ..LifecycleInput::default()
        };
        let lead = self.services.nurture_lead(by(owner), id, &input).await?;
        self.note_state(i, &lead);
        let due = until.and_hms_opt(7, 0, 0).map_or(at, |d| d.and_utc());
        let task = self.task(owner, RecordRef::Lead(id), format!("Follow up with {name}"), due, 0.0).await?;
        self.leads[i].follow_up = Some(task);
        let revisit = self.later(due, 0, 72);
        self.schedule(revisit, Event::Revisit(i));
        Ok(())
    }

    /// Takes the lead out of the funnel.
    async fn disqualify(&mut self, i: usize, why: Why, at: DateTime<Utc>) -> Result<(), Error> {
        self.set(at);
        let card = &self.leads[i];
        let input = LifecycleInput { reason: Some(why.as_str().to_owned()), note: reason_note(why).map(str::to_owned), ..LifecycleInput::default() };
        let lead = self.services.disqualify_lead(by(card.owner), card.id, &input).await?;
        self.note_state(i, &lead);
        Ok(())
    }

    /// Remembers the lead's status after a change.
    pub fn note_state(&mut self, i: usize, lead: &Lead) {
        self.leads[i].status = lead.state.status;
    }
}
