//! Web-to-lead forms: marketing defines which lead fields a form asks for, where its leads
//! go (campaign, products, team queue), what the visitor sees afterwards, which websites may
//! embed it and its spam defences. Every submission is kept: accepted ones with the lead they
//! made, spam and over-cap ones apart for review.

use super::ids::{FormId, LeadId, SubmissionId, TeamId, UserId};
use super::lead::limits;
use super::lifecycle::str_enum;
use super::text;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

str_enum!(
    /// A lead field a form may ask for.
    FormField {
        /// Given name.
        FirstName = "first_name",
        /// Family name.
        LastName = "last_name",
        /// Email address.
        Email = "email",
        /// Phone number.
        Phone = "phone",
        /// Job title.
        JobTitle = "job_title",
        /// Company name.
        Company = "company",
        /// ISO country code.
        Country = "country",
        /// Employees.
        CompanySize = "company_size",
        /// Industry.
        Industry = "industry",
        /// The need or pain.
        Need = "need",
        /// A free message.
        Notes = "notes",
    }
);

str_enum!(
    /// What became of a submission.
    SubmissionStatus {
        /// It made a lead.
        Accepted = "accepted",
        /// Caught by a spam defence; kept for review, not counted.
        Spam = "spam",
        /// Over the form's daily cap; waits for review.
        Held = "held",
    }
);

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFieldSpec {
    /// Which lead field.
    pub field: FormField,
    /// Must the visitor fill it.
    pub required: bool,
}

/// What a form is, as marketing set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSettings {
    /// Name shown to the team.
    pub name: String,
    /// Fields in display order.
    pub fields: Vec<FormFieldSpec>,
    /// Campaign of its leads (a `utm_campaign` of the visit overrides none given here).
    pub campaign: Option<String>,
    /// Products of interest of its leads.
    pub products: Vec<String>,
    /// Where the visitor goes after submitting (else `thank_you_message` is shown).
    pub thank_you_url: Option<String>,
    /// What the visitor reads after submitting.
    pub thank_you_message: Option<String>,
    /// Origins (`https://www.example.ro`) whose pages may post to the form from a browser.
    pub allowed_origins: Vec<String>,
    /// Submissions a day that become leads at once; later ones wait for review.
    pub daily_cap: u32,
    /// Seconds a person needs at least to fill the form; faster is a robot.
    pub min_fill_seconds: u32,
    /// Team whose queue its leads join.
    pub team_id: Option<TeamId>,
    /// Whether it takes submissions.
    pub active: bool,
}

/// A stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebForm {
    /// Id.
    pub id: FormId,
    /// Public key in its address (`/f/{key}`).
    pub key: String,
    /// Settings.
    pub settings: FormSettings,
    /// Who made it.
    pub created_by: Option<UserId>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Raw form input (create, or a full replacement on update).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormDraft {
    /// Name.
    pub name: Option<String>,
    /// Fields: name and required flag.
    pub fields: Vec<(String, bool)>,
    /// Campaign.
    pub campaign: Option<String>,
    /// Products.
    pub products: Vec<String>,
    /// Thank-you address.
    pub thank_you_url: Option<String>,
    /// Thank-you text.
    pub thank_you_message: Option<String>,
    /// Allowed embedding origins.
    pub allowed_origins: Vec<String>,
    /// Daily cap (default 1,000).
    pub daily_cap: Option<i64>,
    /// Minimum fill time in seconds (default 3).
    pub min_fill_seconds: Option<i64>,
    /// Team queue.
    pub team_id: Option<TeamId>,
    /// Active (default true).
    pub active: Option<bool>,
}

/// Default daily cap.
pub const DEFAULT_DAILY_CAP: u32 = 1000;
/// Default minimum fill time.
pub const DEFAULT_MIN_FILL_SECONDS: u32 = 3;

impl FormDraft {
    /// Validates everything at once.
    pub fn validate(&self) -> Result<FormSettings> {
        let mut e = Errors::new();
        let name = e.take(
            "name",
            text::required(self.name.as_deref().unwrap_or(""), limits::LABEL),
        );
        let fields = e.take("fields", parse_fields(&self.fields));
        let campaign = e.take(
            "campaign",
            text::optional(self.campaign.as_deref(), limits::LABEL),
        );
        let mut products = Vec::new();
        for (i, p) in self.products.iter().enumerate() {
            if let Some(Some(p)) = e.take(
                &format!("products[{i}]"),
                text::optional(Some(p), limits::LABEL),
            ) && !products.contains(&p)
            {
                products.push(p);
            }
        }
        let thank_you_url = e.take(
            "thank_you_url",
            self.thank_you_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(web_url)
                .transpose(),
        );
        let thank_you_message = e.take(
            "thank_you_message",
            text::optional(self.thank_you_message.as_deref(), 2000),
        );
        let mut allowed_origins = Vec::new();
        for (i, o) in self.allowed_origins.iter().enumerate() {
            if let Some(o) = e.take(&format!("allowed_origins[{i}]"), origin(o))
                && !allowed_origins.contains(&o)
            {
                allowed_origins.push(o);
            }
        }
        let daily_cap = e.take(
            "daily_cap",
            bounded(self.daily_cap, DEFAULT_DAILY_CAP, 1, 1_000_000),
        );
        let min_fill_seconds = e.take(
            "min_fill_seconds",
            bounded(self.min_fill_seconds, DEFAULT_MIN_FILL_SECONDS, 0, 600),
        );
        e.finish()?;
        let ok = "validated above";
        Ok(FormSettings {
            name: name.expect(ok),
            fields: fields.expect(ok),
            campaign: campaign.expect(ok),
            products,
            thank_you_url: thank_you_url.expect(ok),
            thank_you_message: thank_you_message.expect(ok),
            allowed_origins,
            daily_cap: daily_cap.expect(ok),
            min_fill_seconds: min_fill_seconds.expect(ok),
            team_id: self.team_id,
            active: self.active.unwrap_or(true),
        })
    }
}

impl FormSettings {
    /// Back to raw form, so a partial edit can be applied and everything re-validated.
    pub fn to_draft(&self) -> FormDraft {
        FormDraft {
            name: Some(self.name.clone()),
            fields: self
                .fields
                .iter()
                .map(|f| (f.field.as_str().to_owned(), f.required))
                .collect(),
            campaign: self.campaign.clone(),
            products: self.products.clone(),
            thank_you_url: self.thank_you_url.clone(),
            thank_you_message: self.thank_you_message.clone(),
            allowed_origins: self.allowed_origins.clone(),
            daily_cap: Some(i64::from(self.daily_cap)),
            min_fill_seconds: Some(i64::from(self.min_fill_seconds)),
            team_id: self.team_id,
            active: Some(self.active),
        }
    }

    /// Whether a browser page of `origin` may post to the form.
    pub fn allows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        self.allowed_origins.contains(&origin)
    }
}

fn parse_fields(raw: &[(String, bool)]) -> std::result::Result<Vec<FormFieldSpec>, FieldError> {
    if raw.is_empty() {
        return Err(FieldError::new(
            "",
            "required",
            "a form asks for at least one field",
        ));
    }
    let mut out: Vec<FormFieldSpec> = Vec::with_capacity(raw.len());
    for (i, (name, required)) in raw.iter().enumerate() {
        let field = FormField::parse(name.trim()).ok_or_else(|| {
            FieldError::new(
                format!("[{i}]"),
                "unknown_value",
                format!("{name:?} is not one of: {}", FormField::expected()),
            )
        })?;
        if out.iter().any(|f| f.field == field) {
            return Err(FieldError::new(
                format!("[{i}]"),
                "duplicate",
                format!("{name} is asked for twice"),
            ));
        }
        out.push(FormFieldSpec {
            field,
            required: *required,
        });
    }
    let asks = |f: FormField| out.iter().any(|s| s.field == f);
    if !asks(FormField::FirstName) || !(asks(FormField::Email) || asks(FormField::Phone)) {
        return Err(FieldError::new(
            "",
            "incomplete",
            "a form must ask for first_name and for email or phone (a lead needs them)",
        ));
    }
    Ok(out)
}

/// An absolute http(s) address.
fn web_url(raw: &str) -> std::result::Result<String, FieldError> {
    let bad = || {
        FieldError::new(
            "",
            "invalid_url",
            format!("{raw:?} is not an absolute http(s) address"),
        )
    };
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || raw.len() > 2000 {
        return Err(bad());
    }
    Ok(url.to_string())
}

/// A web origin: scheme, host and optional port, nothing else.
fn origin(raw: &str) -> std::result::Result<String, FieldError> {
    let bad = || {
        FieldError::new(
            "",
            "invalid_origin",
            format!("{raw:?} is not an origin such as https://www.example.ro"),
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    let plain = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || !plain {
        return Err(bad());
    }
    Ok(url.origin().ascii_serialization())
}

fn bounded(
    raw: Option<i64>,
    default: u32,
    min: u32,
    max: u32,
) -> std::result::Result<u32, FieldError> {
    match raw {
        None => Ok(default),
        Some(v) => u32::try_from(v)
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(|| FieldError::new("", "out_of_range", format!("must be {min} to {max}"))),
    }
}

/// Where a submission came from: the visit's marketing parameters and the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureContext {
    /// Anonymous visitor id (its earlier events join the lead).
    pub visitor_id: Option<String>,
    /// `utm_source`.
    pub utm_source: Option<String>,
    /// `utm_medium`.
    pub utm_medium: Option<String>,
    /// `utm_campaign`.
    pub utm_campaign: Option<String>,
    /// `utm_term`.
    pub utm_term: Option<String>,
    /// `utm_content`.
    pub utm_content: Option<String>,
    /// The page that sent the visitor to the site.
    pub referrer: Option<String>,
    /// The page the visitor first landed on.
    pub landing_page: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Client software.
    pub user_agent: Option<String>,
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Id.
    pub id: SubmissionId,
    /// The form.
    pub form_id: FormId,
    /// What became of it.
    pub status: SubmissionStatus,
    /// Why it is spam or held (`honeypot`, `too_fast`, `no_timing`, `daily_cap`, `duplicate`).
    pub reason: Option<String>,
    /// The lead it made.
    pub lead_id: Option<LeadId>,
    /// The visitor's answers, as sent (form fields only).
    pub payload: BTreeMap<String, String>,
    /// Where it came from.
    pub context: CaptureContext,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When someone reviewed it (accepted a held or spam submission).
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Who did.
    pub reviewed_by: Option<UserId>,
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
