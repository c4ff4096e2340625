//! Wire types of the reports (shared by the JSON API and `sarnakh report --format json`):
//! amounts as decimal strings in their currency plus exact minor units, durations in whole
//! seconds, rates as fractions 0..1.

use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::report::Period;
use sarnakh_core::domain::report_figures::{FunnelCounts, PipelineCell, Quartiles, ReasonCount};
use sarnakh_core::domain::report_money::{Converted, Converter, format_rate};
use sarnakh_core::domain::{Currency, Money};
use sarnakh_core::service::{
    CurrencyTotal, FunnelReport, PipelineReport, WinLossAmount, WinLossReport, WinLossRow,
};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount in its own currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmountJson {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal amount, e.g. `"1250.50"`.
    pub amount: String,
    /// The same in minor units (exact).
    pub amount_minor: i64,
}

/// Builds an amount; a code that is not a currency keeps the minor units as the amount.
pub fn amount(currency: &str, minor: i64) -> AmountJson {
    let decimal = Currency::parse(currency)
        .ok()
        .and_then(|c| Money::from_minor(minor, c).ok())
        .map_or_else(|| minor.to_string(), |m| m.to_decimal());
    AmountJson {
        currency: currency.to_owned(),
        amount: decimal,
        amount_minor: minor,
    }
}

/// A rate a conversion used.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateJson {
    pub currency: String,
    /// Units of the base currency per unit of `currency`.
    pub rate: String,
    pub effective_on: NaiveDate,
}

/// A total in the reporting currency, the rates used, and what had no rate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConvertedJson {
    /// The reporting currency.
    pub currency: String,
    /// The base currency the rates are quoted in.
    pub base: String,
    pub total: AmountJson,
    /// Each currency's rate used (the base is 1 and not listed).
    pub rates_used: Vec<RateJson>,
    /// Sums in currencies without a rate, left out of `total`.
    pub unconverted: Vec<AmountJson>,
}

/// Builds the converted block of a total.
pub fn converted(conv: &Converter, c: &Converted, codes: &[String]) -> ConvertedJson {
    let target = conv.target.code();
    ConvertedJson {
        currency: target.into(),
        base: conv.base.code().into(),
        total: amount(target, c.minor),
        rates_used: conv
            .used(codes.iter().map(String::as_str))
            .into_iter()
            .map(|r| RateJson {
                currency: r.currency.code().into(),
                rate: format_rate(r.rate_e12),
                effective_on: r.effective_on,
            })
            .collect(),
        unconverted: c
            .unconverted
            .iter()
            .map(|(code, m)| amount(code, *m))
            .collect(),
    }
}

/// How many records gave a reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonCountJson {
    pub reason: String,
    pub count: u64,
}

fn reasons(list: Vec<ReasonCount>) -> Vec<ReasonCountJson> {
    list.into_iter()
        .map(|r| ReasonCountJson {
            reason: r.reason,
            count: r.count,
        })
        .collect()
}

fn days(p: Option<Period>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    (p.map(|p| p.first_day), p.map(|p| p.last_day))
}

/// Funnel counts of one group with the conversion between consecutive stages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelRowJson {
    /// The group's value (null: ungrouped, or records without one).
    pub group: Option<String>,
    pub leads: u64,
    pub prospects: u64,
    pub opportunities: u64,
    pub won: u64,
    /// prospects / leads.
    pub lead_to_prospect: Option<f64>,
    /// opportunities / prospects.
    pub prospect_to_opportunity: Option<f64>,
    /// won / opportunities.
    pub opportunity_to_won: Option<f64>,
}

impl From<FunnelCounts> for FunnelRowJson {
    fn from(c: FunnelCounts) -> Self {
        let [a, b, d] = c.rates();
        Self {
            group: c.group,
            leads: c.leads,
            prospects: c.prospects,
            opportunities: c.opportunities,
            won: c.won,
            lead_to_prospect: a,
            prospect_to_opportunity: b,
            opportunity_to_won: d,
        }
    }
}

/// Median seconds spent in each stage by the records that left it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageTimesJson {
    pub lead: Option<i64>,
    pub prospect: Option<i64>,
    pub opportunity: Option<i64>,
}

/// The funnel report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelJson {
    /// `cohort` (leads created in the period) or `activity` (stage entries in the period).
    pub mode: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: Option<String>,
    pub rows: Vec<FunnelRowJson>,
    pub total: FunnelRowJson,
    pub disqualify_reasons: Vec<ReasonCountJson>,
    pub loss_reasons: Vec<ReasonCountJson>,
    pub median_seconds_in_stage: StageTimesJson,
    /// Qualifications (`qualified`) and conversions (`converted`) a manager let through
    /// against the playbook with a written reason, as `reason` and `count`.
    pub playbook_overrides: Vec<ReasonCountJson>,
}

impl From<FunnelReport> for FunnelJson {
    fn from(r: FunnelReport) -> Self {
        let [lead, prospect, opportunity] = r.median_seconds;
        Self {
            mode: r.mode.as_str().into(),
            from: r.period.first_day,
            to: r.period.last_day,
            group_by: r.group_by.map(|g| g.as_str().into()),
            rows: r.rows.into_iter().map(Into::into).collect(),
            total: r.total.into(),
            disqualify_reasons: reasons(r.disqualify_reasons),
            loss_reasons: reasons(r.loss_reasons),
            playbook_overrides: reasons(r.overrides),
            median_seconds_in_stage: StageTimesJson {
                lead,
                prospect,
                opportunity,
            },
        }
    }
}

/// Open deals of one stage, group and currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PipelineRowJson {
    pub stage: String,
    /// The stage's probability, percent.
    pub probability: u8,
    pub group: Option<String>,
    pub count: u64,
    pub amount: AmountJson,
    /// Amount x stage probability.
    pub weighted: AmountJson,
    /// Deals by age since creation, in days: 0-30, 31-60, 61-90, over 90.
    pub age_days_0_30: u64,
    pub age_days_31_60: u64,
    pub age_days_61_90: u64,
    pub age_days_over_90: u64,
    /// Deals with no activity and no change in `stuck_days`.
    pub stuck: u64,
    /// Deals with a stored win prediction (the model in force at the last prediction run).
    pub predicted: u64,
    /// Amount x predicted win probability, the stage probability standing in for deals
    /// without a prediction.
    pub predicted_weighted: AmountJson,
}

/// Totals of one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PipelineTotalJson {
    pub count: u64,
    pub amount: AmountJson,
    pub weighted: AmountJson,
    pub predicted: u64,
    pub predicted_weighted: AmountJson,
}

impl From<CurrencyTotal> for PipelineTotalJson {
    fn from(t: CurrencyTotal) -> Self {
        Self {
            count: t.count,
            amount: amount(&t.currency, t.amount_minor),
            weighted: amount(&t.currency, t.weighted_minor),
            predicted: t.predicted_deals,
            predicted_weighted: amount(&t.currency, t.predicted_minor),
        }
    }
}

/// The pipeline report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PipelineJson {
    pub as_of: DateTime<Utc>,
    /// Expected close dates covered (null: every open deal).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub group_by: Option<String>,
    pub stuck_days: u32,
    /// `stage`: `weighted` amounts are weighted by their stage's probability (the
    /// `predicted_weighted` ones by each deal's stored win prediction, or the stage's).
    pub weighting: String,
    pub rows: Vec<PipelineRowJson>,
    /// Per currency.
    pub totals: Vec<PipelineTotalJson>,
    /// All open deals in the reporting currency.
    pub converted_amount: ConvertedJson,
    /// All weighted amounts in the reporting currency.
    pub converted_weighted: ConvertedJson,
    /// All predictively weighted amounts in the reporting currency.
    pub converted_predicted_weighted: ConvertedJson,
}

fn pipeline_row(c: PipelineCell, probability: u8) -> PipelineRowJson {
    let weighted = sarnakh_core::domain::report_figures::div_round(c.weighted_centi_minor, 100);
    let predicted = sarnakh_core::domain::report_figures::div_round(c.predicted_centi_minor, 100);
    PipelineRowJson {
        predicted: c.predicted,
        predicted_weighted: amount(&c.currency, predicted),
        probability,
        group: c.group,
        count: c.count,
        amount: amount(&c.currency, c.amount_minor),
        weighted: amount(&c.currency, weighted),
        age_days_0_30: c.ages[0],
        age_days_31_60: c.ages[1],
        age_days_61_90: c.ages[2],
        age_days_over_90: c.ages[3],
        stuck: c.stuck,
        stage: c.stage,
    }
}

impl From<PipelineReport> for PipelineJson {
    fn from(r: PipelineReport) -> Self {
        let (from, to) = days(r.period);
        let codes: Vec<String> = r.totals.iter().map(|t| t.currency.clone()).collect();
        let converted_amount = converted(&r.converter, &r.converted_amount, &codes);
        let converted_weighted = converted(&r.converter, &r.converted_weighted, &codes);
        let converted_predicted_weighted = converted(&r.converter, &r.converted_predicted, &codes);
        let stages = r.stages;
        let probability = |key: &str| {
            stages
                .iter()
                .find(|s| s.key == key)
                .map_or(0, |s| s.probability)
        };
        Self {
            as_of: r.as_of,
            from,
            to,
            group_by: r.group_by.map(|g| g.as_str().into()),
            stuck_days: r.stuck_days,
            weighting: "stage".into(),
            rows: r
                .cells
                .into_iter()
                .map(|c| {
                    let p = probability(&c.stage);
                    pipeline_row(c, p)
                })
                .collect(),
            totals: r.totals.into_iter().map(Into::into).collect(),
            converted_amount,
            converted_weighted,
            converted_predicted_weighted,
        }
    }
}

/// Won deals of one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WonAmountJson {
    pub won: u64,
    pub won_amount: AmountJson,
    /// Average won deal.
    pub average_deal: AmountJson,
}

impl From<WinLossAmount> for WonAmountJson {
    fn from(a: WinLossAmount) -> Self {
        Self {
            won: a.won,
            won_amount: amount(&a.currency, a.won_minor),
            average_deal: amount(&a.currency, a.average_minor),
        }
    }
}

/// Closed deals of one group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WinLossRowJson {
    pub group: Option<String>,
    pub won: u64,
    pub lost: u64,
    /// won / (won + lost).
    pub win_rate: Option<f64>,
    pub amounts: Vec<WonAmountJson>,
}

impl From<WinLossRow> for WinLossRowJson {
    fn from(r: WinLossRow) -> Self {
        Self {
            group: r.group,
            won: r.won,
            lost: r.lost,
            win_rate: r.win_rate,
            amounts: r.amounts.into_iter().map(Into::into).collect(),
        }
    }
}

/// Distribution of the sales cycle (creation to close) of the won deals, in seconds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CycleJson {
    pub deals: usize,
    pub p25_seconds: i64,
    pub median_seconds: i64,
    pub p75_seconds: i64,
}

impl From<Quartiles> for CycleJson {
    fn from(q: Quartiles) -> Self {
        Self {
            deals: q.count,
            p25_seconds: q.p25,
            median_seconds: q.median,
            p75_seconds: q.p75,
        }
    }
}

/// The win/loss report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WinLossJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: Option<String>,
    pub rows: Vec<WinLossRowJson>,
    pub total: WinLossRowJson,
    pub loss_reasons: Vec<ReasonCountJson>,
    /// Null when no deal was won in the period.
    pub sales_cycle: Option<CycleJson>,
    /// All won amounts in the reporting currency.
    pub converted_won: ConvertedJson,
    /// The average won deal in the reporting currency (deals whose currency has a rate).
    pub converted_average_deal: Option<AmountJson>,
}

impl From<WinLossReport> for WinLossJson {
    fn from(r: WinLossReport) -> Self {
        let codes: Vec<String> = r.total.amounts.iter().map(|a| a.currency.clone()).collect();
        let target = r.converter.target.code();
        Self {
            converted_won: converted(&r.converter, &r.converted_won, &codes),
            converted_average_deal: r.converted_average.map(|m| amount(target, m)),
            from: r.period.first_day,
            to: r.period.last_day,
            group_by: r.group_by.map(|g| g.as_str().into()),
            rows: r.rows.into_iter().map(Into::into).collect(),
            total: r.total.into(),
            loss_reasons: reasons(r.loss_reasons),
            sales_cycle: r.cycle_seconds.map(Into::into),
        }
    }
}
