//! A/B experiments: an approach (a landing-page form, a nurture email, a first-call script,
//! an offer) tried in 2 to 10 variants, the first being the control. Leads get a variant by
//! the form they came through, by their campaign, or by a deterministic weighted split of a
//! hash of the experiment and lead ids. Pure: validation and the assignment rule, no IO.

use super::ids::{ExperimentId, FormId, LeadId, UserId};
use super::lifecycle::str_enum;
use super::text;
use crate::error::{Error, Errors, FieldError, Result};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

str_enum!(
    /// What an experiment varies.
    ExperimentKind {
        /// A landing-page or web form.
        Form = "form",
        /// A nurture email.
        NurtureEmail = "nurture_email",
        /// A first-call script.
        CallScript = "call_script",
        /// An offer.
        Offer = "offer",
        /// Anything else.
        Other = "other",
    }
);

str_enum!(
    /// How leads get their variant.
    AssignmentMethod {
        /// Each variant names a web form: leads captured through it get that variant.
        Form = "form",
        /// Each variant names a campaign: leads of that campaign get that variant.
        Campaign = "campaign",
        /// A weighted split, reproducible from the experiment and lead ids.
        Random = "random",
    }
);

str_enum!(
    /// Where an experiment is in its life.
    ExperimentStatus {
        /// Being set up; assigns nobody.
        Draft = "draft",
        /// Assigns every new lead that matches.
        Running = "running",
        /// Finished; assigns nobody, the report stays.
        Stopped = "stopped",
    }
);

/// Fewest and most variants an experiment compares.
pub const VARIANTS: std::ops::RangeInclusive<usize> = 2..=10;
/// Largest weight of one variant of a random split.
pub const MAX_WEIGHT: u32 = 1000;

/// One arm of an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Short stable key (`a`, `b`, `long-form` ...), unique in the experiment.
    pub key: String,
    /// Human name.
    pub name: String,
    /// Form method: the form whose leads get this variant.
    pub form_id: Option<FormId>,
    /// Campaign method: the campaign whose leads get this variant.
    pub campaign: Option<String>,
    /// Random method: relative weight (1 to [`MAX_WEIGHT`]); 1 for the other methods.
    pub weight: u32,
}

/// An experiment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    /// Id.
    pub id: ExperimentId,
    /// Short unique key (lower-case letters, digits, `-`, `_`).
    pub key: String,
    /// Name.
    pub name: String,
    /// The hypothesis.
    pub description: Option<String>,
    /// What it varies.
    pub kind: ExperimentKind,
    /// How leads get a variant.
    pub method: AssignmentMethod,
    /// Draft, running or stopped.
    pub status: ExperimentStatus,
    /// The variants; the first is the control.
    pub variants: Vec<Variant>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it stopped.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Who created it.
    pub created_by: Option<UserId>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// What the assignment rule needs to know about a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadOrigin {
    /// The lead.
    pub lead_id: LeadId,
    /// Its campaign.
    pub campaign: Option<String>,
    /// The form it was captured through, if any.
    pub form_id: Option<FormId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl LeadOrigin {
    /// The origin of a lead, captured through `form` if any.
    pub fn of(lead: &super::Lead, form: Option<FormId>) -> Self {
        Self {
            lead_id: lead.id,
            campaign: lead.fields.campaign.clone(),
            form_id: form,
            created_at: lead.created_at,
        }
    }
}

/// A lead's place in an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The experiment.
    pub experiment_id: ExperimentId,
    /// The lead.
    pub lead_id: LeadId,
    /// The variant's key.
    pub variant: String,
    /// From when the lead counts as exposed: conversions before it do not count.
    pub assigned_at: DateTime<Utc>,
}

impl Experiment {
    /// The variant `lead` gets, if it takes part: by its form, its campaign, or the hash.
    pub fn variant_for(&self, lead: &LeadOrigin) -> Option<&Variant> {
        match self.method {
            AssignmentMethod::Form => self
                .variants
                .iter()
                .find(|v| v.form_id.is_some() && v.form_id == lead.form_id),
            AssignmentMethod::Campaign => {
                let campaign = lead.campaign.as_deref()?;
                self.variants
                    .iter()
                    .find(|v| v.campaign.as_deref() == Some(campaign))
            }
            AssignmentMethod::Random => {
                let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
                let mut point = split_point(self.id, lead.lead_id, total)?;
                self.variants.iter().find(|v| {
                    let w = u64::from(v.weight);
                    if point < w {
                        true
                    } else {
                        point -= w;
                        false
                    }
                })
            }
        }
    }

    /// The assignment of `lead` at `at`, if it takes part.
    pub fn assign(&self, lead: &LeadOrigin, at: DateTime<Utc>) -> Option<Assignment> {
        self.variant_for(lead).map(|v| Assignment {
            experiment_id: self.id,
            lead_id: lead.lead_id,
            variant: v.key.clone(),
            assigned_at: at,
        })
    }
}

/// A number in `0..total` from SHA-256 of the two ids (the first 8 bytes, big-endian):
/// the same lead always lands in the same place of the same experiment.
pub fn split_point(experiment: ExperimentId, lead: LeadId, total: u64) -> Option<u64> {
    if total == 0 {
        return None;
    }
    let mut hash = Sha256::new();
    hash.update(experiment.as_uuid().as_bytes());
    hash.update(lead.as_uuid().as_bytes());
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    Some(u64::from_be_bytes(first) % total)
}

/// Raw variant input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariantDraft {
    /// Key.
    pub key: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Form id (form method).
    pub form_id: Option<String>,
    /// Campaign (campaign method).
    pub campaign: Option<String>,
    /// Weight (random method, default 1).
    pub weight: Option<i64>,
}

/// Raw experiment input from any front door.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExperimentDraft {
    /// Key.
    pub key: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Hypothesis.
    pub description: Option<String>,
    /// `form`, `nurture_email`, `call_script`, `offer` or `other`.
    pub kind: Option<String>,
    /// `form`, `campaign` or `random`.
    pub method: Option<String>,
    /// The variants, control first.
    pub variants: Vec<VariantDraft>,
}

/// The validated settings of an experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentSettings {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Hypothesis.
    pub description: Option<String>,
    /// Kind.
    pub kind: ExperimentKind,
    /// Method.
    pub method: AssignmentMethod,
    /// Variants.
    pub variants: Vec<Variant>,
}

impl ExperimentDraft {
    /// Validates everything at once; the error lists every bad field.
    pub fn validate(&self) -> Result<ExperimentSettings> {
        let mut e = Errors::new();
        let key = e.take("key", parse_key(self.key.as_deref()));
        let name = e.take(
            "name",
            text::required(self.name.as_deref().unwrap_or(""), 200),
        );
        let description = e.take(
            "description",
            text::optional(self.description.as_deref(), 10_000),
        );
        let kind = e.take(
            "kind",
            required_enum(
                self.kind.as_deref(),
                ExperimentKind::parse,
                ExperimentKind::expected,
            ),
        );
        let method = e.take(
            "method",
            required_enum(
                self.method.as_deref(),
                AssignmentMethod::parse,
                AssignmentMethod::expected,
            ),
        );
        let variants = method.map(|m| variants(&self.variants, m, &mut e));
        e.finish()?;
        let ok = "validated above";
        Ok(ExperimentSettings {
            key: key.expect(ok),
            name: name.expect(ok),
            description: description.expect(ok),
            kind: kind.expect(ok),
            method: method.expect(ok),
            variants: variants.expect(ok),
        })
    }
}

fn required_enum<T>(
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> std::result::Result<T, FieldError> {
    let s = raw.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Err(FieldError::new("", "required", "must be given"));
    }
    parse(s).ok_or_else(|| {
        FieldError::new(
            "",
            "unknown_value",
            format!("{s:?} is not one of: {}", expected()),
        )
    })
}

/// An experiment key: 1-64 of `a-z 0-9 - _`, starting with a letter or digit.
pub fn parse_key(raw: Option<&str>) -> std::result::Result<String, FieldError> {
    let s = raw.map(str::trim).unwrap_or("");
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(
            "",
            "invalid_key",
            "use 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit",
        ))
    }
}

/// Checks the variants against the method: keys unique, each form or campaign named once.
fn variants(drafts: &[VariantDraft], method: AssignmentMethod, e: &mut Errors) -> Vec<Variant> {
    if !VARIANTS.contains(&drafts.len()) {
        e.push(FieldError::new(
            "variants",
            "invalid_count",
            format!(
                "give 2 to 10 variants, the control first (got {})",
                drafts.len()
            ),
        ));
    }
    let mut out: Vec<Variant> = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let at = format!("variants[{i}]");
        let before = out.clone();
        if let Some(v) = variant(d, method, &at, e) {
            let clash = |what: &str| {
                FieldError::new(
                    format!("{at}.{what}"),
                    "duplicate",
                    "named twice in this experiment",
                )
            };
            if before.iter().any(|o| o.key == v.key) {
                e.push(clash("key"));
            }
            if v.form_id.is_some() && before.iter().any(|o| o.form_id == v.form_id) {
                e.push(clash("form_id"));
            }
            if v.campaign.is_some() && before.iter().any(|o| o.campaign == v.campaign) {
                e.push(clash("campaign"));
            }
            out.push(v);
        }
    }
    out
}

fn variant(
    d: &VariantDraft,
    method: AssignmentMethod,
    at: &str,
    e: &mut Errors,
) -> Option<Variant> {
    let key = e.take(&format!("{at}.key"), parse_key(d.key.as_deref()));
    let name = e.take(
        &format!("{at}.name"),
        text::required(d.name.as_deref().unwrap_or(""), 200),
    );
    let (mut form_id, mut campaign, mut weight) = (None, None, 1);
    let mut push = |field: &str, code: &'static str, msg: String| {
        e.push(FieldError::new(format!("{at}.{field}"), code, msg));
    };
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    match method {
        AssignmentMethod::Form => match d.form_id.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => match s.parse::<FormId>() {
                Ok(id) => form_id = Some(id),
                Err(_) => push("form_id", "invalid_id", format!("{s:?} is not a form id")),
            },
            _ => push(
                "form_id",
                "required",
                "the form method needs a form per variant".into(),
            ),
        },
        AssignmentMethod::Campaign => match text::optional(d.campaign.as_deref(), 200) {
            Ok(Some(c)) => campaign = Some(c),
            Ok(None) => push(
                "campaign",
                "required",
                "the campaign method needs a campaign per variant".into(),
            ),
            Err(err) => e.push(err.under(&format!("{at}.campaign"))),
        },
        AssignmentMethod::Random => match d.weight {
            None => {}
            Some(w) if (1..=i64::from(MAX_WEIGHT)).contains(&w) => {
                weight = u32::try_from(w).unwrap_or(1);
            }
            Some(w) => push(
                "weight",
                "out_of_range",
                format!("{w} is not a weight from 1 to {MAX_WEIGHT}"),
            ),
        },
    }
    let mut misplaced = |field: &str, given: bool| {
        if given {
            e.push(FieldError::new(
                format!("{at}.{field}"),
                "not_applicable",
                format!("the {method} method does not use {field}"),
            ));
        }
    };
    misplaced(
        "form_id",
        method != AssignmentMethod::Form && !blank(&d.form_id),
    );
    misplaced(
        "campaign",
        method != AssignmentMethod::Campaign && !blank(&d.campaign),
    );
    misplaced(
        "weight",
        method != AssignmentMethod::Random && d.weight.is_some(),
    );
    Some(Variant {
        key: key?,
        name: name?,
        form_id,
        campaign,
        weight,
    })
}

/// Refuses a change of status that the life cycle does not allow (draft -> running ->
/// stopped).
pub fn check_move(from: ExperimentStatus, to: ExperimentStatus) -> Result<()> {
    use ExperimentStatus::{Draft, Running, Stopped};
    match (from, to) {
        (Draft, Running) | (Running, Stopped) => Ok(()),
        _ => Err(Error::Conflict(format!(
            "an experiment that is {from} cannot become {to} (draft -> running -> stopped)"
        ))),
    }
}

#[cfg(test)]
#[path = "experiment_tests.rs"]
mod tests;
