//! Parsing experiment input from any front door: the key, the kind and method, and the
//! variants checked against the method (each form or campaign named once, keys unique).

use super::{AssignmentMethod, ExperimentKind, MAX_WEIGHT, VARIANTS, Variant};
use crate::domain::FormId;
use crate::domain::text;
use crate::error::{Errors, FieldError, Result};

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
