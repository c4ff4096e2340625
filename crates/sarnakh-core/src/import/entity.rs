//! What can be imported: the entities and, per entity, the Sarnakh field names a mapping
//! may target, with the kind of value each holds. The names follow the domain drafts
//! (`LeadDraft`, `OpportunityDraft`) and the stored types (`Account`, `Contact`, `Activity`).

use crate::domain::LeadSource;
use crate::domain::activity::{ActivityKind, ActivityOutcome};
use crate::domain::opportunity::{BuyerRole, LossReason, OpportunityStatus};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of record one import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// Leads (people with a sign of interest).
    Leads,
    /// Accounts (organisations).
    Accounts,
    /// Contacts (people at an account).
    Contacts,
    /// Opportunities (deals).
    Opportunities,
    /// Activities (calls, emails, meetings ...).
    Activities,
}

impl Entity {
    /// Every entity, in import order (referenced records first).
    pub const ALL: [Self; 5] = [
        Self::Accounts,
        Self::Leads,
        Self::Contacts,
        Self::Opportunities,
        Self::Activities,
    ];

    /// The plural name used in mapping files and on the command line.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Leads => "leads",
            Self::Accounts => "accounts",
            Self::Contacts => "contacts",
            Self::Opportunities => "opportunities",
            Self::Activities => "activities",
        }
    }

    /// Parses the plural name (`leads` ...).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text.trim())
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What kind of value a Sarnakh field holds; decides how a cell is read.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// Free text, trimmed.
    Text,
    /// An email address.
    Email,
    /// A phone number, read with the row's or the default country.
    Phone,
    /// An ISO 3166 alpha-2 country code.
    Country,
    /// A whole number (digits, optional thousands separators).
    Integer,
    /// A decimal amount in major units, read with the mapping's decimal separator.
    Decimal,
    /// An ISO 4217 currency code.
    Currency,
    /// A calendar date, read with the mapping's date formats.
    Date,
    /// An instant, read with the mapping's date formats and time zone.
    DateTime,
    /// One of a fixed set of snake_case names.
    Choice(fn() -> Vec<&'static str>),
    /// Several texts in one cell, split on the mapping's list separator.
    List,
    /// A Sarnakh user id (UUID).
    UserId,
    /// The external id of another imported record.
    Reference,
}

/// One Sarnakh field a mapping may target.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The field name used in mapping files.
    pub name: &'static str,
    /// How its cells are read.
    pub kind: FieldKind,
    /// Whether every row must have a value.
    pub required: bool,
}

const fn f(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: false,
    }
}

const fn req(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: true,
    }
}

fn names<T: Copy>(all: &[T], name: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(name).collect()
}
fn lead_sources() -> Vec<&'static str> {
    names(LeadSource::ALL, LeadSource::as_str)
}
fn buyer_roles() -> Vec<&'static str> {
    names(BuyerRole::ALL, BuyerRole::as_str)
}
fn statuses() -> Vec<&'static str> {
    names(OpportunityStatus::ALL, OpportunityStatus::as_str)
}
fn loss_reasons() -> Vec<&'static str> {
    names(LossReason::ALL, LossReason::as_str)
}
fn activity_kinds() -> Vec<&'static str> {
    names(ActivityKind::ALL, ActivityKind::as_str)
}
fn outcomes() -> Vec<&'static str> {
    names(ActivityOutcome::ALL, ActivityOutcome::as_str)
}

use FieldKind::{
    Choice, Country, Currency, Date, DateTime, Decimal, Email, Integer, List, Phone, Reference,
    Text, UserId,
};

const LEADS: &[FieldSpec] = &[
    req("first_name", Text),
    f("last_name", Text),
    f("email", Email),
    f("phone", Phone),
    f("job_title", Text),
    f("company", Text),
    f("country", Country),
    f("source", Choice(lead_sources)),
    f("campaign", Text),
    f("products", List),
    f("notes", Text),
    f("company_size", Integer),
    f("industry", Text),
    f("need", Text),
    f("decision_role", Choice(buyer_roles)),
    f("owner_id", UserId),
];

const ACCOUNTS: &[FieldSpec] = &[
    req("name", Text),
    f("industry", Text),
    f("company_size", Integer),
    f("country", Country),
    f("owner_id", UserId),
    f("customer_since", DateTime),
];

const CONTACTS: &[FieldSpec] = &[
    req("first_name", Text),
    f("last_name", Text),
    f("email", Email),
    f("phone", Phone),
    f("job_title", Text),
    req("account_external_id", Reference),
    f("lead_external_id", Reference),
];

const OPPORTUNITIES: &[FieldSpec] = &[
    req("name", Text),
    f("product", Text),
    req("amount", Decimal),
    f("currency", Currency),
    f("expected_close_date", Date),
    f("stage", Text),
    f("status", Choice(statuses)),
    f("closed_at", DateTime),
    f("loss_reason", Choice(loss_reasons)),
    f("close_note", Text),
    f("owner_id", UserId),
    req("account_external_id", Reference),
    f("contact_external_id", Reference),
    f("lead_external_id", Reference),
];

const ACTIVITIES: &[FieldSpec] = &[
    req("kind", Choice(activity_kinds)),
    f("outcome", Choice(outcomes)),
    req("summary", Text),
    f("body", Text),
    req("occurred_at", DateTime),
    f("owner_id", UserId),
    f("opportunity_external_id", Reference),
    f("contact_external_id", Reference),
    f("lead_external_id", Reference),
    f("account_external_id", Reference),
];

/// Lead checklist evidence: any field named `evidence.<item>` (e.g. `evidence.budget`).
const EVIDENCE: FieldSpec = f("evidence.*", Text);

/// The fixed fields of an entity, in documentation order. Leads also accept
/// `evidence.<item>` fields (checklist evidence), see [`field_spec`].
pub fn fields(entity: Entity) -> &'static [FieldSpec] {
    match entity {
        Entity::Leads => LEADS,
        Entity::Accounts => ACCOUNTS,
        Entity::Contacts => CONTACTS,
        Entity::Opportunities => OPPORTUNITIES,
        Entity::Activities => ACTIVITIES,
    }
}

/// The spec of a field name for an entity, or `None` if the entity has no such field.
pub fn field_spec(entity: Entity, name: &str) -> Option<&'static FieldSpec> {
    if entity == Entity::Leads
        && name
            .strip_prefix("evidence.")
            .is_some_and(|i| !i.is_empty())
    {
        return Some(&EVIDENCE);
    }
    fields(entity).iter().find(|s| s.name == name)
}

/// The reference fields an activity may hang off, most specific first: when a row names
/// several, the first one present is the activity's subject.
pub(crate) const ACTIVITY_SUBJECTS: [&str; 4] = [
    "opportunity_external_id",
    "contact_external_id",
    "lead_external_id",
    "account_external_id",
];
