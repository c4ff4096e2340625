//! The edit forms of a lead, an opportunity and a contact: which fields each shows, filled
//! from the record, and the same form refilled with what was sent and each refused value's
//! problem next to its field. Rendered by `edit_form.html` on the record pages and on
//! `GET .../edit`; saved by `edit.rs`.

use super::Tr;
use sarnakh_core::domain::forecast::ForecastCategory;
use sarnakh_core::domain::{Contact, Lead, Opportunity, User};
use sarnakh_core::error::FieldError;
use std::collections::HashMap;

/// One field of an edit form.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    /// `text`, `email`, `tel`, `number`, `date` or `select`.
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub error: Option<String>,
}

/// An edit form: where it posts, the version it was filled from, its fields.
pub struct EditForm {
    pub action: String,
    pub version: i64,
    pub fields: Vec<Field>,
    /// Problems that belong to no shown field.
    pub problems: Vec<String>,
}

impl EditForm {
    fn new(action: String, version: i64) -> Self {
        Self {
            action,
            version,
            fields: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn field(mut self, tr: Tr, name: &'static str, label: &str, kind: &'static str) -> Self {
        self.fields.push(Field {
            name,
            label: tr.t(label),
            value: String::new(),
            kind,
            options: Vec::new(),
            required: false,
            error: None,
        });
        self
    }

    fn value(mut self, value: Option<impl ToString>) -> Self {
        if let (Some(f), Some(v)) = (self.fields.last_mut(), value) {
            f.value = v.to_string();
        }
        self
    }

    fn required(mut self) -> Self {
        if let Some(f) = self.fields.last_mut() {
            f.required = true;
        }
        self
    }

    fn owner(self, tr: Tr, users: &[User], owner: Option<impl ToString>) -> Self {
        let mut form = self
            .field(tr, "owner_id", "field-owner", "select")
            .value(owner);
        if let Some(f) = form.fields.last_mut() {
            f.options.push((String::new(), tr.t("edit-unassigned")));
            f.options.extend(
                users
                    .iter()
                    .filter(|u| u.disabled_at.is_none())
                    .map(|u| (u.id.to_string(), u.display_name.clone())),
            );
        }
        form
    }

    /// The owner's forecast call: the stage's default (empty) or one settable category.
    fn forecast_category(self, tr: Tr, own: Option<ForecastCategory>) -> Self {
        let mut form = self
            .field(tr, "forecast_category", "field-forecast-category", "select")
            .value(own.map(|c| c.as_str()));
        if let Some(f) = form.fields.last_mut() {
            f.options.push((String::new(), tr.t("forecast-by-stage")));
            f.options.extend(ForecastCategory::SETTABLE.iter().map(|c| {
                (
                    c.as_str().to_owned(),
                    tr.t(&format!("forecast-category-{}", c.as_str())),
                )
            }));
        }
        form
    }

    /// The form as sent (`version`, `values`), with each refused value's problem next to
    /// its field.
    pub fn refused(
        mut self,
        tr: Tr,
        version: i64,
        values: &HashMap<String, String>,
        errors: &[FieldError],
    ) -> Self {
        self.version = version;
        for f in &mut self.fields {
            if let Some(v) = values.get(f.name) {
                f.value.clone_from(v);
            }
        }
        for e in errors {
            let text = tr.t_or(&format!("field-error-{}", e.code), &e.message);
            let field = e.field.split(['.', '[']).next().unwrap_or("");
            match self.fields.iter_mut().find(|f| f.name == field) {
                Some(f) => f.error = Some(text),
                None => self.problems.push(format!("{}: {text}", e.field)),
            }
        }
        self
    }
}

/// The edit form of a lead.
pub fn lead_form(tr: Tr, lead: &Lead, users: &[User]) -> EditForm {
    let (f, p) = (&lead.fields, &lead.fields.person);
    EditForm::new(format!("/leads/{}/edit", lead.id), lead.version)
        .field(tr, "first_name", "field-first-name", "text")
        .value(Some(&p.first_name))
        .required()
        .field(tr, "last_name", "field-last-name", "text")
        .value(p.last_name.as_ref())
        .field(tr, "email", "field-email", "email")
        .value(p.email.as_ref().map(|e| e.as_str()))
        .field(tr, "phone", "field-phone", "tel")
        .value(p.phone.as_ref().map(|x| x.as_str()))
        .field(tr, "job_title", "field-job-title", "text")
        .value(p.job_title.as_ref())
        .field(tr, "company", "field-company", "text")
        .value(f.company.as_ref())
        .field(tr, "country", "field-country", "text")
        .value(f.country.as_ref())
        .field(tr, "industry", "field-industry", "text")
        .value(f.industry.as_ref())
        .field(tr, "company_size", "field-company-size", "number")
        .value(f.company_size)
        .field(tr, "need", "field-need", "text")
        .value(f.need.as_ref())
        .owner(tr, users, f.owner_id)
}

/// The edit form of an open deal.
pub fn deal_form(tr: Tr, o: &Opportunity, users: &[User]) -> EditForm {
    EditForm::new(format!("/opportunities/{}/edit", o.id), o.version)
        .field(tr, "name", "action-deal-name", "text")
        .value(Some(&o.name))
        .required()
        .field(tr, "product", "action-product", "text")
        .value(o.product.as_ref())
        .field(tr, "amount", "action-amount", "text")
        .value(Some(o.amount.to_decimal()))
        .required()
        .field(tr, "currency", "action-currency", "text")
        .value(Some(o.amount.currency().code()))
        .required()
        .field(tr, "expected_close_date", "action-expected-close", "date")
        .value(o.expected_close_date)
        .forecast_category(tr, o.forecast_category)
        .owner(tr, users, o.owner_id)
}

/// The edit form of a contact.
pub fn contact_form(tr: Tr, c: &Contact) -> EditForm {
    EditForm::new(format!("/contacts/{}/edit", c.id), c.version)
        .field(tr, "first_name", "field-first-name", "text")
        .value(Some(&c.first_name))
        .required()
        .field(tr, "last_name", "field-last-name", "text")
        .value(c.last_name.as_ref())
        .field(tr, "email", "field-email", "email")
        .value(c.email.as_ref().map(|e| e.as_str()))
        .field(tr, "phone", "field-phone", "tel")
        .value(c.phone.as_ref().map(|p| p.as_str()))
        .field(tr, "job_title", "field-job-title", "text")
        .value(c.job_title.as_ref())
}
