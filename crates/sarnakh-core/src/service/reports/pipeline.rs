//! The pipeline report (open deals by stage: count, total and weighted amount, ageing,
//! stuck deals) and its lean parts for views that show less: the stage counts of the
//! dashboard's chart and the column totals of the board. Amounts are given in their own
//! currency (integer minor units), and the report's totals once more in the reporting
//! currency: each currency's sum converted once with the rate in force.

use super::Services;
use super::deals::DEALS;
use crate::domain::report::{GroupBy, Period, ReportQuery, parse_stuck_days};
use crate::domain::report_figures::{PipelineCell, StageCount, StageTotal, div_round};
use crate::domain::report_money::{Converted, Converter};
use crate::domain::{PipelineStage, StageKind};
use crate::error::Result;
use crate::service::Actor;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Totals of one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrencyTotal {
    /// ISO code.
    pub currency: String,
    /// Deals.
    pub count: u64,
    /// Sum of amounts, minor units.
    pub amount_minor: i64,
    /// Sum of amounts weighted by stage probability, minor units.
    pub weighted_minor: i64,
    /// Sum of amounts weighted by the predicted win probability (the stage's where none
    /// is stored), minor units.
    pub predicted_minor: i64,
    /// Deals with a stored prediction.
    pub predicted_deals: u64,
}

/// Open deals by stage.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineReport {
    /// Expected close dates covered (none: every open deal).
    pub period: Option<Period>,
    /// The grouping, if any.
    pub group_by: Option<GroupBy>,
    /// Days without activity or change that make a deal stuck.
    pub stuck_days: u32,
    /// When the report was made (ages count from here).
    pub as_of: DateTime<Utc>,
    /// The open stages, in board order, with their probabilities.
    pub stages: Vec<PipelineStage>,
    /// One row per stage, group and currency, in board order.
    pub cells: Vec<PipelineCell>,
    /// Totals per currency.
    pub totals: Vec<CurrencyTotal>,
    /// The conversion into the reporting currency (rates in force on the report's day).
    pub converter: Converter,
    /// All open deals' amounts in the reporting currency.
    pub converted_amount: Converted,
    /// All weighted amounts in the reporting currency.
    pub converted_weighted: Converted,
    /// All predictively weighted amounts in the reporting currency.
    pub converted_predicted: Converted,
}

impl Services {
    /// The pipeline report. Refuses bad parameters with field errors; counts only deals the
    /// caller may see. Weighting uses each stage's probability (not the win model).
    pub async fn pipeline_report(&self, actor: &Actor, q: &ReportQuery) -> Result<PipelineReport> {
        let mut extra = Vec::new();
        let stuck_days = stuck_days_of(q, &mut extra);
        let as_of = self.now();
        let converter = self
            .report_converter(q.currency.as_deref(), as_of.date_naive())
            .await?
            .map_err(|e| extra.push(e))
            .ok();
        let scope = self.report_scope(actor, q, &DEALS, extra).await?;
        let converter = converter.expect("a converter error is refused with the scope");
        let stuck_since = as_of - Duration::days(i64::from(stuck_days));
        let mut cells = self
            .store
            .report_pipeline(&scope, as_of, stuck_since)
            .await?;
        let stages = self.open_stages().await?;
        let position = |key: &str| stages.iter().position(|s| s.key == key);
        cells.sort_by(|a, b| {
            let key = |c: &PipelineCell| (position(&c.stage), c.group.clone(), c.currency.clone());
            key(a).cmp(&key(b))
        });
        let (totals, converted_amount, converted_weighted, converted_predicted) =
            currency_totals(&cells, &converter);
        Ok(PipelineReport {
            period: scope.period,
            group_by: scope.group_by,
            stuck_days,
            as_of,
            stages,
            cells,
            totals,
            converter,
            converted_amount,
            converted_weighted,
            converted_predicted,
        })
    }

    /// Open deals per open stage in board order: how many, and how many are stuck (after
    /// `stuck_days`, default 14). The pipeline report's counts without its sums, ages and
    /// conversion, for a view that shows no more (the dashboard's pipeline chart). Refuses
    /// bad parameters with field errors; counts only deals the caller may see.
    pub async fn pipeline_stage_counts(
        &self,
        actor: &Actor,
        q: &ReportQuery,
    ) -> Result<Vec<(PipelineStage, StageCount)>> {
        let mut extra = Vec::new();
        let stuck_days = stuck_days_of(q, &mut extra);
        let scope = self.report_scope(actor, q, &DEALS, extra).await?;
        let stuck_since = self.now() - Duration::days(i64::from(stuck_days));
        let (counts, stages) = futures_util::future::try_join(
            async { Ok(self.store.report_stage_counts(&scope, stuck_since).await?) },
            self.open_stages(),
        )
        .await?;
        Ok(stages
            .into_iter()
            .map(|stage| {
                let count = counts
                    .iter()
                    .find(|c| c.stage == stage.key)
                    .cloned()
                    .unwrap_or_else(|| StageCount {
                        stage: stage.key.clone(),
                        ..StageCount::default()
                    });
                (stage, count)
            })
            .collect())
    }

    /// Open deals per stage and currency (ordered by stage key, then currency): count,
    /// amount and weighted amount. The pipeline report's sums without its ages, stuck deals,
    /// predictions and conversion, for a view that shows no more and has the stages already
    /// (the board's column totals). Refuses bad parameters with field errors; counts only
    /// deals the caller may see.
    pub async fn pipeline_totals(&self, actor: &Actor, q: &ReportQuery) -> Result<Vec<StageTotal>> {
        let scope = self.report_scope(actor, q, &DEALS, Vec::new()).await?;
        let mut totals = self.store.report_stage_totals(&scope).await?;
        totals.sort_by(|a, b| (&a.stage, &a.currency).cmp(&(&b.stage, &b.currency)));
        Ok(totals)
    }

    /// The open stages in board order.
    async fn open_stages(&self) -> Result<Vec<PipelineStage>> {
        let mut stages = self.store.list_stages().await?;
        stages.retain(|s| s.kind == StageKind::Open);
        stages.sort_by_key(|s| s.position);
        Ok(stages)
    }
}

/// The days without change after which an open deal is stuck (`stuck_days`, default 14);
/// a bad value is added to `extra` as a field error (and 14 stands in until it is refused).
fn stuck_days_of(q: &ReportQuery, extra: &mut Vec<crate::error::FieldError>) -> u32 {
    parse_stuck_days(q.stuck_days.as_deref()).unwrap_or_else(|e| {
        extra.push(e);
        14
    })
}

/// Totals per currency (weighted amounts rounded once per cell) and the three sums in the
/// reporting currency: amounts, stage-weighted, predictively weighted.
fn currency_totals(
    cells: &[PipelineCell],
    conv: &Converter,
) -> (Vec<CurrencyTotal>, Converted, Converted, Converted) {
    let mut totals: BTreeMap<String, CurrencyTotal> = BTreeMap::new();
    for c in cells {
        let t = totals.entry(c.currency.clone()).or_default();
        t.count += c.count;
        t.amount_minor += c.amount_minor;
        t.weighted_minor += div_round(c.weighted_centi_minor, 100);
        t.predicted_minor += div_round(c.predicted_centi_minor, 100);
        t.predicted_deals += c.predicted;
    }
    let mut sums = [
        Converted::default(),
        Converted::default(),
        Converted::default(),
    ];
    for (code, t) in &totals {
        sums[0].add(conv, code, t.amount_minor);
        sums[1].add(conv, code, t.weighted_minor);
        sums[2].add(conv, code, t.predicted_minor);
    }
    let totals = totals
        .into_iter()
        .map(|(currency, t)| CurrencyTotal { currency, ..t })
        .collect();
    let [amount, weighted, predicted] = sums;
    (totals, amount, weighted, predicted)
}
