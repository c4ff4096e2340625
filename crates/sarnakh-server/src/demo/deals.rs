//! Deals: conversion into an account, a contact and opportunities; stage moves over the
//! following weeks; closing won or lost with reasons; buyer roles; and later deals for
//! customers ("one customer, many opportunities").

use super::capture::PRODUCTS;
use super::companies::{Company, Country};
use super::names::{pick, weighted};
use super::sim::{Event, Fate, OppCard, Sim, by};
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::opportunity::LossReason;
use sarnakh_core::domain::{BuyerRole, Opportunity, RecordRef};
use sarnakh_core::service::{CloseDraft, ConvertDraft};

/// What customers buy later.
const ADD_ONS: &[&str] = &[
    "Telephony add-on",
    "Training workshop",
    "Sarnakh Enterprise",
    "Data migration",
];

/// Per open stage: the activity that brings a deal there, and the next thing to do.
#[rustfmt::skip]
const STAGE_WORK: &[(&str, &str, &str)] = &[
    ("call", "Qualification call: budget and timeline", "Book the discovery meeting"),
    ("meeting", "Discovery meeting with the buying team", "Schedule the product demo"),
    ("demo", "Product demo", "Prepare the proposal"),
    ("email", "Proposal sent", "Follow up on the proposal"),
    ("meeting", "Negotiation: terms and discount", "Send the contract for signature"),
];

#[rustfmt::skip]
const LOSS_REASONS: &[(LossReason, u32)] = &[
    (LossReason::Price, 25), (LossReason::Competitor, 22), (LossReason::NoDecision, 20),
    (LossReason::Timing, 14), (LossReason::ProductFit, 8), (LossReason::LostContact, 8),
    (LossReason::Other, 3),
];

/// Where lost deals die, by stage: early stages lose most.
const LOSS_STAGE: &[(usize, u32)] = &[(0, 25), (1, 25), (2, 20), (3, 18), (4, 12)];

impl Sim {
    /// Converts the prospect with one to three deals.
    pub async fn convert(&mut self, i: usize) -> Result<(), Error> {
        let card = &self.leads[i];
        let (owner, id, who) = (card.owner, card.id, card.who.clone());
        let first = who
            .draft
            .products
            .first()
            .and_then(|p| PRODUCTS.iter().find(|(name, _)| name == p))
            .map_or("Sarnakh Team", |(name, _)| *name);
        let mut products = vec![first];
        for _ in 1..weighted(&mut self.rng, &[(1, 60), (2, 30), (3, 10)]) {
            let extra = pick(&mut self.rng, ADD_ONS);
            if !products.contains(&extra) {
                products.push(extra);
            }
        }
        let today = self.clock_now().date_naive();
        let mut opportunities = Vec::with_capacity(products.len());
        for product in &products {
            let close = today + Duration::days(self.rng.i64(20..90));
            opportunities.push(self.deal_draft(product, &who.company, who.country, close, None));
        }
        let draft = ConvertDraft {
            opportunities,
            note: Some("Need, budget and timeline confirmed".into()),
            ..ConvertDraft::default()
        };
        let outcome = self.services.convert_lead(&by(owner), id, &draft).await?;
        self.note_state(i, &outcome.lead);
        self.tally.accounts.insert(outcome.account_id);
        // The person who brought the deal in is its decision maker, budget holder or champion.
        let role = match BuyerRole::parse(who.role) {
            Some(r @ (BuyerRole::DecisionMaker | BuyerRole::EconomicBuyer)) => r,
            _ => BuyerRole::Champion,
        };
        for (opportunity, product) in outcome.opportunities.iter().zip(products) {
            if self.rng.f64() < 0.7 {
                self.services
                    .set_buyer_role(&by(owner), opportunity.id, outcome.contact_id, role)
                    .await?;
            }
            self.open_deal(opportunity, who.company.clone(), who.country, product, 0)
                .await?;
        }
        Ok(())
    }

    /// A customer opens another deal for an add-on, some months after the first win.
    pub async fn upsell(&mut self, o: usize) -> Result<(), Error> {
        let card = self.opps[o].clone();
        let product = pick(&mut self.rng, ADD_ONS);
        if product == card.product {
            return Ok(());
        }
        let start = 1.min(self.stages.len() - 1);
        let close = self.clock_now().date_naive() + Duration::days(self.rng.i64(20..60));
        let draft = self.deal_draft(
            product,
            &card.company,
            card.country,
            close,
            self.stages.get(start).cloned(),
        );
        let opportunity = self
            .services
            .create_opportunity(&by(card.owner), card.account, &draft, card.contact)
            .await?;
        self.open_deal(
            &opportunity,
            card.company.clone(),
            card.country,
            product,
            start,
        )
        .await
    }

    /// Moves the deal one stage on, or closes it, or leaves it stalled.
    pub async fn step(&mut self, o: usize) -> Result<(), Error> {
        let card = self.opps[o].clone();
        let now = self.clock_now();
        let last = self.stages.len() - 1;
        match card.fate {
            Fate::Stall(k) if card.stage >= k => Ok(()),
            Fate::Lost(k) if card.stage >= k => {
                let reason = weighted(&mut self.rng, LOSS_REASONS);
                let note = match reason {
                    LossReason::Other => Some("Budget frozen after a reorganisation"),
                    LossReason::Competitor => Some(pick(
                        &mut self.rng,
                        &[
                            "Chose a cheaper local CRM",
                            "Stayed with the CRM module of their ERP",
                        ],
                    )),
                    _ => None,
                };
                let draft = CloseDraft {
                    outcome: Some("lost".into()),
                    reason: Some(reason.as_str().into()),
                    note: note.map(str::to_owned),
                    ..CloseDraft::default()
                };
                self.services
                    .close_opportunity(&by(card.owner), card.id, &draft)
                    .await?;
                self.tally.lost += 1;
                Ok(())
            }
            Fate::Won if card.stage >= last => {
                let summary = format!("Contract signed by {}", card.company.name);
                self.activity(
                    card.owner,
                    RecordRef::Opportunity(card.id),
                    "meeting",
                    Some("completed"),
                    summary,
                )
                .await?;
                self.set(now + Duration::minutes(30));
                let draft = CloseDraft {
                    outcome: Some("won".into()),
                    note: Some(format!("Signed: {}", card.product)),
                    ..CloseDraft::default()
                };
                self.services
                    .close_opportunity(&by(card.owner), card.id, &draft)
                    .await?;
                self.tally.won += 1;
                if self.rng.f64() < 0.4 {
                    let at = self.later(now, 30 * 24, 150 * 24);
                    self.schedule(at, Event::Upsell(o));
                }
                Ok(())
            }
            _ => {
                let next = card.stage + 1;
                self.set(now + Duration::minutes(45));
                self.services
                    .move_opportunity(&by(card.owner), card.id, &self.stages[next], None)
                    .await?;
                self.opps[o].stage = next;
                self.stage_work(o).await
            }
        }
    }

    /// Remembers a new deal and plans its first step.
    async fn open_deal(
        &mut self,
        opportunity: &Opportunity,
        company: Company,
        country: Country,
        product: &'static str,
        start: usize,
    ) -> Result<(), Error> {
        let fate = self.fate(start);
        let owner = opportunity.owner_id.unwrap_or(self.reps[0].0);
        self.opps.push(OppCard {
            id: opportunity.id,
            account: opportunity.account_id,
            contact: opportunity.contact_id,
            owner,
            company,
            country,
            product,
            stage: start,
            fate,
        });
        self.tally.opportunities += 1;
        self.stage_work(self.opps.len() - 1).await
    }

    /// The activity of the stage a deal just reached, its next task, and when it moves on.
    async fn stage_work(&mut self, o: usize) -> Result<(), Error> {
        let card = self.opps[o].clone();
        let (kind, summary, next) = STAGE_WORK[card.stage.min(STAGE_WORK.len() - 1)];
        let outcome = if kind == "call" {
            "connected"
        } else {
            "completed"
        };
        let subject = RecordRef::Opportunity(card.id);
        self.activity(
            card.owner,
            subject,
            kind,
            Some(outcome),
            format!("{summary} ({})", card.company.name),
        )
        .await?;
        let now = self.clock_now();
        let due = self.later(now, 24, 24 * 8);
        self.task(
            card.owner,
            subject,
            format!("{next}: {}", card.company.name),
            due,
            0.93,
        )
        .await?;
        let dwell = self.rng.i64(3..=7 + 3 * card.stage as i64);
        let at = self.later(now, dwell * 24, dwell * 24 + 8);
        self.schedule(at, Event::Step(o));
        Ok(())
    }

    /// Where a new deal starting at stage `start` is headed. Every seventh deal stalls
    /// and stays open, at the stages in the order last, first, second-to-last, second ...
    /// (so early in the year both ends of the board get a stuck deal); of the others about
    /// 35 % are won.
    fn fate(&mut self, start: usize) -> Fate {
        let stages = self.stages.len();
        if self.opps.len() % 7 == 3 {
            let k = self.next_stall % stages;
            self.next_stall += 1;
            let stage = if k.is_multiple_of(2) {
                stages - 1 - k / 2
            } else {
                k / 2
            };
            Fate::Stall(stage.max(start))
        } else if self.rng.f64() < 0.35 {
            Fate::Won
        } else {
            Fate::Lost(
                weighted(&mut self.rng, LOSS_STAGE)
                    .min(stages - 1)
                    .max(start),
            )
        }
    }
}
