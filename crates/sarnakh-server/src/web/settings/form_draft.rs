//! A web form's editor as sent, read into the service's draft: check boxes per lead field,
//! lists separated by commas or lines, and whole numbers (a number that is not one is a
//! problem of its field before the service sees the draft).

use sarnakh_core::domain::form::{FormDraft, FormField};
use sarnakh_core::error::FieldError;

/// The editor as sent: every name and value (the field choices are `ask_<field>` and
/// `required_<field>` check boxes).
pub type Sent = Vec<(String, String)>;

pub fn value<'a>(sent: &'a Sent, name: &str) -> &'a str {
    sent.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn list_of(raw: &str) -> Vec<String> {
    raw.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The draft of what was sent, and the problems found before the service sees it.
pub fn draft_of(sent: &Sent) -> (FormDraft, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut number = |name: &str| {
        let raw = value(sent, name).trim();
        if raw.is_empty() {
            return None;
        }
        raw.parse::<i64>().map_or_else(
            |_| {
                errors.push(FieldError::new(name, "invalid", "not a whole number"));
                None
            },
            Some,
        )
    };
    let (daily_cap, min_fill_seconds) = (number("daily_cap"), number("min_fill_seconds"));
    let given = |name: &str| {
        Some(value(sent, name).trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let draft = FormDraft {
        name: given("name"),
        fields: FormField::ALL
            .iter()
            .filter(|f| !value(sent, &format!("ask_{}", f.as_str())).is_empty())
            .map(|f| {
                let required = !value(sent, &format!("required_{}", f.as_str())).is_empty();
                (f.as_str().to_owned(), required)
            })
            .collect(),
        campaign: given("campaign"),
        products: list_of(value(sent, "products")),
        thank_you_url: given("thank_you_url"),
        thank_you_message: given("thank_you_message"),
        allowed_origins: list_of(value(sent, "allowed_origins")),
        daily_cap,
        min_fill_seconds,
        team_id: None,
        active: Some(!value(sent, "active").is_empty()),
    };
    (draft, errors)
}
