//! How leads leave the inbox: disqualified with a reason, or parked in nurture until a
//! revisit date ("a follow-up about a month out"), and what happens when that date comes.

use super::names::pick;
use super::sim::{Event, Sim, by};
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::Error;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::{DisqualifyReason as Why, Lead, RecordRef};
use sarnakh_core::service::LifecycleInput;

/// Why prospects are disqualified after a closer look.
#[rustfmt::skip]
pub(super) const PROSPECT_REASONS: &[(Why, u32)] = &[
    (Why::NoBudget, 30), (Why::NotInterested, 20), (Why::NoAuthority, 15), (Why::WrongFit, 15),
    (Why::NoNeed, 10), (Why::Other, 10),
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
    /// The nurture date came: drop it, bring it back to work, or let it slip.
    pub async fn revisit(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        if card.status != LeadStatus::Nurture {
            return Ok(());
        }
        let (owner, id, name, prospect, follow_up) = (
            card.owner,
            card.id,
            card.who.name.full(),
            card.prospect,
            card.follow_up,
        );
        let now = self.clock_now();
        let roll = self.rng.f64();
        if roll < 0.2 {
            // Nobody got to it: the follow-up stays open and overdue, usually for a while.
            if self.rng.f64() < 0.7 {
                let again = self.later(now, 7 * 24, 30 * 24);
                self.schedule(again, Event::Revisit(i));
            }
            return Ok(());
        }
        if let Some(task) = follow_up {
            self.complete(task).await?;
        }
        self.activity(
            owner,
            RecordRef::Lead(id),
            "call",
            Some("connected"),
            format!("Revisit call with {name}"),
        )
        .await?;
        self.set(now + Duration::minutes(15));
        if roll < 0.6 {
            let why = pick(
                &mut self.rng,
                &[Why::NotInterested, Why::NoBudget, Why::NoNeed],
            );
            return self.disqualify(i, why, now + Duration::minutes(15)).await;
        }
        let input = LifecycleInput {
            note: Some("Ready to talk again".into()),
            ..LifecycleInput::default()
        };
        let lead = self.services.reopen_lead(&by(owner), id, &input).await?;
        self.note_state(i, &lead);
        let next = self.later(now, 24, 120);
        self.schedule(
            next,
            if prospect {
                Event::Decide(i)
            } else {
                Event::Qualify(i)
            },
        );
        Ok(())
    }

    /// Parks the lead until a date about a month or two out, with a follow-up task then.
    pub async fn nurture(&mut self, i: usize, at: DateTime<Utc>) -> Result<(), Error> {
        let at = self.set(at);
        let card = &self.leads[i];
        let (owner, id, name) = (card.owner, card.id, card.who.name.full());
        let until = at.date_naive() + Duration::days(self.rng.i64(21..=75));
        let input = LifecycleInput {
            until: Some(until.format("%Y-%m-%d").to_string()),
            note: Some(pick(&mut self.rng, NURTURE_NOTES).to_owned()),
            ..LifecycleInput::default()
        };
        let lead = self.services.nurture_lead(&by(owner), id, &input).await?;
        self.note_state(i, &lead);
        let due = until.and_hms_opt(7, 0, 0).map_or(at, |d| d.and_utc());
        let task = self
            .task(
                owner,
                RecordRef::Lead(id),
                format!("Follow up with {name}"),
                due,
                0.0,
            )
            .await?;
        self.leads[i].follow_up = Some(task);
        let revisit = self.later(due, 0, 72);
        self.schedule(revisit, Event::Revisit(i));
        Ok(())
    }

    /// Takes the lead out of the funnel.
    pub async fn disqualify(&mut self, i: usize, why: Why, at: DateTime<Utc>) -> Result<(), Error> {
        self.set(at);
        let card = &self.leads[i];
        let input = LifecycleInput {
            reason: Some(why.as_str().to_owned()),
            note: reason_note(why).map(str::to_owned),
            ..LifecycleInput::default()
        };
        let lead = self
            .services
            .disqualify_lead(&by(card.owner), card.id, &input)
            .await?;
        self.note_state(i, &lead);
        Ok(())
    }

    /// Remembers the lead's status after a change.
    pub fn note_state(&mut self, i: usize, lead: &Lead) {
        self.leads[i].status = lead.state.status;
    }
}
