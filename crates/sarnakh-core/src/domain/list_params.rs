//! The filters of the opportunity, account and contact lists as a page or an export link
//! sends them (text, empty meaning "any"), checked into store filters with a field error per
//! bad value. The list page, its saved views and its CSV export read the same parameters
//! through this one parser, so the export is exactly the list shown.

use super::money::{Currency, Money};
use super::{AccountId, OpportunityStatus, TeamId, UserId};
use crate::domain::page::{SortDir, parse_sort};
use crate::error::FieldError;
use crate::store::{AccountFilter, ContactFilter, OpportunityFilter, OpportunitySortField};
use chrono::NaiveDate;

/// The sort orders of the opportunity list, as sent; the first is the default.
pub const OPPORTUNITY_SORTS: [&str; 5] = [
    "-created_at",
    "created_at",
    "-amount",
    "amount",
    "-updated_at",
];
/// The sort orders of the account list.
pub const ACCOUNT_SORTS: [&str; 2] = ["name", "-name"];
/// The sort orders of the contact list.
pub const CONTACT_SORTS: [&str; 2] = ["-created_at", "created_at"];

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn id<T: std::str::FromStr>(name: &str, v: &Option<String>, e: &mut Vec<FieldError>) -> Option<T> {
    let raw = given(v)?;
    raw.parse()
        .map_err(|_| {
            e.push(FieldError::new(
                name,
                "invalid",
                format!("{raw:?} is not an id"),
            ));
        })
        .ok()
}

fn day(name: &str, v: &Option<String>, e: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = given(v)?;
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| {
            e.push(FieldError::new(
                name,
                "invalid_date",
                "a date is YYYY-MM-DD",
            ))
        })
        .ok()
}

fn sort<'a>(v: &Option<String>, sorts: &[&'a str], e: &mut Vec<FieldError>) -> &'a str {
    match given(v) {
        None => sorts[0],
        Some(raw) => sorts
            .iter()
            .find(|s| **s == raw)
            .copied()
            .unwrap_or_else(|| {
                e.push(FieldError::new(
                    "sort",
                    "unknown_value",
                    format!("one of {}", sorts.join(", ")),
                ));
                sorts[0]
            }),
    }
}

/// The opportunity list's filters as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct OpportunityParams {
    pub q: Option<String>,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub stage: Option<String>,
    pub status: Option<String>,
    pub product: Option<String>,
    pub close_from: Option<String>,
    pub close_to: Option<String>,
    pub amount_min: Option<String>,
    pub amount_max: Option<String>,
    pub currency: Option<String>,
    pub sort: Option<String>,
}

impl OpportunityParams {
    /// The store filter (without visibility) and the team whose members own the deals.
    pub fn filter(&self) -> Result<(OpportunityFilter, Option<TeamId>), Vec<FieldError>> {
        let mut e = Vec::new();
        let status = given(&self.status).and_then(|s| {
            OpportunityStatus::parse(s).or_else(|| {
                e.push(FieldError::new(
                    "status",
                    "unknown_value",
                    OpportunityStatus::expected(),
                ));
                None
            })
        });
        let currency = given(&self.currency).and_then(|c| {
            Currency::parse(c)
                .map_err(|err| e.push(err.under("currency")))
                .ok()
        });
        let mut amount = |name: &str, v: &Option<String>| {
            let raw = given(v)?;
            let Some(c) = currency else {
                e.push(FieldError::new(
                    name,
                    "currency_required",
                    "choose the currency of the amount",
                ));
                return None;
            };
            Money::parse_decimal(raw, c)
                .map(|m| m.minor())
                .map_err(|err| e.push(err.under(name)))
                .ok()
        };
        let (amount_min, amount_max) = (
            amount("amount_min", &self.amount_min),
            amount("amount_max", &self.amount_max),
        );
        let (close_from, close_to) = (
            day("close_from", &self.close_from, &mut e),
            day("close_to", &self.close_to, &mut e),
        );
        let owner = id::<UserId>("owner", &self.owner, &mut e);
        let team = id::<TeamId>("team", &self.team, &mut e);
        let (field, dir) = parse_sort(sort(&self.sort, &OPPORTUNITY_SORTS, &mut e));
        if !e.is_empty() {
            return Err(e);
        }
        let filter = OpportunityFilter {
            q: given(&self.q).map(str::to_owned),
            stage: given(&self.stage).map(str::to_owned),
            product: given(&self.product).map(str::to_owned),
            currency: currency.map(|c| c.code().to_owned()),
            status,
            owner,
            close_from,
            close_to,
            amount_min,
            amount_max,
            sort: OpportunitySortField::parse(field).unwrap_or_default(),
            dir,
            ..OpportunityFilter::default()
        };
        Ok((filter, team))
    }
}

/// The account list's filters as sent (`customer`: `yes` or `no`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct AccountParams {
    pub q: Option<String>,
    pub owner: Option<String>,
    pub customer: Option<String>,
    pub country: Option<String>,
    pub industry: Option<String>,
    pub sort: Option<String>,
}

impl AccountParams {
    /// The store filter (without visibility).
    pub fn filter(&self) -> Result<AccountFilter, Vec<FieldError>> {
        let mut e = Vec::new();
        let customer = match given(&self.customer) {
            None => None,
            Some("yes" | "true") => Some(true),
            Some("no" | "false") => Some(false),
            Some(_) => {
                e.push(FieldError::new("customer", "unknown_value", "yes or no"));
                None
            }
        };
        let owner = id::<UserId>("owner", &self.owner, &mut e);
        let name_desc = sort(&self.sort, &ACCOUNT_SORTS, &mut e) == "-name";
        if !e.is_empty() {
            return Err(e);
        }
        Ok(AccountFilter {
            q: given(&self.q).map(str::to_owned),
            country: given(&self.country).map(str::to_uppercase),
            industry: given(&self.industry).map(str::to_owned),
            customer,
            owner,
            name_desc,
            ..AccountFilter::default()
        })
    }
}

/// The contact list's filters as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ContactParams {
    pub q: Option<String>,
    pub account: Option<String>,
    pub owner: Option<String>,
    pub sort: Option<String>,
}

impl ContactParams {
    /// The store filter (without visibility).
    pub fn filter(&self) -> Result<ContactFilter, Vec<FieldError>> {
        let mut e = Vec::new();
        let account = id::<AccountId>("account", &self.account, &mut e);
        let owner = id::<UserId>("owner", &self.owner, &mut e);
        let (_, dir) = parse_sort(sort(&self.sort, &CONTACT_SORTS, &mut e));
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ContactFilter {
            q: given(&self.q).map(str::to_owned),
            account,
            owner,
            oldest_first: dir == SortDir::Asc,
            ..ContactFilter::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> OpportunityParams {
        let text = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        serde_urlencoded_like(&text)
    }

    // The parameters arrive as a query string; serde_json stands in for it here.
    fn serde_urlencoded_like(text: &str) -> OpportunityParams {
        let map: serde_json::Map<String, serde_json::Value> = text
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), serde_json::Value::from(v)))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).expect("params")
    }

    #[test]
    fn amounts_are_read_in_the_chosen_currency_and_empty_values_mean_any() {
        let (f, team) = p(&[
            ("amount_min", "1000"),
            ("amount_max", "2500.5"),
            ("currency", "eur"),
            ("close_from", "2026-01-01"),
            ("status", ""),
            ("sort", "-amount"),
        ])
        .filter()
        .expect("valid");
        assert_eq!((f.amount_min, f.amount_max), (Some(100_000), Some(250_050)));
        assert_eq!(f.currency.as_deref(), Some("EUR"));
        assert_eq!(f.close_from, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!((f.status, team), (None, None));
        assert_eq!(
            (f.sort, f.dir),
            (OpportunitySortField::Amount, SortDir::Desc)
        );
    }

    #[test]
    fn every_bad_value_is_a_field_error() {
        let errors = p(&[
            ("amount_min", "10"),
            ("close_to", "31/12/2026"),
            ("status", "maybe"),
            ("owner", "nobody"),
            ("sort", "name"),
        ])
        .filter()
        .expect_err("refused");
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        for want in [
            ("amount_min", "currency_required"),
            ("close_to", "invalid_date"),
            ("status", "unknown_value"),
            ("owner", "invalid"),
            ("sort", "unknown_value"),
        ] {
            assert!(fields.contains(&want), "{want:?} in {fields:?}");
        }
    }
}
