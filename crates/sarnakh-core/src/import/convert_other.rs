//! Row conversion for accounts, contacts and activities. The domain has no raw draft type
//! for these three (accounts and contacts are born of lead conversion; the activity draft
//! is validated inside its async use case), so each gets a small `Imported*` struct whose
//! fields are already validated with the domain's own parsers and limits.

use super::bound::BoundMapping;
use super::entity::{ACTIVITY_SUBJECTS, Entity};
use super::reader::Record;
use super::row::Row;
use super::values;
use crate::domain::activity::{ActivityKind, ActivityOutcome};
use crate::domain::lead::limits;
use crate::domain::text::match_key;
use crate::domain::{Email, Phone, UserId};
use crate::error::FieldError;
use chrono::{DateTime, Utc};

/// Largest company size accepted, as for leads.
const MAX_COMPANY_SIZE: i64 = 10_000_000;

/// An account row, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAccount {
    /// The other CRM's id of the account.
    pub external_id: Option<String>,
    /// Organisation name.
    pub name: String,
    /// Case- and space-insensitive match key of the name (accounts are unique by it).
    pub name_key: String,
    /// Industry.
    pub industry: Option<String>,
    /// Employees.
    pub company_size: Option<i32>,
    /// ISO 3166 alpha-2 country (the row's, else the mapping's default).
    pub country: Option<String>,
    /// Owner.
    pub owner_id: Option<UserId>,
    /// When it became a customer, if the other CRM says.
    pub customer_since: Option<DateTime<Utc>>,
}

/// A contact row, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedContact {
    /// The other CRM's id of the contact.
    pub external_id: Option<String>,
    /// External id of the contact's account.
    pub account_external_id: String,
    /// External id of the lead this person came in as.
    pub lead_external_id: Option<String>,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Normalised email.
    pub email: Option<Email>,
    /// Normalised phone (national numbers read with the mapping's default country).
    pub phone: Option<Phone>,
    /// Job title.
    pub job_title: Option<String>,
}

/// The record an imported activity belongs to, by its external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRef {
    /// Which kind of record (leads, contacts, accounts or opportunities).
    pub entity: Entity,
    /// Its external id.
    pub external_id: String,
}

/// An activity row, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedActivity {
    /// The other CRM's id of the activity.
    pub external_id: Option<String>,
    /// What it belongs to: the most specific reference present (opportunity, contact, lead,
    /// account, in that order).
    pub subject: SubjectRef,
    /// Kind.
    pub kind: ActivityKind,
    /// Outcome.
    pub outcome: Option<ActivityOutcome>,
    /// One-line summary.
    pub summary: String,
    /// Details.
    pub body: Option<String>,
    /// When it happened (required: imported history keeps its own times).
    pub occurred_at: DateTime<Utc>,
    /// Who did it.
    pub owner_id: Option<UserId>,
}

/// Converts one account row.
///
/// # Errors
/// Every problem with the row, each naming its CSV column.
pub fn convert_account(
    mapping: &BoundMapping,
    record: &Record,
) -> Result<ImportedAccount, Vec<FieldError>> {
    let mut row = Row::new(mapping, record, Entity::Accounts);
    let external_id = row.external_id();
    let name = row.required_text("name", limits::LABEL);
    let industry = row.optional_text("industry", limits::LABEL);
    let company_size = company_size(&mut row);
    let country = match row.parse("country", values::country) {
        Some(c) => Some(c),
        None => mapping.c.opts.default_country.clone(),
    };
    let owner_id = row.user("owner_id");
    let customer_since = row.datetime("customer_since");
    let account = name.map(|name| ImportedAccount {
        external_id,
        name_key: match_key(&name),
        name,
        industry,
        company_size,
        country,
        owner_id,
        customer_since,
    });
    row.finish(account)
}

fn company_size(row: &mut Row<'_>) -> Option<i32> {
    let size = row.integer("company_size")?;
    match i32::try_from(size) {
        Ok(n) if (1..=MAX_COMPANY_SIZE).contains(&size) => Some(n),
        _ => {
            row.errors.push(FieldError::new(
                "company_size",
                "out_of_range",
                format!("must be between 1 and {MAX_COMPANY_SIZE} employees (got {size})"),
            ));
            None
        }
    }
}

/// Converts one contact row; national phone numbers are read with the mapping's
/// `default_country`.
///
/// # Errors
/// Every problem with the row, each naming its CSV column.
pub fn convert_contact(
    mapping: &BoundMapping,
    record: &Record,
) -> Result<ImportedContact, Vec<FieldError>> {
    let mut row = Row::new(mapping, record, Entity::Contacts);
    let external_id = row.external_id();
    let account = row.reference("account_external_id", true);
    let lead_external_id = row.reference("lead_external_id", false);
    let first_name = row.required_text("first_name", limits::NAME);
    let last_name = row.optional_text("last_name", limits::NAME);
    let email = row.parse("email", Email::parse);
    let country = mapping.c.opts.default_country.clone();
    let phone = row.parse("phone", |v| Phone::parse(v, country.as_deref()));
    let job_title = row.optional_text("job_title", limits::NAME);
    row.require_email_key(row.text("email").is_some());
    let contact = first_name
        .zip(account)
        .map(|(first_name, account_external_id)| ImportedContact {
            external_id,
            account_external_id,
            lead_external_id,
            first_name,
            last_name,
            email,
            phone,
            job_title,
        });
    row.finish(contact)
}

/// Converts one activity row. Its subject is the first reference present among
/// opportunity, contact, lead and account external ids.
///
/// # Errors
/// Every problem with the row, each naming its CSV column.
pub fn convert_activity(
    mapping: &BoundMapping,
    record: &Record,
) -> Result<ImportedActivity, Vec<FieldError>> {
    let mut row = Row::new(mapping, record, Entity::Activities);
    let external_id = row.external_id();
    let subject = subject(&mut row);
    let kind = row.choice("kind", ActivityKind::parse, ActivityKind::expected);
    if kind.is_none() && row.text("kind").is_none() {
        row.errors.push(FieldError::new(
            "kind",
            "required",
            "give the activity kind",
        ));
    }
    let outcome = row.choice("outcome", ActivityOutcome::parse, ActivityOutcome::expected);
    let summary = row.required_text("summary", limits::LABEL);
    let body = row.optional_text("body", limits::TEXT);
    let occurred_at = row.datetime("occurred_at");
    if occurred_at.is_none() && row.text("occurred_at").is_none() {
        row.errors.push(FieldError::new(
            "occurred_at",
            "required",
            "give when it happened",
        ));
    }
    let owner_id = row.user("owner_id");
    let activity = match (subject, kind, summary, occurred_at) {
        (Some(subject), Some(kind), Some(summary), Some(occurred_at)) => Some(ImportedActivity {
            external_id,
            subject,
            kind,
            outcome,
            summary,
            body,
            occurred_at,
            owner_id,
        }),
        _ => None,
    };
    row.finish(activity)
}

fn subject(row: &mut Row<'_>) -> Option<SubjectRef> {
    let entities = [
        Entity::Opportunities,
        Entity::Contacts,
        Entity::Leads,
        Entity::Accounts,
    ];
    for (field, entity) in ACTIVITY_SUBJECTS.into_iter().zip(entities) {
        if row.text(field).is_some() {
            let external_id = row.reference(field, true)?;
            return Some(SubjectRef {
                entity,
                external_id,
            });
        }
    }
    row.errors.push(FieldError::new(
        "subject",
        "required",
        format!(
            "the row names no record to attach to; give one of {}",
            ACTIVITY_SUBJECTS.join(", ")
        ),
    ));
    None
}
