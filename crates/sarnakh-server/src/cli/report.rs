//! `sarnakh report funnel|pipeline|win-loss|sources|activity|forecast|forecast-accuracy`: the insight reports at the
//! console, with system rights (every record), as aligned tables (default), CSV (the main
//! table) or JSON (the same document as the API).

use super::report_forecast::{accuracy_tables, forecast_tables};
use super::report_people::{activity_tables, sources_tables};
use super::report_table::{print_csv, print_tables};
use super::report_views::{funnel_tables, pipeline_tables, win_loss_tables};
use crate::http::reports::wire::{FunnelJson, PipelineJson, WinLossJson};
use crate::http::reports::wire_forecast::{AccuracyJson, ForecastJson};
use crate::http::reports::wire_people::{ActivityReportJson, SourcesJson};
use clap::{Args, ValueEnum};
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportName {
    /// Leads entering each stage, conversion, reasons, time in stage.
    Funnel,
    /// Open deals by stage: amounts, weighted amounts, ageing, stuck deals.
    Pipeline,
    /// Deals closed in the period: win rate, amounts, loss reasons, sales cycle.
    WinLoss,
    /// Per source or campaign: conversion, revenue, first contact, cost and ROI.
    Sources,
    /// Per rep: activities, time to first contact, target misses, overdue follow-ups.
    Activity,
    /// Expected revenue per month or quarter by forecast category, won, target.
    Forecast,
    /// Per period: the forecast of the snapshot before it against what was won.
    ForecastAccuracy,
    /// An A/B experiment's variants: exposure, conversion, tests, verdicts (--experiment).
    Experiment,
    /// Per content item: sendings and the later conversions of their leads.
    Content,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// The main table as CSV.
    Csv,
    /// The whole report as JSON (as the API answers).
    Json,
}

/// Arguments of `sarnakh report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report.
    #[arg(value_enum)]
    pub name: ReportName,
    /// First day, YYYY-MM-DD (default: 29 days before --to).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, inclusive (default: today).
    #[arg(long)]
    pub to: Option<String>,
    /// Only records of this owner (user id).
    #[arg(long)]
    pub owner: Option<String>,
    /// Only records owned by this team's members (team id).
    #[arg(long)]
    pub team: Option<String>,
    /// Only leads of this source.
    #[arg(long)]
    pub source: Option<String>,
    /// Only leads of this campaign.
    #[arg(long)]
    pub campaign: Option<String>,
    /// Only deals of this product (pipeline, win-loss).
    #[arg(long)]
    pub product: Option<String>,
    /// Only leads of this country (ISO code).
    #[arg(long)]
    pub country: Option<String>,
    /// Split rows by source, campaign, owner, country or (pipeline, win-loss) product.
    #[arg(long)]
    pub group_by: Option<String>,
    /// Funnel: cohort (default) or activity.
    #[arg(long)]
    pub mode: Option<String>,
    /// Pipeline: days without activity or change that make a deal stuck (default 14).
    #[arg(long)]
    pub stuck_days: Option<String>,
    /// Reporting currency of the converted totals (default: the base of the rates).
    #[arg(long)]
    pub currency: Option<String>,
    /// Forecast, forecast-accuracy: month (default) or quarter.
    #[arg(long)]
    pub interval: Option<String>,
    /// The experiment report: the experiment's key or id.
    #[arg(long)]
    pub experiment: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl ReportArgs {
    fn query(&self) -> ReportQuery {
        ReportQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            owner: self.owner.clone(),
            team: self.team.clone(),
            source: self.source.clone(),
            campaign: self.campaign.clone(),
            product: self.product.clone(),
            country: self.country.clone(),
            group_by: self.group_by.clone(),
            mode: self.mode.clone(),
            stuck_days: self.stuck_days.clone(),
            currency: self.currency.clone(),
            interval: self.interval.clone(),
        }
    }
}

/// Runs `sarnakh report`.
pub async fn run(store: Arc<dyn Store>, args: ReportArgs) -> anyhow::Result<()> {
    let services = Services::new(store);
    let q = args.query();
    let actor = Actor::SYSTEM;
    let (json, tables) = match args.name {
        ReportName::Funnel => {
            let r: FunnelJson = services
                .funnel_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, funnel_tables(&r))
        }
        ReportName::Pipeline => {
            let r: PipelineJson = services
                .pipeline_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, pipeline_tables(&r))
        }
        ReportName::WinLoss => {
            let r: WinLossJson = services
                .win_loss_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, win_loss_tables(&r))
        }
        ReportName::Sources => {
            let r: SourcesJson = services
                .sources_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, sources_tables(&r))
        }
        ReportName::Activity => {
            let r: ActivityReportJson = services
                .activity_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, activity_tables(&r))
        }
        ReportName::Forecast => {
            let r: ForecastJson = services
                .forecast_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, forecast_tables(&r))
        }
        ReportName::ForecastAccuracy => {
            let r: AccuracyJson = services
                .forecast_accuracy_report(&actor, &q)
                .await
                .map_err(refused)?
                .into();
            (serde_json::to_string_pretty(&r)?, accuracy_tables(&r))
        }
        ReportName::Experiment => {
            let key = args
                .experiment
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("--experiment: name the experiment by key or id"))?;
            super::experiment::report(&services, key, &q).await?
        }
        ReportName::Content => super::content::report(&services, &q)
            .await
            .map_err(refused)?,
    };
    match args.format {
        Format::Json => println!("{json}"),
        Format::Csv => print_csv(&tables[0]),
        Format::Table => print_tables(&tables),
    }
    Ok(())
}

/// A refused report: each bad parameter as its flag.
fn refused(e: sarnakh_core::Error) -> anyhow::Error {
    match e {
        sarnakh_core::Error::Validation(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|f| format!("  --{}: {}", f.field.replace('_', "-"), f.message))
                .collect();
            anyhow::anyhow!("the report was refused:\n{}", lines.join("\n"))
        }
        other => super::explain(other),
    }
}
