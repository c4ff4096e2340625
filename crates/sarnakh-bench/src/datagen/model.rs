//! The simulated company: each lead's journey through the funnel, decided by a seeded RNG.
//!
//! Shape (of all leads): 10 % converted, 20 % prospects (qualified, not converted), 70 %
//! still leads; of the unconverted some are disqualified or nurtured. Converted leads open
//! deals (by default one, 15 % of them two), reusing the account when the company is
//! already a customer.
//! Older deals are mostly closed, about 30 % of closes won. About five activities and ten
//! engagement events per lead.

use super::journey::Tables;
use super::records::{HistoryRow, account_values, contact_values, hrow, moved};
use super::rows::LeadRow;
use super::words::{company_name, lead_seed};
use crate::db::Batch;
use chrono::{DateTime, Duration, Utc};
use fastrand::Rng;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) const OPEN_STAGES: &[&str] =
    &["qualify", "discovery", "demo", "proposal", "negotiation"];
pub(super) const LOSS_REASONS: &[&str] = &[
    "price",
    "competitor",
    "no_decision",
    "timing",
    "product_fit",
    "lost_contact",
];
const DISQUALIFY_REASONS: &[&str] = &[
    "not_interested",
    "no_budget",
    "no_authority",
    "no_need",
    "unreachable",
    "wrong_fit",
];
pub(super) const DAY_US: i64 = 86_400_000_000;

/// What the generator wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Leads.
    pub leads: u64,
    /// Qualified at some point (prospects and converted).
    pub prospects: u64,
    /// Converted.
    pub converted: u64,
    /// Disqualified now.
    pub disqualified: u64,
    /// Nurtured now.
    pub nurtured: u64,
    /// Accounts.
    pub accounts: u64,
    /// Opportunities.
    pub opportunities: u64,
    /// Won deals.
    pub won: u64,
    /// Lost deals.
    pub lost: u64,
    /// Activities.
    pub activities: u64,
    /// History rows.
    pub history: u64,
    /// Engagement events.
    pub events: u64,
}

/// One transaction's worth of rows, table by table in foreign-key order.
#[derive(Debug)]
pub struct Chunk {
    /// Rows per table, in insert order.
    pub batches: Vec<Batch>,
    /// (lead, contact) pairs, when contacts are linked after insert.
    pub contact_links: Vec<(Uuid, Uuid)>,
}

/// The simulation state across chunks.
#[derive(Debug)]
pub struct World {
    pub(super) rng: Rng,
    pub(super) event_rng: Rng,
    pub(super) now_us: i64,
    start_us: i64,
    total: u64,
    companies: usize,
    users: Vec<Uuid>,
    accounts: HashMap<usize, Uuid>,
    next_seq: Option<i64>,
    deals_per_conversion: f64,
    /// Running totals.
    pub counts: Counts,
}

/// A UUIDv7 for instant `at`, random bits from `rng` (deterministic).
pub fn v7(rng: &mut Rng, at: DateTime<Utc>) -> Uuid {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

pub(super) fn at(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).expect("generated instants are in range")
}

impl World {
    /// A company of `total` leads captured over the two years before `now`, each converted
    /// lead opening `deals_per_conversion` deals on average. With `number_history` the bench
    /// gives history rows their `seq` (SQLite); otherwise the database does (PostgreSQL's
    /// sequence).
    pub fn new(
        (seed, total, deals_per_conversion): (u64, u64, f64),
        now: DateTime<Utc>,
        users: Vec<Uuid>,
        number_history: bool,
    ) -> Self {
        let now_us = now.timestamp_micros();
        Self {
            rng: Rng::with_seed(seed),
            event_rng: Rng::with_seed(seed ^ 0x0e7e_47e7),
            now_us,
            start_us: now_us - 730 * DAY_US,
            total: total.max(1),
            companies: usize::try_from(total / 4).unwrap_or(usize::MAX).max(20),
            users,
            accounts: HashMap::new(),
            next_seq: number_history.then_some(1),
            deals_per_conversion: deals_per_conversion.max(1.0),
            counts: Counts::default(),
        }
    }

    /// `from` + 1 to `max_days` days, never later than a minute ago.
    pub(super) fn later(&mut self, from: i64, max_days: i64) -> i64 {
        (from + self.rng.i64(DAY_US / 24..max_days * DAY_US)).min(self.now_us - 60_000_000)
    }

    /// Leads `from..to` and everything they produced. `leads.contact_id` is left null;
    /// the (lead, contact) links to set once the contacts exist are returned beside.
    pub fn chunk(&mut self, from: u64, to: u64) -> Chunk {
        let mut b = Tables::new(self.next_seq);
        for i in from..to {
            self.lead(i, &mut b);
        }
        self.next_seq = b.next_seq;
        self.counts.history += b.history.rows() as u64;
        Chunk {
            batches: vec![
                b.accounts,
                b.leads,
                b.contacts,
                b.opportunities,
                b.activities,
                b.history,
                b.events,
            ],
            contact_links: b.links,
        }
    }

    fn lead(&mut self, i: u64, b: &mut Tables) {
        let span =
            (self.now_us - self.start_us - DAY_US) / i64::try_from(self.total).unwrap_or(i64::MAX);
        let created_us = self.start_us
            + span * i64::try_from(i).unwrap_or_default()
            + self.rng.i64(0..span.max(1));
        let roll = self.rng.f64();
        let (qualified, converted) = (roll < 0.30, roll < 0.10);
        let open_ready = self.rng.f32() < 0.5;
        let side = self.rng.f64();
        // Unconverted: prospects 15 % disqualified / 10 % nurtured; leads 30 % / 15 %.
        let (dq, nurture) = if qualified {
            (side < 0.15, (0.15..0.25).contains(&side))
        } else {
            (side < 0.30, (0.30..0.45).contains(&side))
        };
        let (dq, nurture) = if converted {
            (false, false)
        } else {
            (dq, nurture)
        };
        let seed = lead_seed(
            &mut self.rng,
            i,
            self.companies,
            qualified || (open_ready && !dq && !nurture),
        );
        let created = at(created_us);
        let id = v7(&mut self.rng, created);
        let mut lead = LeadRow::captured(id, seed, created);
        lead.owner_id =
            (self.rng.f32() < 0.9).then(|| self.users[self.rng.usize(..self.users.len())]);
        let subject = ("lead", id);
        let row = hrow(&mut self.rng, subject, "created", created_us);
        b.log(HistoryRow {
            to: Some("lead/open".into()),
            reason: Some(lead.seed.source),
            ..row
        });
        let mut t = created_us;
        if qualified {
            t = self.later(t, 30);
            let row = hrow(&mut self.rng, subject, "qualified", t);
            b.log(moved(row, "lead/open", "prospect/open"));
            (lead.stage, lead.qualified_at, lead.version) =
                ("prospect", Some(at(t)), lead.version + 1);
            self.counts.prospects += 1;
        }
        if converted {
            t = self.later(t, 30);
            let (account, contact) = self.convert(&mut lead, t, b);
            let row = hrow(&mut self.rng, subject, "converted", t);
            let row = HistoryRow {
                related: Some(("account", account)),
                ..moved(row, "prospect/open", "converted/converted")
            };
            b.log(row);
            (lead.stage, lead.status, lead.account_id, lead.contact_id) =
                ("converted", "converted", Some(account), Some(contact));
            (lead.converted_at, lead.version) = (Some(at(t)), lead.version + 1);
            self.counts.converted += 1;
        } else if dq {
            t = self.later(t, 20);
            let reason = DISQUALIFY_REASONS[self.rng.usize(..DISQUALIFY_REASONS.len())];
            let row = hrow(&mut self.rng, subject, "disqualified", t);
            let row = moved(
                row,
                &format!("{}/open", lead.stage),
                &format!("{}/disqualified", lead.stage),
            );
            b.log(HistoryRow {
                reason: Some(reason),
                ..row
            });
            (lead.status, lead.disqualify_reason, lead.version) =
                ("disqualified", Some(reason), lead.version + 1);
            self.counts.disqualified += 1;
        } else if nurture {
            t = self.later(t, 20);
            let until = (at(self.now_us) + Duration::days(self.rng.i64(14..180))).date_naive();
            let row = hrow(&mut self.rng, subject, "nurtured", t);
            let row = moved(
                row,
                &format!("{}/open", lead.stage),
                &format!("{}/nurture", lead.stage),
            );
            b.log(HistoryRow {
                note: Some(format!("until {until}")),
                ..row
            });
            (lead.status, lead.nurture_until, lead.version) =
                ("nurture", Some(until), lead.version + 1);
            self.counts.nurtured += 1;
        }
        lead.updated_at = at(t);
        self.activities(&mut lead, b);
        b.leads.push(lead.values(true));
        self.events(i, &lead, b);
        self.counts.leads += 1;
    }

    /// Account (new or reused), contact and deals of a conversion at `t`.
    fn convert(&mut self, lead: &mut LeadRow, t: i64, b: &mut Tables) -> (Uuid, Uuid) {
        let company = lead
            .seed
            .company_index
            .expect("converted leads have a company");
        let account = match self.accounts.get(&company) {
            Some(id) => *id,
            None => {
                let id = v7(&mut self.rng, at(t));
                b.accounts
                    .push(account_values(id, &company_name(company), lead, at(t)));
                self.accounts.insert(company, id);
                self.counts.accounts += 1;
                id
            }
        };
        let contact = v7(&mut self.rng, at(t));
        b.contacts
            .push(contact_values(contact, account, lead, at(t)));
        b.links.push((lead.id, contact));
        let whole = self.deals_per_conversion.trunc();
        let extra = self.rng.f32() < (self.deals_per_conversion - whole) as f32;
        for _ in 0..(whole as usize + usize::from(extra)) {
            self.deal(lead, account, contact, t, b);
        }
        (account, contact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deals_and_conversions(deals_per_conversion: f64) -> (u64, u64) {
        let users = (0..4).map(|_| Uuid::now_v7()).collect();
        let mut world = World::new((7, 4_000, deals_per_conversion), Utc::now(), users, true);
        world.chunk(0, 4_000);
        (world.counts.opportunities, world.counts.converted)
    }

    #[test]
    fn each_converted_lead_opens_the_asked_number_of_deals_on_average() {
        let (deals, converted) = deals_and_conversions(3.0);
        assert!(converted > 300, "{converted} conversions of 4,000 leads");
        assert_eq!(deals, 3 * converted);
        let (deals, converted) = deals_and_conversions(1.15);
        let share = deals as f64 / converted as f64;
        assert!(
            (1.08..1.22).contains(&share),
            "{share} deals per conversion"
        );
    }
}
