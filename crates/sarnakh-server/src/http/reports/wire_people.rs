//! Wire types of the sources and activity reports (API and `sarnakh report --format json`).

use super::wire::{AmountJson, RateJson, amount};
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::report_money::{Converted, format_rate};
use sarnakh_core::service::{ActivityReport, RepActivity, SourceRow, SourcesReport};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One source's or campaign's figures (leads created in the period).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceRowJson {
    /// The source or campaign (null: leads without a campaign).
    pub group: Option<String>,
    pub leads: u64,
    pub prospects: u64,
    pub opportunities: u64,
    /// Leads with a won deal.
    pub won_leads: u64,
    /// Won deals of these leads.
    pub won_deals: u64,
    pub lead_to_prospect: Option<f64>,
    pub prospect_to_opportunity: Option<f64>,
    pub opportunity_to_won: Option<f64>,
    /// Won revenue per currency.
    pub revenue: Vec<AmountJson>,
    /// Won revenue in the reporting currency (currencies without a rate left out).
    pub revenue_converted: AmountJson,
    /// Leads contacted by a call, email, meeting or demo.
    pub contacted: u64,
    pub median_first_contact_seconds: Option<i64>,
    /// Campaign cost starting in the period, in the reporting currency (campaign rows with
    /// a recorded cost only).
    pub cost: Option<AmountJson>,
    pub cost_per_lead: Option<AmountJson>,
    pub cost_per_won_deal: Option<AmountJson>,
    /// (revenue - cost) / cost.
    pub roi: Option<f64>,
    /// Revenue and cost sums in currencies without a rate (not in the converted figures).
    pub unconverted: Vec<AmountJson>,
}

fn unconverted(list: &[&Converted]) -> Vec<AmountJson> {
    let mut by: BTreeMap<&str, i64> = BTreeMap::new();
    for c in list {
        for (code, m) in &c.unconverted {
            *by.entry(code).or_default() += m;
        }
    }
    by.into_iter().map(|(code, m)| amount(code, m)).collect()
}

fn source_row(r: SourceRow, target: &str) -> SourceRowJson {
    let [a, b, c] = r.counts.rates();
    let money = |m: Option<i64>| m.map(|m| amount(target, m));
    let mut leftovers = vec![&r.revenue];
    leftovers.extend(r.cost.as_ref());
    SourceRowJson {
        unconverted: unconverted(&leftovers),
        group: r.group,
        leads: r.counts.leads,
        prospects: r.counts.prospects,
        opportunities: r.counts.opportunities,
        won_leads: r.counts.won,
        won_deals: r.won_deals,
        lead_to_prospect: a,
        prospect_to_opportunity: b,
        opportunity_to_won: c,
        revenue: r
            .revenue_by_currency
            .iter()
            .map(|(code, m)| amount(code, *m))
            .collect(),
        revenue_converted: amount(target, r.revenue.minor),
        contacted: r.contacted,
        median_first_contact_seconds: r.median_first_contact_seconds,
        cost: r.cost.as_ref().map(|c| amount(target, c.minor)),
        cost_per_lead: money(r.cost_per_lead),
        cost_per_won_deal: money(r.cost_per_won_deal),
        roi: r.roi,
    }
}

/// Source or campaign effectiveness.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourcesJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `source` or `campaign`.
    pub group_by: String,
    /// The reporting currency of the converted figures.
    pub currency: String,
    pub rows: Vec<SourceRowJson>,
    /// The rates the conversions used (rates in force on the last day).
    pub rates_used: Vec<RateJson>,
}

impl From<SourcesReport> for SourcesJson {
    fn from(r: SourcesReport) -> Self {
        let target = r.converter.target.code();
        let codes: Vec<String> = r
            .rows
            .iter()
            .flat_map(|row| row.revenue_by_currency.keys().cloned())
            .collect();
        Self {
            from: r.period.first_day,
            to: r.period.last_day,
            group_by: r.group_by.as_str().into(),
            currency: target.into(),
            rates_used: r
                .converter
                .used(codes.iter().map(String::as_str))
                .into_iter()
                .map(|x| RateJson {
                    currency: x.currency.code().into(),
                    rate: format_rate(x.rate_e12),
                    effective_on: x.effective_on,
                })
                .collect(),
            rows: r
                .rows
                .into_iter()
                .map(|row| source_row(row, target))
                .collect(),
        }
    }
}

/// One rep's activity and speed to lead.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RepActivityJson {
    /// The rep's user id (null: unowned records).
    pub owner: Option<String>,
    /// Activities logged in the period.
    pub activities: u64,
    /// The same by kind (call, email, meeting, demo, note).
    pub by_kind: BTreeMap<String, u64>,
    /// Leads created in the period that the rep owns.
    pub leads: u64,
    pub contacted: u64,
    pub median_first_contact_seconds: Option<i64>,
    /// Leads contacted after the speed-to-lead target, or not yet and past it.
    pub sla_breached: u64,
    /// Open follow-ups due before `as_of`.
    pub overdue_tasks: u64,
}

impl From<RepActivity> for RepActivityJson {
    fn from(r: RepActivity) -> Self {
        Self {
            owner: r.owner,
            activities: r.activities,
            by_kind: r.by_kind,
            leads: r.leads,
            contacted: r.contacted,
            median_first_contact_seconds: r.median_first_contact_seconds,
            sla_breached: r.sla_breached,
            overdue_tasks: r.overdue_tasks,
        }
    }
}

/// Activity and speed to lead per rep.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityReportJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    /// The speed-to-lead target, in working minutes.
    pub first_contact_target_minutes: u32,
    pub rows: Vec<RepActivityJson>,
}

impl From<ActivityReport> for ActivityReportJson {
    fn from(r: ActivityReport) -> Self {
        Self {
            from: r.period.first_day,
            to: r.period.last_day,
            as_of: r.as_of,
            first_contact_target_minutes: r.sla.first_contact_minutes,
            rows: r.rows.into_iter().map(Into::into).collect(),
        }
    }
}
