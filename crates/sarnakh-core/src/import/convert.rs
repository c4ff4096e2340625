//! Row conversion for leads and opportunities: a [`Record`] read through a
//! [`BoundMapping`] becomes the domain's own draft, validated by the domain's own rules, so
//! an imported lead is checked exactly like one typed into a form.
//!
//! Nothing here stores anything or decides create-versus-update; that is the caller's.

use super::bound::BoundMapping;
use super::entity::Entity;
use super::reader::Record;
use super::row::Row;
use super::values;
use crate::domain::lead::{LeadDraft, LeadFields, limits};
use crate::domain::opportunity::{LossReason, NewOpportunity, OpportunityDraft};
use crate::domain::{BuyerRole, LeadSource, OpportunityStatus};
use crate::error::FieldError;
use chrono::{DateTime, Utc};

/// A lead row, converted and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedLead {
    /// The other CRM's id of the lead.
    pub external_id: Option<String>,
    /// The draft to hand to the capture use case.
    pub draft: LeadDraft,
    /// The draft as validated (normalised email and phone, e.g. for matching by email).
    pub fields: LeadFields,
}

/// An opportunity row, converted and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOpportunity {
    /// The other CRM's id of the deal.
    pub external_id: Option<String>,
    /// External id of its account (imported from the accounts file).
    pub account_external_id: String,
    /// External id of its main contact.
    pub contact_external_id: Option<String>,
    /// External id of the lead it came from.
    pub lead_external_id: Option<String>,
    /// The draft (amount as a plain decimal, date as `YYYY-MM-DD`).
    pub draft: OpportunityDraft,
    /// The draft as validated. Its `stage` key is not yet checked against the pipeline.
    pub opportunity: NewOpportunity,
    /// Open, won or lost when the file says; `None` leaves it to the stage.
    pub status: Option<OpportunityStatus>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was lost.
    pub loss_reason: Option<LossReason>,
    /// The win or loss story.
    pub close_note: Option<String>,
}

/// Converts one lead row into a validated [`LeadDraft`]: translations applied, the default
/// country filled in (it also decides how national phone numbers read), the source
/// `import` when the file names none.
///
/// # Errors
/// Every problem with the row: the draft's own validation errors plus unreadable numbers,
/// names and ids, each naming its CSV column.
pub fn convert_lead(
    mapping: &BoundMapping,
    record: &Record,
) -> Result<ImportedLead, Vec<FieldError>> {
    let mut row = Row::new(mapping, record, Entity::Leads);
    let external_id = row.external_id();
    let draft = lead_draft(&mut row);
    row.require_email_key(draft.email.is_some());
    let fields = draft.validate().map_err(|e| row.absorb(e)).ok();
    let lead = fields.map(|fields| ImportedLead {
        external_id,
        draft,
        fields,
    });
    row.finish(lead)
}

fn lead_draft(row: &mut Row<'_>) -> LeadDraft {
    LeadDraft {
        first_name: row.text("first_name"),
        last_name: row.text("last_name"),
        email: row.text("email"),
        phone: row.text("phone"),
        job_title: row.text("job_title"),
        company: row.text("company"),
        country: row
            .text("country")
            .or_else(|| row.m.c.opts.default_country.clone()),
        source: Some(
            row.choice("source", LeadSource::parse, LeadSource::expected)
                .unwrap_or(LeadSource::Import)
                .as_str()
                .to_owned(),
        ),
        campaign: row.text("campaign"),
        products: row.text("products").map_or_else(Vec::new, |cell| {
            cell.split(row.m.c.opts.list_separator.as_str())
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        notes: row.text("notes"),
        company_size: row.integer("company_size"),
        industry: row.text("industry"),
        need: row.text("need"),
        decision_role: row
            .choice("decision_role", BuyerRole::parse, BuyerRole::expected)
            .map(|r| r.as_str().to_owned()),
        owner_id: row.user("owner_id"),
        evidence: row
            .m
            .bound_fields()
            .filter_map(|f| Some((f.strip_prefix("evidence.")?.to_owned(), row.text(f)?)))
            .collect(),
        visitor_id: None,
    }
}

/// Converts one opportunity row: amount read with the mapping's decimal separator into a
/// plain decimal, currency from the row or the default, dates with the mapping's formats,
/// status, close time and loss reason checked against each other.
///
/// # Errors
/// Every problem with the row, each naming its CSV column.
pub fn convert_opportunity(
    mapping: &BoundMapping,
    record: &Record,
) -> Result<ImportedOpportunity, Vec<FieldError>> {
    let mut row = Row::new(mapping, record, Entity::Opportunities);
    let external_id = row.external_id();
    let account = row.reference("account_external_id", true);
    let contact_external_id = row.reference("contact_external_id", false);
    let lead_external_id = row.reference("lead_external_id", false);
    let decimal = mapping.c.opts.decimal_separator;
    let draft = OpportunityDraft {
        name: row.text("name"),
        product: row.text("product"),
        amount: row.parse("amount", |v| values::plain_decimal(v, decimal)),
        currency: row
            .text("currency")
            .or_else(|| mapping.c.opts.default_currency.clone()),
        expected_close_date: row
            .date("expected_close_date")
            .map(|d| d.format("%Y-%m-%d").to_string()),
        stage: row.text("stage"),
        owner_id: row.user("owner_id"),
    };
    let status = row.choice(
        "status",
        OpportunityStatus::parse,
        OpportunityStatus::expected,
    );
    let closed_at = row.datetime("closed_at");
    let loss_reason = row.choice("loss_reason", LossReason::parse, LossReason::expected);
    let close_note = row.optional_text("close_note", limits::TEXT);
    check_close(&mut row, status, closed_at.is_some(), loss_reason.is_some());
    let validated = draft.validate().map_err(|e| row.absorb(e)).ok();
    let opportunity = validated
        .zip(account)
        .map(|(opportunity, account_external_id)| ImportedOpportunity {
            external_id,
            account_external_id,
            contact_external_id,
            lead_external_id,
            draft,
            opportunity,
            status,
            closed_at,
            loss_reason,
            close_note,
        });
    row.finish(opportunity)
}

/// Refuses close data that contradicts the status the file gives.
fn check_close(
    row: &mut Row<'_>,
    status: Option<OpportunityStatus>,
    closed: bool,
    lost_because: bool,
) {
    if status == Some(OpportunityStatus::Open) && closed {
        row.fail(
            "closed_at",
            FieldError::new("", "inconsistent", "an open deal has no close time"),
        );
    }
    if lost_because
        && matches!(
            status,
            Some(OpportunityStatus::Open | OpportunityStatus::Won)
        )
    {
        row.fail(
            "loss_reason",
            FieldError::new("", "inconsistent", "only a lost deal has a loss reason"),
        );
    }
}
