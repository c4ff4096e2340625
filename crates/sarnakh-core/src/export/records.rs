//! The stored values of each exportable record, addressed by the import's field names
//! (`crate::import::fields`), written the way the import reads them back: ids as
//! hyphenated UUIDs, instants in RFC 3339 UTC, dates as `YYYY-MM-DD`, money as a decimal
//! amount plus a currency code, product lists joined with [`LIST_SEPARATOR`].
//!
//! Values are raw here; escaping for spreadsheets is the layout's job, in safe mode only.

use super::{ExportError, Exportable};
use crate::domain::{Account, Contact, Lead, Opportunity};
use crate::import::Entity;
use chrono::{DateTime, SecondsFormat, Utc};

/// What separates products in a list cell: the import's default `list_separator`.
pub const LIST_SEPARATOR: &str = ";";

/// An instant as RFC 3339 in UTC, with as many fraction digits as it has (`...T09:30:00Z`).
pub(super) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn text(value: &Option<String>) -> Option<String> {
    value.clone()
}

fn shown<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|v| v.to_string())
}

impl Exportable for Lead {
    const ENTITY: Entity = Entity::Leads;
    const HAS_EVIDENCE: bool = true;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn value(&self, field: &str) -> Option<String> {
        let (f, p) = (&self.fields, &self.fields.person);
        if let Some(item) = field.strip_prefix("evidence.") {
            return f.evidence.get(item).cloned();
        }
        match field {
            "first_name" => Some(p.first_name.clone()),
            "last_name" => text(&p.last_name),
            "email" => shown(p.email.as_ref()),
            "phone" => shown(p.phone.as_ref()),
            "job_title" => text(&p.job_title),
            "company" => text(&f.company),
            "country" => text(&f.country),
            "source" => Some(f.source.as_str().to_owned()),
            "campaign" => text(&f.campaign),
            "products" => Some(f.products.join(LIST_SEPARATOR)).filter(|l| !l.is_empty()),
            "notes" => text(&f.notes),
            "company_size" => shown(f.company_size),
            "industry" => text(&f.industry),
            "need" => text(&f.need),
            "decision_role" => f.decision_role.map(|r| r.as_str().to_owned()),
            "owner_id" => shown(f.owner_id),
            _ => None,
        }
    }

    fn evidence_items(&self) -> Vec<&str> {
        self.fields.evidence.keys().map(String::as_str).collect()
    }

    fn check_raw(&self) -> Result<(), ExportError> {
        match self
            .fields
            .products
            .iter()
            .find(|p| p.contains(LIST_SEPARATOR))
        {
            Some(product) => Err(ExportError::SeparatorInList {
                lead: self.id,
                product: product.clone(),
            }),
            None => Ok(()),
        }
    }
}

impl Exportable for Account {
    const ENTITY: Entity = Entity::Accounts;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn value(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name.clone()),
            "industry" => text(&self.industry),
            "company_size" => shown(self.company_size),
            "country" => text(&self.country),
            "owner_id" => shown(self.owner_id),
            "customer_since" => self.customer_since.map(instant),
            _ => None,
        }
    }
}

impl Exportable for Contact {
    const ENTITY: Entity = Entity::Contacts;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn value(&self, field: &str) -> Option<String> {
        match field {
            "first_name" => Some(self.first_name.clone()),
            "last_name" => text(&self.last_name),
            "email" => shown(self.email.as_ref()),
            "phone" => shown(self.phone.as_ref()),
            "job_title" => text(&self.job_title),
            "account_external_id" => Some(self.account_id.to_string()),
            "lead_external_id" => shown(self.lead_id),
            _ => None,
        }
    }
}

impl Exportable for Opportunity {
    const ENTITY: Entity = Entity::Opportunities;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn value(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name.clone()),
            "product" => text(&self.product),
            "amount" => Some(self.amount.to_decimal()),
            "currency" => Some(self.amount.currency().code().to_owned()),
            "expected_close_date" => self
                .expected_close_date
                .map(|d| d.format("%Y-%m-%d").to_string()),
            "stage" => Some(self.stage.clone()),
            "status" => Some(self.status.as_str().to_owned()),
            "closed_at" => self.closed_at.map(instant),
            "loss_reason" => self.loss_reason.map(|r| r.as_str().to_owned()),
            "close_note" => text(&self.close_note),
            "owner_id" => shown(self.owner_id),
            "account_external_id" => Some(self.account_id.to_string()),
            "contact_external_id" => shown(self.contact_id),
            "lead_external_id" => shown(self.lead_id),
            _ => None,
        }
    }
}
