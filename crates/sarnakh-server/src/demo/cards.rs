//! What the demo remembers about the records it created, and where each is headed.

use super::capture::Arrival;
use super::companies::{Company, Country};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::{
    AccountId, ContactId, DisqualifyReason, LeadId, OpportunityId, TaskId, UserId,
};
use std::collections::{HashMap, HashSet};

/// What the demo intends for a lead once someone talks to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// Record the fit facts and qualify.
    Qualify,
    /// Not now: park until a date.
    Nurture,
    /// Out, for this reason.
    Disqualify(DisqualifyReason),
    /// Nobody gets round to deciding.
    Idle,
}

/// Where an opportunity is headed; stage numbers index the open stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// Through every stage, then won.
    Won,
    /// Lost while at this stage.
    Lost(usize),
    /// Stuck at this stage, still open.
    Stall(usize),
}

/// A lead the demo created.
#[derive(Debug, Clone)]
pub(super) struct LeadCard {
    /// Its id.
    pub id: LeadId,
    /// Its owner.
    pub owner: UserId,
    /// Who it is.
    pub who: Arrival,
    /// When it arrived.
    pub captured: DateTime<Utc>,
    /// The intended outcome.
    pub plan: Plan,
    /// Contact attempts so far.
    pub attempts: u8,
    /// Status after the last change.
    pub status: LeadStatus,
    /// Whether it ever became a prospect.
    pub prospect: bool,
    /// The open "follow up" task of a nurture.
    pub follow_up: Option<TaskId>,
}

/// An opportunity the demo created.
#[derive(Debug, Clone)]
pub(super) struct OppCard {
    /// Its id.
    pub id: OpportunityId,
    /// The account.
    pub account: AccountId,
    /// Main contact.
    pub contact: Option<ContactId>,
    /// Owner.
    pub owner: UserId,
    /// The buyer.
    pub company: Company,
    /// The buyer's country.
    pub country: Country,
    /// Product sold.
    pub product: &'static str,
    /// Current open stage index.
    pub stage: usize,
    /// Where it is headed.
    pub fate: Fate,
}

/// Counts for the summary.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Accounts used by conversions.
    pub accounts: HashSet<AccountId>,
    /// Opportunities opened.
    pub opportunities: usize,
    /// Closed won.
    pub won: usize,
    /// Closed lost.
    pub lost: usize,
    /// Activities logged.
    pub activities: usize,
    /// Tasks: due time and whether completed.
    pub tasks: HashMap<TaskId, (DateTime<Utc>, bool)>,
}
