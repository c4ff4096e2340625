//! History, opportunity, contact and account rows, in the migrations' column order.

use super::model::{at, v7};
use crate::datagen::rows::LeadRow;
use crate::db::Value;
use chrono::{DateTime, NaiveDate, Utc};
use fastrand::Rng;
use sarnakh_core::domain::text::match_key;
use uuid::Uuid;

/// A history row.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// Id.
    pub id: Uuid,
    /// `lead`, `opportunity` ...
    pub subject_type: &'static str,
    /// The record.
    pub subject_id: Uuid,
    /// `created`, `qualified` ...
    pub kind: &'static str,
    /// Before.
    pub from: Option<String>,
    /// After.
    pub to: Option<String>,
    /// Reason code.
    pub reason: Option<&'static str>,
    /// Note.
    pub note: Option<String>,
    /// Related record.
    pub related: Option<(&'static str, Uuid)>,
    /// When.
    pub at: DateTime<Utc>,
    /// Acting user (none: the system).
    pub actor_id: Option<Uuid>,
    /// API token used.
    pub token_id: Option<Uuid>,
}

impl HistoryRow {
    /// Values in [`HISTORY_COLUMNS`] order.
    pub fn values(self) -> Vec<Value> {
        vec![
            Value::Uuid(self.id),
            Value::Str(self.subject_type),
            Value::Uuid(self.subject_id),
            Value::Str(self.kind),
            Value::OptText(self.from),
            Value::OptText(self.to),
            Value::OptStr(self.reason),
            Value::OptText(self.note),
            Value::OptStr(self.related.map(|r| r.0)),
            Value::OptUuid(self.related.map(|r| r.1)),
            Value::OptUuid(self.actor_id),
            Value::Time(self.at),
            Value::OptUuid(self.token_id),
        ]
    }
}

/// An opportunity row.
#[derive(Debug, Clone)]
pub struct OpportunityRow {
    /// Id.
    pub id: Uuid,
    /// Account.
    pub account_id: Uuid,
    /// Contact.
    pub contact_id: Uuid,
    /// Lead.
    pub lead_id: Uuid,
    /// Name.
    pub name: String,
    /// Product.
    pub product: &'static str,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Currency.
    pub currency: &'static str,
    /// Expected close.
    pub expected_close_date: NaiveDate,
    /// Stage key.
    pub stage: &'static str,
    /// `open`, `won`, `lost`.
    pub status: &'static str,
    /// When lost.
    pub loss_reason: Option<&'static str>,
    /// When closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Owner.
    pub owner_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version.
    pub version: i64,
    /// The lead's creation (the cohort the reports count the deal in).
    pub lead_created_at: DateTime<Utc>,
    /// The lead's source, campaign and country (the deal's copies the reports read).
    pub lead_facts: (&'static str, Option<&'static str>, Option<&'static str>),
}

impl OpportunityRow {
    /// Values in [`OPPORTUNITY_COLUMNS`] order.
    pub fn values(self) -> Vec<Value> {
        let search = format!("{} {}", self.name, self.product).to_lowercase();
        vec![
            Value::Uuid(self.id),
            Value::Uuid(self.account_id),
            Value::OptUuid(Some(self.contact_id)),
            Value::OptUuid(Some(self.lead_id)),
            Value::Text(self.name),
            Value::OptStr(Some(self.product)),
            Value::I64(self.amount_minor),
            Value::Str(self.currency),
            Value::OptDate(Some(self.expected_close_date)),
            Value::Str(self.stage),
            Value::Str(self.status),
            Value::OptStr(self.loss_reason),
            Value::OptText(None),
            Value::OptTime(self.closed_at),
            Value::OptUuid(self.owner_id),
            Value::Time(self.created_at),
            Value::Time(self.updated_at),
            Value::I64(self.version),
            Value::Text(search),
            Value::Time(self.lead_created_at),
            Value::Str(self.lead_facts.0),
            Value::OptStr(self.lead_facts.1),
            Value::OptStr(self.lead_facts.2),
            // The lead's owner (the deal's own owner starts as the lead's); generated leads
            // have no team.
            Value::OptUuid(self.owner_id),
            Value::OptUuid(None),
        ]
    }
}

/// Values of a contact made from `lead` by conversion, in [`CONTACT_COLUMNS`] order.
pub fn contact_values(id: Uuid, account_id: Uuid, lead: &LeadRow, at: DateTime<Utc>) -> Vec<Value> {
    let s = &lead.seed;
    let search = [
        Some(s.first_name.as_str()),
        s.last_name.as_deref(),
        s.email.as_deref(),
        s.phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    vec![
        Value::Uuid(id),
        Value::Uuid(account_id),
        Value::OptUuid(Some(lead.id)),
        Value::Text(s.first_name.clone()),
        Value::OptText(s.last_name.clone()),
        Value::OptText(s.email.clone()),
        Value::OptText(s.phone.clone()),
        Value::OptText(s.job_title.clone()),
        Value::Time(at),
        Value::I64(1),
        Value::Text(search),
    ]
}

/// Values of an account for company `name` created at `at`, in [`ACCOUNT_COLUMNS`] order.
pub fn account_values(id: Uuid, name: &str, lead: &LeadRow, at: DateTime<Utc>) -> Vec<Value> {
    vec![
        Value::Uuid(id),
        Value::Text(name.to_owned()),
        Value::Text(match_key(name)),
        Value::OptStr(lead.seed.industry),
        Value::I32(lead.seed.company_size),
        Value::OptStr(lead.seed.country),
        Value::OptUuid(lead.owner_id),
        Value::OptTime(None),
        Value::Time(at),
        Value::Time(at),
        Value::I64(1),
    ]
}

/// A history row with only its subject, kind and time set.
pub(super) fn hrow(
    rng: &mut Rng,
    subject: (&'static str, Uuid),
    kind: &'static str,
    t: i64,
) -> HistoryRow {
    HistoryRow {
        id: v7(rng, at(t)),
        subject_type: subject.0,
        subject_id: subject.1,
        kind,
        from: None,
        to: None,
        reason: None,
        note: None,
        related: None,
        at: at(t),
        actor_id: None,
        token_id: None,
    }
}

/// `row` recording a move `from` -> `to`.
pub(super) fn moved(row: HistoryRow, from: &str, to: &str) -> HistoryRow {
    HistoryRow {
        from: Some(from.to_owned()),
        to: Some(to.to_owned()),
        ..row
    }
}
