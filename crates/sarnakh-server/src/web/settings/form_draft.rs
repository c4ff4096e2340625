//! A web form's editor: its values as stored or as sent, and what was sent read into the
//! service's draft: check boxes per lead field, lists separated by commas or lines, the team
//! queue, and whole numbers (a number that is not one is a problem of its field before the
//! service sees the draft).

use crate::web::Tr;
use sarnakh_core::domain::TeamId;
use sarnakh_core::domain::form::{FormDraft, FormField, WebForm};
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
    let team_id = match value(sent, "team_id").trim() {
        "" => None,
        raw => raw.parse::<TeamId>().map_or_else(
            |_| {
                errors.push(FieldError::new("team_id", "unknown_team", "no such team"));
                None
            },
            Some,
        ),
    };
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
        team_id,
        active: Some(!value(sent, "active").is_empty()),
    };
    (draft, errors)
}

/// One lead field of the editor: asked for, required.
pub struct FieldChoice {
    pub name: &'static str,
    pub label: String,
    pub asked: bool,
    pub required: bool,
}

/// The editor's values, as stored or as sent.
pub struct Editor {
    pub action: String,
    pub version: i64,
    pub name: String,
    pub fields: Vec<FieldChoice>,
    pub campaign: String,
    pub products: String,
    pub thank_you_url: String,
    pub thank_you_message: String,
    pub allowed_origins: String,
    pub daily_cap: String,
    pub min_fill_seconds: String,
    /// The team queue's id, or empty: no queue.
    pub team: String,
    pub active: bool,
}

fn choices(tr: Tr, asked: &[(String, bool)]) -> Vec<FieldChoice> {
    FormField::ALL
        .iter()
        .map(|f| {
            let given = asked.iter().find(|(n, _)| n == f.as_str());
            FieldChoice {
                name: f.as_str(),
                label: tr.t(&format!("form-field-{}", f.as_str())),
                asked: given.is_some(),
                required: given.is_some_and(|(_, r)| *r),
            }
        })
        .collect()
}

/// The editor of `form` as stored, or of a new form.
pub fn editor_of(tr: Tr, form: Option<&WebForm>) -> Editor {
    let Some(form) = form else {
        let asked = [("first_name".into(), true), ("email".into(), true)];
        return Editor {
            action: "/settings/forms".into(),
            version: 0,
            name: String::new(),
            fields: choices(tr, &asked),
            campaign: String::new(),
            products: String::new(),
            thank_you_url: String::new(),
            thank_you_message: String::new(),
            allowed_origins: String::new(),
            daily_cap: "1000".into(),
            min_fill_seconds: "3".into(),
            team: String::new(),
            active: true,
        };
    };
    let s = &form.settings;
    let asked: Vec<(String, bool)> = s
        .fields
        .iter()
        .map(|f| (f.field.as_str().to_owned(), f.required))
        .collect();
    Editor {
        action: format!("/settings/forms/{}", form.id),
        version: form.version,
        name: s.name.clone(),
        fields: choices(tr, &asked),
        campaign: s.campaign.clone().unwrap_or_default(),
        products: s.products.join(", "),
        thank_you_url: s.thank_you_url.clone().unwrap_or_default(),
        thank_you_message: s.thank_you_message.clone().unwrap_or_default(),
        allowed_origins: s.allowed_origins.join("\n"),
        daily_cap: s.daily_cap.to_string(),
        min_fill_seconds: s.min_fill_seconds.to_string(),
        team: s.team_id.map(|t| t.to_string()).unwrap_or_default(),
        active: s.active,
    }
}

/// The editor as `sent`, to show again with its problems.
pub fn editor_sent(tr: Tr, action: String, version: i64, sent: &Sent, draft: &FormDraft) -> Editor {
    Editor {
        action,
        version,
        name: value(sent, "name").to_owned(),
        fields: choices(tr, &draft.fields),
        campaign: value(sent, "campaign").to_owned(),
        products: value(sent, "products").to_owned(),
        thank_you_url: value(sent, "thank_you_url").to_owned(),
        thank_you_message: value(sent, "thank_you_message").to_owned(),
        allowed_origins: value(sent, "allowed_origins").to_owned(),
        daily_cap: value(sent, "daily_cap").to_owned(),
        min_fill_seconds: value(sent, "min_fill_seconds").to_owned(),
        team: value(sent, "team_id").trim().to_owned(),
        active: draft.active.unwrap_or(true),
    }
}
