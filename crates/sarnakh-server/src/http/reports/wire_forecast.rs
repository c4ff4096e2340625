//! Wire types of the forecast, forecast accuracy, snapshots and targets (shared by the JSON
//! API and `sarnakh report forecast --format json`). Amounts are in the reporting currency;
//! sums in currencies without a rate are listed apart in `unconverted`.

use super::wire::{AmountJson, RateJson, amount};
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::forecast::{Snapshot, Target};
use sarnakh_core::domain::report_money::{Converted, Converter, format_rate};
use sarnakh_core::service::{
    AccuracyGroup, AccuracyPeriod, AccuracyReport, AccuracyRow, CategoryFigures, ForecastPeriod,
    ForecastReport, ForecastRow,
};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount in the reporting currency and what could not be converted into it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportingAmountJson {
    pub total: AmountJson,
    /// Sums in currencies without a rate, left out of `total`.
    pub unconverted: Vec<AmountJson>,
}

/// The reporting currency and the rates in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversionJson {
    /// The reporting currency.
    pub currency: String,
    /// The base the rates are quoted in.
    pub base: String,
    /// The rates in force on the report's day (the base is 1 and not listed).
    pub rates_used: Vec<RateJson>,
}

fn reporting(conv: &Converter, c: &Converted) -> ReportingAmountJson {
    ReportingAmountJson {
        total: amount(conv.target.code(), c.minor),
        unconverted: c
            .unconverted
            .iter()
            .map(|(code, m)| amount(code, *m))
            .collect(),
    }
}

fn conversion(conv: &Converter) -> ConversionJson {
    ConversionJson {
        currency: conv.target.code().into(),
        base: conv.base.code().into(),
        rates_used: conv
            .rates
            .values()
            .map(|r| RateJson {
                currency: r.currency.code().into(),
                rate: format_rate(r.rate_e12),
                effective_on: r.effective_on,
            })
            .collect(),
    }
}

/// The deals of one forecast category.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryJson {
    pub deals: u64,
    pub amount: ReportingAmountJson,
    /// Amount x stage probability (won deals: in full).
    pub weighted: ReportingAmountJson,
}

fn category(conv: &Converter, f: &CategoryFigures) -> CategoryJson {
    CategoryJson {
        deals: f.deals,
        amount: reporting(conv, &f.amount),
        weighted: reporting(conv, &f.weighted),
    }
}

/// One period's (or group's) forecast.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastRowJson {
    /// The group's value (null: all together, or deals without one).
    pub group: Option<String>,
    /// Won in the period.
    pub closed: CategoryJson,
    pub commit: CategoryJson,
    pub best_case: CategoryJson,
    pub pipeline: CategoryJson,
    /// Open deals their owner left out of the forecast.
    pub omitted: CategoryJson,
    /// closed + commit.
    pub forecast_commit: ReportingAmountJson,
    /// closed + commit + best case.
    pub forecast_best_case: ReportingAmountJson,
    /// closed + weighted commit, best case and pipeline.
    pub forecast_weighted: ReportingAmountJson,
    /// The period's target for the report's scope (owner, else team, else company).
    pub target: Option<ReportingAmountJson>,
}

fn forecast_row(conv: &Converter, r: &ForecastRow) -> ForecastRowJson {
    ForecastRowJson {
        group: r.group.clone(),
        closed: category(conv, &r.closed),
        commit: category(conv, &r.commit),
        best_case: category(conv, &r.best_case),
        pipeline: category(conv, &r.pipeline),
        omitted: category(conv, &r.omitted),
        forecast_commit: reporting(conv, &r.forecast_commit),
        forecast_best_case: reporting(conv, &r.forecast_best_case),
        forecast_weighted: reporting(conv, &r.forecast_weighted),
        target: r.target.as_ref().map(|t| reporting(conv, t)),
    }
}

/// One forecast period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastPeriodJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: ForecastRowJson,
    /// Per group (empty without `group_by`).
    pub rows: Vec<ForecastRowJson>,
}

fn forecast_period(conv: &Converter, p: &ForecastPeriod) -> ForecastPeriodJson {
    ForecastPeriodJson {
        from: p.span.first_day,
        to: p.span.last_day,
        total: forecast_row(conv, &p.total),
        rows: p.rows.iter().map(|r| forecast_row(conv, r)).collect(),
    }
}

/// The forecast report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastJson {
    /// `month` or `quarter`.
    pub interval: String,
    pub group_by: Option<String>,
    /// Open deals expected before this day are `overdue`.
    pub today: NaiveDate,
    pub conversion: ConversionJson,
    pub periods: Vec<ForecastPeriodJson>,
    /// Every period together.
    pub total: ForecastRowJson,
    /// Open deals whose expected close date has passed (in no period).
    pub overdue: ForecastRowJson,
    /// Open deals without an expected close date (in no period).
    pub undated: ForecastRowJson,
}

impl From<ForecastReport> for ForecastJson {
    fn from(r: ForecastReport) -> Self {
        let conv = &r.converter;
        Self {
            interval: r.interval.as_str().into(),
            group_by: r.group_by.map(|g| g.as_str().to_owned()),
            today: r.today,
            conversion: conversion(conv),
            periods: r.periods.iter().map(|p| forecast_period(conv, p)).collect(),
            total: forecast_row(conv, &r.total),
            overdue: forecast_row(conv, &r.overdue),
            undated: forecast_row(conv, &r.undated),
        }
    }
}

/// A stored forecast snapshot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotJson {
    pub id: String,
    pub taken_on: NaiveDate,
    pub taken_at: DateTime<Utc>,
    /// Who took it (null: the schedule or the console).
    pub taken_by: Option<String>,
    /// Won deals from this day, open deals expected up to `horizon_to`.
    pub horizon_from: NaiveDate,
    pub horizon_to: NaiveDate,
    pub deals: u64,
}

impl From<&Snapshot> for SnapshotJson {
    fn from(s: &Snapshot) -> Self {
        Self {
            id: s.id.to_string(),
            taken_on: s.taken_on,
            taken_at: s.taken_at,
            taken_by: s.taken_by.map(|u| u.to_string()),
            horizon_from: s.horizon_from,
            horizon_to: s.horizon_to,
            deals: s.deals,
        }
    }
}

/// Every stored snapshot, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotsJson {
    pub snapshots: Vec<SnapshotJson>,
}

/// Forecast against outcome for one period (or group).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccuracyRowJson {
    pub group: Option<String>,
    pub forecast_commit: ReportingAmountJson,
    pub forecast_best_case: ReportingAmountJson,
    pub forecast_weighted: ReportingAmountJson,
    /// Won in the period.
    pub actual: ReportingAmountJson,
    pub won_deals: u64,
    /// actual / forecast_commit (null: nothing committed, or amounts without a rate).
    pub attainment: Option<f64>,
    /// |actual - forecast_commit| / actual (null: nothing won, or amounts without a rate).
    pub abs_pct_error: Option<f64>,
}

fn accuracy_row(conv: &Converter, r: &AccuracyRow) -> AccuracyRowJson {
    AccuracyRowJson {
        group: r.group.clone(),
        forecast_commit: reporting(conv, &r.forecast_commit),
        forecast_best_case: reporting(conv, &r.forecast_best_case),
        forecast_weighted: reporting(conv, &r.forecast_weighted),
        actual: reporting(conv, &r.actual),
        won_deals: r.won_deals,
        attainment: r.attainment,
        abs_pct_error: r.abs_pct_error,
    }
}

/// One period of forecast accuracy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccuracyPeriodJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The snapshot the forecast comes from (null: none taken by `from`).
    pub snapshot: Option<SnapshotJson>,
    pub total: AccuracyRowJson,
    pub rows: Vec<AccuracyRowJson>,
}

fn accuracy_period(conv: &Converter, p: &AccuracyPeriod) -> AccuracyPeriodJson {
    AccuracyPeriodJson {
        from: p.span.first_day,
        to: p.span.last_day,
        snapshot: p.snapshot.as_ref().map(SnapshotJson::from),
        total: accuracy_row(conv, &p.total),
        rows: p.rows.iter().map(|r| accuracy_row(conv, r)).collect(),
    }
}

/// The forecast accuracy report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccuracyJson {
    pub interval: String,
    /// `owner` or `team` (ids), or null.
    pub group_by: Option<String>,
    pub conversion: ConversionJson,
    pub periods: Vec<AccuracyPeriodJson>,
}

impl From<AccuracyReport> for AccuracyJson {
    fn from(r: AccuracyReport) -> Self {
        let conv = &r.converter;
        Self {
            interval: r.interval.as_str().into(),
            group_by: r.group_by.map(|g| {
                match g {
                    AccuracyGroup::Owner => "owner",
                    AccuracyGroup::Team => "team",
                }
                .into()
            }),
            conversion: conversion(conv),
            periods: r.periods.iter().map(|p| accuracy_period(conv, p)).collect(),
        }
    }
}

/// A forecast target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetJson {
    pub id: String,
    /// `month` or `quarter`.
    pub interval: String,
    pub starts_on: NaiveDate,
    /// For one team (null with a null owner: the company).
    pub team_id: Option<String>,
    pub owner_id: Option<String>,
    pub target: AmountJson,
    pub set_at: DateTime<Utc>,
}

impl From<&Target> for TargetJson {
    fn from(t: &Target) -> Self {
        Self {
            id: t.id.to_string(),
            interval: t.interval.as_str().into(),
            starts_on: t.starts_on,
            team_id: t.team_id.map(|x| x.to_string()),
            owner_id: t.owner_id.map(|x| x.to_string()),
            target: amount(t.amount.currency().code(), t.amount.minor()),
            set_at: t.set_at,
        }
    }
}

/// The targets the caller may see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetsJson {
    pub targets: Vec<TargetJson>,
}
