//! The nurture content library: articles, case studies, price sheets and proposals to send
//! at each stage of the funnel, and the rule that picks the next one for a record. Pure:
//! validation and ordering, no IO.

use super::ids::{ActivityId, ContentId, LeadId, RecordRef, UserId};
use super::lifecycle::str_enum;
use super::text;
use crate::error::{Errors, FieldError, Result};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

str_enum!(
    /// The funnel stage a content item is written for.
    ContentStage {
        /// Leads: educational material.
        Lead = "lead",
        /// Prospects: case studies, pricing.
        Prospect = "prospect",
        /// Opportunities: proposals, quotes.
        Opportunity = "opportunity",
    }
);

/// Most products one item may name.
pub const MAX_PRODUCTS: usize = 50;

/// A content item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentItem {
    /// Id.
    pub id: ContentId,
    /// Title.
    pub title: String,
    /// Where it is (http or https).
    pub url: String,
    /// The stage it is for.
    pub stage: ContentStage,
    /// Products it is about (none: any product).
    pub products: Vec<String>,
    /// ISO 639-1 language code, lower-case (`en`, `fa`, `ro` ...).
    pub language: String,
    /// Whether it is suggested and may be sent.
    pub active: bool,
    /// Who added it.
    pub created_by: Option<UserId>,
    /// Added at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// One sending of a content item to a record, logged with its email activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentSend {
    /// The item sent.
    pub content_id: ContentId,
    /// The email activity that records it.
    pub activity_id: ActivityId,
    /// The record it was sent to (a lead or an opportunity).
    pub subject: RecordRef,
    /// The lead behind the record (an opportunity's lead), for the content report.
    pub lead_id: Option<LeadId>,
    /// When.
    pub sent_at: DateTime<Utc>,
    /// Who sent it.
    pub sent_by: Option<UserId>,
}

/// Raw content input from any front door.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentDraft {
    /// Title.
    pub title: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// `lead`, `prospect` or `opportunity`.
    pub stage: Option<String>,
    /// Products.
    pub products: Vec<String>,
    /// Language code (default `en`).
    pub language: Option<String>,
    /// Active (default true).
    pub active: Option<bool>,
}

/// The validated fields of a content item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFields {
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Stage.
    pub stage: ContentStage,
    /// Products, trimmed, without repeats.
    pub products: Vec<String>,
    /// Language.
    pub language: String,
    /// Active.
    pub active: bool,
}

impl ContentDraft {
    /// Validates everything at once; the error lists every bad field.
    pub fn validate(&self) -> Result<ContentFields> {
        let mut e = Errors::new();
        let title = e.take(
            "title",
            text::required(self.title.as_deref().unwrap_or(""), 200),
        );
        let url = e.take("url", parse_url(self.url.as_deref()));
        let stage = e.take("stage", parse_stage(self.stage.as_deref()));
        let language = e.take("language", parse_language(self.language.as_deref()));
        let products = e.take("products", parse_products(&self.products));
        e.finish()?;
        let ok = "validated above";
        Ok(ContentFields {
            title: title.expect(ok),
            url: url.expect(ok),
            stage: stage.expect(ok),
            products: products.expect(ok),
            language: language.expect(ok),
            active: self.active.unwrap_or(true),
        })
    }
}

fn parse_url(raw: Option<&str>) -> std::result::Result<String, FieldError> {
    let s = text::required(raw.unwrap_or(""), 2000)?;
    let bad = || {
        FieldError::new(
            "",
            "invalid_url",
            format!("{s:?} is not an http or https URL"),
        )
    };
    let parsed = url::Url::parse(&s).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(parsed.to_string())
}

/// Parses a required stage name.
pub fn parse_stage(raw: Option<&str>) -> std::result::Result<ContentStage, FieldError> {
    let s = raw.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Err(FieldError::new("", "required", "must be given"));
    }
    ContentStage::parse(s).ok_or_else(|| {
        FieldError::new(
            "",
            "unknown_value",
            format!("{s:?} is not one of: {}", ContentStage::expected()),
        )
    })
}

/// An ISO 639-1 code: two letters, stored lower-case (default `en`).
fn parse_language(raw: Option<&str>) -> std::result::Result<String, FieldError> {
    let s = raw.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Ok("en".to_owned());
    }
    if s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(FieldError::new(
            "",
            "invalid_language",
            format!("{s:?} is not a two-letter ISO 639-1 language code like en, fa or ro"),
        ))
    }
}

fn parse_products(raw: &[String]) -> std::result::Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for p in raw {
        if let Some(p) = text::optional(Some(p), 200)?
            && !out.iter().any(|o| o.eq_ignore_ascii_case(&p))
        {
            out.push(p);
        }
    }
    if out.len() > MAX_PRODUCTS {
        return Err(FieldError::new(
            "",
            "too_many",
            format!("at most {MAX_PRODUCTS} products"),
        ));
    }
    Ok(out)
}

/// The language a record's content should preferably be in: from the lead's country
/// (IR, AF: Persian; RO, MD: Romanian), else its owner's language.
pub fn preferred_language(country: Option<&str>, owner_locale: Option<&str>) -> Option<String> {
    let by_country = match country.map(str::to_ascii_uppercase).as_deref() {
        Some("IR" | "AF") => Some("fa"),
        Some("RO" | "MD") => Some("ro"),
        _ => None,
    };
    by_country.or(owner_locale).map(str::to_owned)
}

/// What the suggestion for one record depends on.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    /// The record's products.
    pub products: &'a [String],
    /// The preferred language.
    pub language: Option<&'a str>,
    /// Items already sent to the record.
    pub sent: HashSet<ContentId>,
}

/// The items to suggest, best first: active items of `stage` not yet sent, whose products
/// (when they name any) include one of the record's; the preferred language first, then
/// items about the record's products before general ones, then oldest first (then id).
pub fn suggestions<'a>(
    items: &'a [ContentItem],
    stage: ContentStage,
    wanted: &Wanted<'_>,
) -> Vec<&'a ContentItem> {
    let about = |i: &ContentItem| {
        i.products
            .iter()
            .any(|p| wanted.products.iter().any(|r| r.eq_ignore_ascii_case(p)))
    };
    let mut out: Vec<&ContentItem> = items
        .iter()
        .filter(|i| i.active && i.stage == stage && !wanted.sent.contains(&i.id))
        .filter(|i| i.products.is_empty() || about(i))
        .collect();
    out.sort_by_key(|i| {
        (
            wanted.language != Some(i.language.as_str()),
            !about(i),
            i.created_at,
            i.id,
        )
    });
    out
}

#[cfg(test)]
#[path = "content_tests.rs"]
mod tests;
