//! Deals and activities of the simulated company, and the per-chunk tables they fill.

use super::engagement::EVENT_COLUMNS;
use super::model::{DAY_US, LOSS_REASONS, OPEN_STAGES, World, at, v7};
use super::records::{HistoryRow, OpportunityRow};
use super::records::{hrow, moved};
use super::rows::{
    ACCOUNT_COLUMNS, ACTIVITY_COLUMNS, CONTACT_COLUMNS, HISTORY_COLUMNS, HISTORY_COLUMNS_SEQ,
    LEAD_COLUMNS, LeadRow, OPPORTUNITY_COLUMNS,
};
use super::words::PRODUCTS;
use crate::db::{Batch, Value};
use chrono::Duration;
use uuid::Uuid;

impl World {
    pub(super) fn deal(
        &mut self,
        lead: &LeadRow,
        account: Uuid,
        contact: Uuid,
        created: i64,
        b: &mut Tables,
    ) {
        let id = v7(&mut self.rng, at(created));
        let subject = ("opportunity", id);
        let product = PRODUCTS[self.rng.usize(..PRODUCTS.len())];
        let age_days = (self.now_us - created) / DAY_US;
        let closed = self.rng.f64() < (age_days as f64 / 120.0).min(0.9);
        let won = closed && self.rng.f32() < 0.3;
        let reached = if won {
            self.rng.usize(3..5)
        } else {
            self.rng.usize(0..5)
        };
        let row = hrow(&mut self.rng, subject, "created", created);
        b.log(HistoryRow {
            to: Some("qualify".into()),
            related: Some(("lead", lead.id)),
            ..row
        });
        let mut t = created;
        for s in 1..=reached {
            t = self.later(t, 15);
            let row = hrow(&mut self.rng, subject, "stage_changed", t);
            b.log(moved(row, OPEN_STAGES[s - 1], OPEN_STAGES[s]));
        }
        let (mut stage, mut status, mut loss, mut closed_at) =
            (OPEN_STAGES[reached], "open", None, None);
        if closed {
            t = self.later(t, 20);
            let reason = (!won).then(|| LOSS_REASONS[self.rng.usize(..LOSS_REASONS.len())]);
            (stage, status, loss, closed_at) = if won {
                ("won", "won", None, Some(at(t)))
            } else {
                ("lost", "lost", reason, Some(at(t)))
            };
            let row = hrow(&mut self.rng, subject, status, t);
            b.log(HistoryRow {
                reason,
                ..moved(row, OPEN_STAGES[reached], stage)
            });
            if won {
                self.counts.won += 1;
            } else {
                self.counts.lost += 1;
            }
        }
        let currency = ["EUR", "RON", "USD"][self.rng.usize(..3)];
        let o = OpportunityRow {
            id,
            account_id: account,
            contact_id: contact,
            lead_id: lead.id,
            name: format!(
                "{} - {product}",
                lead.seed.company.as_deref().unwrap_or("Deal")
            ),
            product,
            amount_minor: self.rng.i64(500..50_000) * 100,
            currency,
            expected_close_date: (at(created) + Duration::days(self.rng.i64(30..120))).date_naive(),
            stage,
            status,
            loss_reason: loss,
            closed_at,
            owner_id: lead.owner_id,
            created_at: at(created),
            updated_at: at(t),
            version: 1 + i64::try_from(reached).unwrap_or_default() + i64::from(closed),
            lead_created_at: lead.created_at,
            lead_facts: (lead.seed.source, lead.seed.campaign, lead.seed.country),
        };
        b.opportunities.push(o.values());
        self.counts.opportunities += 1;
    }

    /// The lead's activities; its first contact is the earliest that is not a note.
    pub(super) fn activities(&mut self, lead: &mut LeadRow, b: &mut Tables) {
        let first = lead.created_at.timestamp_micros();
        let last = (lead.updated_at.timestamp_micros() + 14 * DAY_US)
            .min(self.now_us - 60_000_000)
            .max(first + 1);
        for _ in 0..self.rng.usize(0..=10) {
            let t = self.rng.i64(first..last);
            let (kind, outcome) = match self.rng.u8(..10) {
                0..=3 => (
                    "call",
                    Some(["connected", "left_voicemail", "no_answer"][self.rng.usize(..3)]),
                ),
                4..=6 => ("email", None),
                7 => ("meeting", Some("completed")),
                8 => (
                    "demo",
                    Some(["completed", "rescheduled"][self.rng.usize(..2)]),
                ),
                _ => ("note", None),
            };
            if kind != "note" && lead.first_contact_at.is_none_or(|f| at(t) < f) {
                lead.first_contact_at = Some(at(t));
            }
            let summary = format!("{kind} with {}", lead.seed.first_name);
            b.activities.push([
                Value::Uuid(v7(&mut self.rng, at(t))),
                Value::Str("lead"),
                Value::Uuid(lead.id),
                Value::Str(kind),
                Value::OptStr(outcome),
                Value::Text(summary),
                Value::OptText(None),
                Value::Time(at(t)),
                Value::OptUuid(lead.owner_id),
                Value::Time(at(t)),
            ]);
            self.counts.activities += 1;
        }
    }
}

/// The batches of one chunk.
pub(super) struct Tables {
    pub(super) accounts: Batch,
    pub(super) leads: Batch,
    pub(super) contacts: Batch,
    pub(super) opportunities: Batch,
    pub(super) activities: Batch,
    pub(super) history: Batch,
    pub(super) events: Batch,
    pub(super) links: Vec<(Uuid, Uuid)>,
    /// The next history sequence number, when the bench numbers history itself (SQLite).
    pub(super) next_seq: Option<i64>,
}

impl Tables {
    pub(super) fn new(next_seq: Option<i64>) -> Self {
        let history = if next_seq.is_some() {
            HISTORY_COLUMNS_SEQ
        } else {
            HISTORY_COLUMNS
        };
        Self {
            accounts: Batch::new("accounts", ACCOUNT_COLUMNS),
            leads: Batch::new("leads", LEAD_COLUMNS),
            contacts: Batch::new("contacts", CONTACT_COLUMNS),
            opportunities: Batch::new("opportunities", OPPORTUNITY_COLUMNS),
            activities: Batch::new("activities", ACTIVITY_COLUMNS),
            history: Batch::new("history", history),
            events: Batch::new("events", EVENT_COLUMNS),
            links: Vec::new(),
            next_seq,
        }
    }

    /// Appends a history row (numbered, when the bench numbers history).
    pub(super) fn log(&mut self, row: HistoryRow) {
        let mut values = row.values();
        if let Some(seq) = self.next_seq.as_mut() {
            values.push(Value::I64(*seq));
            *seq += 1;
        }
        self.history.push(values);
    }
}
