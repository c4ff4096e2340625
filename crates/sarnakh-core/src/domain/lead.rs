//! Leads: a person with contact data and a sign of interest, plus the fit facts the team
//! records while qualifying. [`LeadDraft`] is raw input from any front door;
//! [`LeadDraft::validate`] turns it into trusted [`LeadFields`] or lists every problem.

use super::email::Email;
use super::ids::{AccountId, ContactId, LeadId, TeamId, UserId};
use super::lifecycle::{DisqualifyReason, LeadState, str_enum};
use super::opportunity::BuyerRole;
use super::phone::Phone;
use super::text;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, NaiveDate, Utc};

str_enum!(
    /// Where a lead came from.
    LeadSource {
        /// A form on the website.
        WebForm = "web_form",
        /// A content download such as an e-book.
        ContentDownload = "content_download",
        /// A webinar or free course.
        Webinar = "webinar",
        /// An event or convention.
        Event = "event",
        /// An inbound call.
        InboundCall = "inbound_call",
        /// Cold outbound calls or emails.
        ColdOutreach = "cold_outreach",
        /// A referral by a customer or contact.
        Referral = "referral",
        /// A partner.
        Partner = "partner",
        /// Imported from another system.
        Import = "import",
        /// Created through the API by an integration.
        Api = "api",
        /// Anything else.
        Other = "other",
    }
);

/// Upper bounds on text fields, in characters.
pub mod limits {
    /// Names and titles.
    pub const NAME: usize = 100;
    /// Company, campaign, industry, product names.
    pub const LABEL: usize = 200;
    /// Free text (need, notes).
    pub const TEXT: usize = 10_000;
    /// Products of interest per lead.
    pub const PRODUCTS: usize = 50;
}

/// The person behind a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Given name (required).
    pub first_name: String,
    /// Family name.
    pub last_name: Option<String>,
    /// Normalised email.
    pub email: Option<Email>,
    /// Normalised phone.
    pub phone: Option<Phone>,
    /// Job title.
    pub job_title: Option<String>,
}

impl Person {
    /// "First Last".
    pub fn full_name(&self) -> String {
        match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        }
    }
}

/// The editable, validated part of a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadFields {
    /// The person.
    pub person: Person,
    /// Organisation name.
    pub company: Option<String>,
    /// ISO 3166 alpha-2 country, upper-case.
    pub country: Option<String>,
    /// Where the lead came from.
    pub source: LeadSource,
    /// Marketing campaign that produced it.
    pub campaign: Option<String>,
    /// Products or services of interest.
    pub products: Vec<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Organisation size in employees (fit fact).
    pub company_size: Option<i32>,
    /// Industry (fit fact).
    pub industry: Option<String>,
    /// The pain or need to solve (fit fact).
    pub need: Option<String>,
    /// The person's role in the buying decision (fit fact).
    pub decision_role: Option<BuyerRole>,
    /// Owning user.
    pub owner_id: Option<UserId>,
    /// Written evidence for qualification checklist items (`budget` -> "50k EUR approved").
    pub evidence: std::collections::BTreeMap<String, String>,
}

/// A lead as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    /// Id.
    pub id: LeadId,
    /// Editable fields.
    pub fields: LeadFields,
    /// The team queue it waits in while unassigned.
    pub team_id: Option<TeamId>,
    /// Lifecycle position.
    pub state: LeadState,
    /// Set while disqualified.
    pub disqualify_reason: Option<DisqualifyReason>,
    /// Free text explaining a disqualification or nurture.
    pub status_note: Option<String>,
    /// Set while nurtured: when to revisit.
    pub nurture_until: Option<NaiveDate>,
    /// Lead score (rule points).
    pub score: i32,
    /// Which scoring rule gave how many points; sums to `score`.
    pub score_lines: Vec<super::scoring::ScoreLine>,
    /// Grade from the score (A flags the prospect review).
    pub grade: super::scoring::Grade,
    /// Account produced by conversion.
    pub account_id: Option<AccountId>,
    /// Contact produced by conversion.
    pub contact_id: Option<ContactId>,
    /// When qualified into a prospect.
    pub qualified_at: Option<DateTime<Utc>>,
    /// When converted.
    pub converted_at: Option<DateTime<Utc>>,
    /// Captured at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; +1 on every change.
    pub version: i64,
}

/// Raw lead input from any front door; every field is optional until validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadDraft {
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// ISO 3166 alpha-2 country.
    pub country: Option<String>,
    /// Source name (see [`LeadSource`]).
    pub source: Option<String>,
    /// Campaign name.
    pub campaign: Option<String>,
    /// Products of interest.
    pub products: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Employees.
    pub company_size: Option<i64>,
    /// Industry.
    pub industry: Option<String>,
    /// Need / pain.
    pub need: Option<String>,
    /// Decision role name (see [`BuyerRole`]).
    pub decision_role: Option<String>,
    /// Owning user.
    pub owner_id: Option<UserId>,
    /// Checklist evidence by item.
    pub evidence: std::collections::BTreeMap<String, String>,
    /// Anonymous visitor id of the website visitor who became this lead: their earlier
    /// engagement events join the lead on capture. Not a field of the lead; ignored on edits.
    pub visitor_id: Option<String>,
}

impl LeadDraft {
    /// The visitor id, trimmed, if one was given.
    pub fn visitor(&self) -> Option<&str> {
        self.visitor_id
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// Validates everything at once; the error lists every bad field.
    pub fn validate(&self) -> Result<LeadFields> {
        fn opt(v: &Option<String>) -> Option<&str> {
            v.as_deref()
        }
        let mut e = Errors::new();
        let first_name = e.take(
            "first_name",
            text::required(opt(&self.first_name).unwrap_or(""), limits::NAME),
        );
        let last_name = e.take(
            "last_name",
            text::optional(opt(&self.last_name), limits::NAME),
        );
        let country = e.take("country", parse_country(opt(&self.country)));
        let email = e.take("email", optional_with(opt(&self.email), Email::parse));
        let region = country.clone().flatten();
        let phone = e.take(
            "phone",
            optional_with(opt(&self.phone), |p| Phone::parse(p, region.as_deref())),
        );
        if matches!((&email, &phone), (Some(None), Some(None))) {
            e.push(FieldError::new(
                "email",
                "contact_channel_required",
                "give an email or a phone number (at least one)",
            ));
        }
        let job_title = e.take(
            "job_title",
            text::optional(opt(&self.job_title), limits::NAME),
        );
        let company = e.take("company", text::optional(opt(&self.company), limits::LABEL));
        let source = e.take(
            "source",
            parse_enum(opt(&self.source), LeadSource::parse, LeadSource::expected),
        );
        let campaign = e.take(
            "campaign",
            text::optional(opt(&self.campaign), limits::LABEL),
        );
        let products = e.take("products", parse_products(&self.products));
        let notes = e.take("notes", text::optional(opt(&self.notes), limits::TEXT));
        let company_size = e.take("company_size", parse_company_size(self.company_size));
        let industry = e.take(
            "industry",
            text::optional(opt(&self.industry), limits::LABEL),
        );
        let need = e.take("need", text::optional(opt(&self.need), limits::TEXT));
        let decision_role = e.take(
            "decision_role",
            parse_enum(
                opt(&self.decision_role),
                BuyerRole::parse,
                BuyerRole::expected,
            )
            .map(Some),
        );
        let evidence = e.take("evidence", parse_evidence(&self.evidence));
        e.take(
            "visitor_id",
            text::optional(opt(&self.visitor_id), super::event::MAX_VISITOR_ID),
        );
        e.finish()?;
        let missing = "validated above";
        Ok(LeadFields {
            person: Person {
                first_name: first_name.expect(missing),
                last_name: last_name.expect(missing),
                email: email.expect(missing),
                phone: phone.expect(missing),
                job_title: job_title.expect(missing),
            },
            company: company.expect(missing),
            country: country.expect(missing),
            source: source.expect(missing).unwrap_or(LeadSource::Api),
            campaign: campaign.expect(missing),
            products: products.expect(missing),
            notes: notes.expect(missing),
            company_size: company_size.expect(missing),
            industry: industry.expect(missing),
            need: need.expect(missing),
            decision_role: decision_role.expect(missing).flatten(),
            owner_id: self.owner_id,
            evidence: evidence.expect(missing),
        })
    }
}

impl LeadFields {
    /// Back to raw form, so a patch can be applied and the whole lead re-validated.
    pub fn to_draft(&self) -> LeadDraft {
        let p = &self.person;
        LeadDraft {
            first_name: Some(p.first_name.clone()),
            last_name: p.last_name.clone(),
            email: p.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: p.phone.as_ref().map(|p| p.as_str().to_owned()),
            job_title: p.job_title.clone(),
            company: self.company.clone(),
            country: self.country.clone(),
            source: Some(self.source.as_str().to_owned()),
            campaign: self.campaign.clone(),
            products: self.products.clone(),
            notes: self.notes.clone(),
            company_size: self.company_size.map(i64::from),
            industry: self.industry.clone(),
            need: self.need.clone(),
            decision_role: self.decision_role.map(|r| r.as_str().to_owned()),
            owner_id: self.owner_id,
            evidence: self.evidence.clone(),
            visitor_id: None,
        }
    }
}

/// Applies `parse` to a present, non-blank value.
pub(crate) fn optional_with<T>(
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => parse(value).map(Some),
    }
}

/// Parses an optional snake_case enum name, naming the accepted values on error.
pub(crate) fn parse_enum<T>(
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> Result<Option<T>, FieldError> {
    optional_with(raw, |v| {
        parse(v).ok_or_else(|| {
            FieldError::new(
                "",
                "unknown_value",
                format!("{v:?} is not one of: {}", expected()),
            )
        })
    })
}

fn parse_country(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_with(raw, |v| {
        if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(v.to_ascii_uppercase())
        } else {
            Err(FieldError::new(
                "",
                "invalid_country",
                "must be a two-letter ISO 3166 code such as IR, RO or GB",
            ))
        }
    })
}

/// Most checklist items with evidence on one lead.
const MAX_EVIDENCE_ITEMS: usize = 20;

fn parse_evidence(
    raw: &std::collections::BTreeMap<String, String>,
) -> Result<std::collections::BTreeMap<String, String>, FieldError> {
    if raw.len() > MAX_EVIDENCE_ITEMS {
        return Err(FieldError::new(
            "",
            "too_many",
            format!("at most {MAX_EVIDENCE_ITEMS} checklist items"),
        ));
    }
    let mut out = std::collections::BTreeMap::new();
    for (item, text) in raw {
        let key = item.trim().to_lowercase();
        let ok = !key.is_empty()
            && key.len() <= 50
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(FieldError::new(
                format!(".{item}"),
                "invalid_item",
                "checklist items are 1-50 letters, digits or _",
            ));
        }
        let text = text::optional(Some(text), 2000).map_err(|e| e.under(&format!(".{key}")))?;
        if let Some(text) = text {
            out.insert(key, text);
        }
    }
    Ok(out)
}

fn parse_company_size(raw: Option<i64>) -> Result<Option<i32>, FieldError> {
    match raw {
        None => Ok(None),
        Some(n) if (1..=10_000_000).contains(&n) => Ok(Some(n as i32)),
        Some(n) => Err(FieldError::new(
            "",
            "out_of_range",
            format!("must be between 1 and 10000000 employees (got {n})"),
        )),
    }
}

fn parse_products(raw: &[String]) -> Result<Vec<String>, FieldError> {
    if raw.len() > limits::PRODUCTS {
        return Err(FieldError::new(
            "",
            "too_many",
            format!("at most {} products", limits::PRODUCTS),
        ));
    }
    let mut products: Vec<String> = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let name = text::required(item, limits::LABEL).map_err(|e| e.under(&format!("[{i}]")))?;
        if !products.contains(&name) {
            products.push(name);
        }
    }
    Ok(products)
}

#[cfg(test)]
#[path = "lead_tests.rs"]
mod tests;

/// The fields that differ between two versions of a lead, with old and new values as text.
pub fn diff(old: &LeadFields, new: &LeadFields) -> Vec<super::history::FieldChange> {
    let (a, b) = (old.to_draft(), new.to_draft());
    let owner = |d: &LeadDraft| d.owner_id.map(|o| o.to_string());
    let size = |d: &LeadDraft| d.company_size.map(|n| n.to_string());
    let products = |d: &LeadDraft| Some(d.products.join(", ")).filter(|p| !p.is_empty());
    let evidence = |d: &LeadDraft| {
        Some(
            d.evidence
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .filter(|e| !e.is_empty())
    };
    let pairs: [(&str, Option<String>, Option<String>); 17] = [
        ("first_name", a.first_name, b.first_name),
        ("last_name", a.last_name, b.last_name),
        ("email", a.email, b.email),
        ("phone", a.phone, b.phone),
        ("job_title", a.job_title, b.job_title),
        ("company", a.company, b.company),
        ("country", a.country, b.country),
        ("source", a.source, b.source),
        ("campaign", a.campaign, b.campaign),
        (
            "products",
            products(&old.to_draft()),
            products(&new.to_draft()),
        ),
        ("notes", a.notes, b.notes),
        ("company_size", size(&old.to_draft()), size(&new.to_draft())),
        ("industry", a.industry, b.industry),
        ("need", a.need, b.need),
        ("decision_role", a.decision_role, b.decision_role),
        ("owner_id", owner(&old.to_draft()), owner(&new.to_draft())),
        (
            "evidence",
            evidence(&old.to_draft()),
            evidence(&new.to_draft()),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old, new)| super::history::FieldChange {
            field: field.to_owned(),
            old,
            new,
        })
        .collect()
}
