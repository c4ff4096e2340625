//! Exchange rates and campaign costs: reading them (anyone signed in), recording them
//! (rates: sales managers and admins; costs: also marketing), and the converter a report
//! uses for its reporting currency. A refused write changes nothing.

use super::Services;
use crate::domain::Currency;
use crate::domain::money::Money;
use crate::domain::report_money::{CampaignCost, Converter, ExchangeRate, parse_rate};
use crate::error::{Error, Errors, FieldError, Result};
use crate::service::Actor;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const REPORTING_KEY: &str = "reporting_currency";

/// The reporting currency setting: the base every rate is quoted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Reporting {
    currency: String,
}

impl Default for Reporting {
    fn default() -> Self {
        Self {
            currency: "EUR".into(),
        }
    }
}

/// The base currency and every stored rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateSheet {
    /// The reporting currency: rates say how many of its units one unit of a currency is.
    pub base: Currency,
    /// Stored rates by currency, then effective day.
    pub rates: Vec<ExchangeRate>,
}

/// One rate as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateInput {
    /// ISO code.
    pub currency: Option<String>,
    /// Units of the base per unit of `currency`, a positive decimal.
    pub rate: Option<String>,
    /// First day it applies, `YYYY-MM-DD` (default today).
    pub effective_on: Option<String>,
}

/// One campaign cost as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostInput {
    /// Campaign name, as leads carry it.
    pub campaign: Option<String>,
    /// Decimal amount.
    pub amount: Option<String>,
    /// ISO code.
    pub currency: Option<String>,
    /// First day of the spend.
    pub from: Option<String>,
    /// Last day of the spend (default: the first).
    pub to: Option<String>,
}

fn day(
    raw: Option<&str>,
    default: Option<NaiveDate>,
) -> std::result::Result<NaiveDate, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => default.ok_or_else(|| FieldError::new("", "required", "give a day YYYY-MM-DD")),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            FieldError::new(
                "",
                "invalid_date",
                format!("{s:?} is not a date YYYY-MM-DD"),
            )
        }),
    }
}

fn currency(raw: Option<&str>) -> std::result::Result<Currency, FieldError> {
    Currency::parse(raw.unwrap_or(""))
}

/// Checks one rate (fields named `rates[i].field`).
fn rate_row(
    i: usize,
    r: &RateInput,
    base: Currency,
    today: NaiveDate,
    e: &mut Errors,
) -> Option<ExchangeRate> {
    let at = |f: &str| format!("rates[{i}].{f}");
    let c = e.take(&at("currency"), currency(r.currency.as_deref()));
    if c == Some(base) {
        e.push(FieldError::new(
            at("currency"),
            "is_base",
            "the base currency is always 1",
        ));
    }
    let rate = e.take(&at("rate"), parse_rate(r.rate.as_deref().unwrap_or("")));
    let on = e.take(
        &at("effective_on"),
        day(r.effective_on.as_deref(), Some(today)),
    );
    match (c, rate, on) {
        (Some(currency), Some(rate_e12), Some(effective_on)) if currency != base => {
            Some(ExchangeRate {
                currency,
                effective_on,
                rate_e12,
            })
        }
        _ => None,
    }
}

/// Checks one campaign cost (fields named `costs[i].field`).
fn cost_row(i: usize, c: &CostInput, e: &mut Errors) -> Option<CampaignCost> {
    let at = |f: &str| format!("costs[{i}].{f}");
    let campaign = crate::domain::report::text_filter(c.campaign.as_deref());
    if campaign.as_ref().is_none_or(|n| n.chars().count() > 200) {
        e.push(FieldError::new(
            at("campaign"),
            "required",
            "name the campaign (at most 200 characters)",
        ));
    }
    let cur = e.take(&at("currency"), currency(c.currency.as_deref()));
    let raw = c.amount.as_deref().unwrap_or("");
    let amount = cur.and_then(|cur| e.take(&at("amount"), Money::parse_decimal(raw, cur)));
    let from = e.take(&at("from"), day(c.from.as_deref(), None));
    let to = e.take(&at("to"), day(c.to.as_deref(), from));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        let why = format!("the spend ends ({t}) before it starts ({f})");
        e.push(FieldError::new(at("to"), "before_from", why));
        return None;
    }
    Some(CampaignCost {
        campaign: campaign?,
        starts_on: from?,
        ends_on: to?,
        amount: amount?,
    })
}

impl Services {
    /// The reporting (base) currency and the stored rates.
    pub async fn exchange_rates(&self) -> Result<RateSheet> {
        let reporting: Reporting = self.setting_or_default(REPORTING_KEY).await?;
        let base = Currency::parse(&reporting.currency).map_err(|e| Error::Validation(vec![e]))?;
        Ok(RateSheet {
            base,
            rates: self.store.exchange_rates().await?,
        })
    }

    /// Records rates (and, while no rate is stored, may change the base currency).
    /// Sales managers and admins; every rate is checked before anything is written.
    pub async fn set_exchange_rates(
        &self,
        actor: &Actor,
        base: Option<&str>,
        input: &[RateInput],
    ) -> Result<RateSheet> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may set exchange rates".into())
        })?;
        let sheet = self.exchange_rates().await?;
        let mut e = Errors::new();
        let new_base = base.and_then(|b| e.take("base", Currency::parse(b)));
        if let Some(b) = new_base.filter(|b| *b != sheet.base && !sheet.rates.is_empty()) {
            e.push(FieldError::new("base", "rates_exist", format!(
                "the stored rates are quoted in {}; the base cannot become {b} while they exist",
                sheet.base
            )));
        }
        let base_now = new_base.unwrap_or(sheet.base);
        let today = self.now().date_naive();
        let rates: Vec<ExchangeRate> = input
            .iter()
            .enumerate()
            .filter_map(|(i, r)| rate_row(i, r, base_now, today, &mut e))
            .collect();
        e.finish()?;
        if let Some(b) = new_base.filter(|b| *b != sheet.base) {
            let value = Reporting {
                currency: b.code().into(),
            };
            self.save_setting(actor, REPORTING_KEY, &value).await?;
        }
        self.store
            .save_exchange_rates(&rates, self.now(), actor.user_id)
            .await?;
        self.exchange_rates().await
    }

    /// Every recorded campaign cost.
    pub async fn campaign_costs(&self) -> Result<Vec<CampaignCost>> {
        Ok(self.store.campaign_costs().await?)
    }

    /// Records campaign costs (marketing, sales managers, admins); every row is checked
    /// before anything is written. A cost with the same campaign and first day is replaced.
    pub async fn set_campaign_costs(
        &self,
        actor: &Actor,
        input: &[CostInput],
    ) -> Result<Vec<CampaignCost>> {
        actor.require_write()?;
        actor.require_marketing("record campaign costs")?;
        let mut e = Errors::new();
        let costs: Vec<CampaignCost> = input
            .iter()
            .enumerate()
            .filter_map(|(i, c)| cost_row(i, c, &mut e))
            .collect();
        e.finish()?;
        self.store
            .save_campaign_costs(&costs, self.now(), actor.user_id)
            .await?;
        self.campaign_costs().await
    }

    /// The converter into the report's currency (default: the base) with the rates in force
    /// on `day`; an unknown currency, or one without a rate, is a field error.
    pub(super) async fn report_converter(
        &self,
        raw: Option<&str>,
        day: NaiveDate,
    ) -> Result<std::result::Result<Converter, FieldError>> {
        let sheet = self.exchange_rates().await?;
        let target = match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => sheet.base,
            Some(s) => match Currency::parse(s) {
                Ok(c) => c,
                Err(err) => {
                    return Ok(Err(FieldError {
                        field: "currency".into(),
                        ..err
                    }));
                }
            },
        };
        let conv = Converter::on(sheet.base, target, &sheet.rates, day);
        if conv.knows(sheet.base) {
            Ok(Ok(conv))
        } else {
            Ok(Err(FieldError::new(
                "currency",
                "no_rate",
                format!(
                    "there is no rate for {target} on or before {day}; set one with `sarnakh rates set`"
                ),
            )))
        }
    }
}
