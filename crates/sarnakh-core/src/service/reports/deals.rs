//! The deal reports: the pipeline (open deals by stage: count, total and weighted amount,
//! ageing, stuck deals) and win/loss (win rate per group, won amounts and average deal size
//! per currency, loss reasons, sales cycle length). Amounts are given in their own currency
//! (integer minor units), and the totals once more in the reporting currency: each
//! currency's sum converted once with the rate in force, amounts without a rate apart.

use super::{Services, Shape};
use crate::domain::report::{GroupBy, Period, ReportQuery, SizeBands, parse_stuck_days};
use crate::domain::report_figures::{
    PipelineCell, Quartiles, ReasonCount, StageCount, div_round, quartiles, rate,
};
use crate::domain::report_money::{Converted, Converter};
use crate::domain::{Currency, PipelineStage, StageKind};
use crate::error::Result;
use crate::service::Actor;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Groupings of the deal reports.
pub(super) const GROUPS: &[GroupBy] = &[
    GroupBy::Source,
    GroupBy::Campaign,
    GroupBy::Owner,
    GroupBy::Country,
    GroupBy::Product,
];

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

/// Won amounts of one currency in a win/loss row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinLossAmount {
    /// ISO code.
    pub currency: String,
    /// Deals won in that currency.
    pub won: u64,
    /// Sum of their amounts, minor units.
    pub won_minor: i64,
    /// Average won deal, minor units (rounded half away from zero).
    pub average_minor: i64,
}

/// Closed deals of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct WinLossRow {
    /// The group's value (none: ungrouped or no value).
    pub group: Option<String>,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
    /// won / (won + lost).
    pub win_rate: Option<f64>,
    /// Won amounts per currency.
    pub amounts: Vec<WinLossAmount>,
}

/// Deals closed in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct WinLossReport {
    /// Closing dates covered.
    pub period: Period,
    /// The grouping, if any.
    pub group_by: Option<GroupBy>,
    /// One row per group.
    pub rows: Vec<WinLossRow>,
    /// All groups together.
    pub total: WinLossRow,
    /// Why deals were lost, most frequent first.
    pub loss_reasons: Vec<ReasonCount>,
    /// Seconds from creation to close of the won deals.
    pub cycle_seconds: Option<Quartiles>,
    /// The conversion into the reporting currency (rates in force on the last day).
    pub converter: Converter,
    /// All won amounts in the reporting currency.
    pub converted_won: Converted,
    /// The average won deal in the reporting currency (over the deals converted).
    pub converted_average: Option<i64>,
}

/// Groupings of win/loss: the deal groupings and the deal size band.
const WIN_LOSS_GROUPS: &[GroupBy] = &[
    GroupBy::Source,
    GroupBy::Campaign,
    GroupBy::Owner,
    GroupBy::Country,
    GroupBy::Product,
    GroupBy::Size,
];

/// Band limits of `group_by=size`, in the reporting currency's major units.
pub const SIZE_LIMITS: [i64; 4] = [1_000, 5_000, 20_000, 100_000];

pub(super) const DEALS: Shape<'static> = Shape {
    groups: GROUPS,
    period_required: false,
    products: true,
    lead_filters: true,
};

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

    /// The open stages in board order.
    async fn open_stages(&self) -> Result<Vec<PipelineStage>> {
        let mut stages = self.store.list_stages().await?;
        stages.retain(|s| s.kind == StageKind::Open);
        stages.sort_by_key(|s| s.position);
        Ok(stages)
    }

    /// The win/loss report over deals closed in the period (default: the last 30 days).
    /// Refuses bad parameters with field errors; counts only deals the caller may see.
    pub async fn win_loss_report(&self, actor: &Actor, q: &ReportQuery) -> Result<WinLossReport> {
        self.win_loss(actor, q, true).await
    }

    /// [`Services::win_loss_report`] without its loss reasons (left empty, and not read):
    /// for a view that shows reasons from elsewhere, as the dashboard shows its cohort's.
    pub async fn win_loss_without_reasons(
        &self,
        actor: &Actor,
        q: &ReportQuery,
    ) -> Result<WinLossReport> {
        self.win_loss(actor, q, false).await
    }

    async fn win_loss(
        &self,
        actor: &Actor,
        q: &ReportQuery,
        reasons: bool,
    ) -> Result<WinLossReport> {
        let shape = Shape {
            period_required: true,
            groups: WIN_LOSS_GROUPS,
            ..DEALS
        };
        let (converter, extra) = self.converter_for(q).await?;
        let mut scope = self.report_scope(actor, q, &shape, extra).await?;
        let converter = converter.expect("a converter error is refused with the scope");
        if scope.group_by == Some(GroupBy::Size) {
            scope.size_bands = size_bands(&converter);
        }
        // Three independent reads, at once (each on a connection of its own).
        let (cells, mut cycles, loss_reasons) = futures_util::future::try_join3(
            self.store.report_win_loss(&scope),
            self.store.report_cycle_seconds(&scope),
            async {
                if reasons {
                    self.store.report_loss_reasons(&scope).await
                } else {
                    Ok(Vec::new())
                }
            },
        )
        .await?;
        let mut groups: BTreeMap<Option<String>, WinLossRow> = BTreeMap::new();
        let mut total = empty_row(None);
        for c in cells {
            for row in [
                groups
                    .entry(c.group.clone())
                    .or_insert_with(|| empty_row(c.group.clone())),
                &mut total,
            ] {
                row.won += c.won;
                row.lost += c.lost;
                add_amount(&mut row.amounts, &c.currency, c.won, c.won_amount_minor);
            }
        }
        let mut rows: Vec<WinLossRow> = groups.into_values().collect();
        if scope.group_by == Some(GroupBy::Size) {
            // Bands in size order, named by their limits; deals without a rate last.
            let band = |r: &WinLossRow| r.group.as_deref().and_then(|g| g.parse::<usize>().ok());
            rows.sort_by_key(|r| band(r).unwrap_or(usize::MAX));
            for r in &mut rows {
                r.group = band(r).map(|i| scope.size_bands.label(i));
            }
        }
        for row in rows.iter_mut().chain([&mut total]) {
            finish_row(row);
        }
        let (converted_won, converted_average) = convert_won(&converter, &total);
        Ok(WinLossReport {
            period: scope.period.expect("win/loss always has a period"),
            group_by: scope.group_by,
            rows,
            total,
            loss_reasons,
            cycle_seconds: quartiles(&mut cycles),
            converter,
            converted_won,
            converted_average,
        })
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

/// The size band limits of every currency the converter knows, in its minor units.
fn size_bands(conv: &Converter) -> SizeBands {
    let scale = 10_i64.pow(conv.target.exponent());
    let mut codes: Vec<Currency> = conv
        .rates
        .values()
        .map(|r| r.currency)
        .chain([conv.target, conv.base])
        .collect();
    codes.sort_by_key(|c| c.code());
    codes.dedup();
    let per_currency = codes
        .into_iter()
        .filter_map(|c| {
            let limits: Option<Vec<i64>> = SIZE_LIMITS
                .iter()
                .map(|l| conv.convert_to(l * scale, c))
                .collect();
            Some((c.code().to_owned(), limits?))
        })
        .collect();
    SizeBands {
        limits: SIZE_LIMITS.to_vec(),
        per_currency,
    }
}

/// The won amounts of a row in the reporting currency, and the average converted deal.
fn convert_won(conv: &Converter, row: &WinLossRow) -> (Converted, Option<i64>) {
    let mut total = Converted::default();
    let mut deals = 0_i64;
    for a in &row.amounts {
        total.add(conv, &a.currency, a.won_minor);
        if !total.unconverted.contains_key(&a.currency) {
            deals += i64::try_from(a.won).unwrap_or(i64::MAX);
        }
    }
    let average = (deals > 0).then(|| div_round(total.minor, deals));
    (total, average)
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

fn empty_row(group: Option<String>) -> WinLossRow {
    WinLossRow {
        group,
        won: 0,
        lost: 0,
        win_rate: None,
        amounts: Vec::new(),
    }
}

fn add_amount(amounts: &mut Vec<WinLossAmount>, currency: &str, won: u64, minor: i64) {
    if won == 0 {
        return;
    }
    match amounts.iter_mut().find(|a| a.currency == currency) {
        Some(a) => {
            a.won += won;
            a.won_minor += minor;
        }
        None => amounts.push(WinLossAmount {
            currency: currency.to_owned(),
            won,
            won_minor: minor,
            average_minor: 0,
        }),
    }
}

fn finish_row(row: &mut WinLossRow) {
    row.win_rate = rate(row.won, row.won + row.lost);
    row.amounts.sort_by(|a, b| a.currency.cmp(&b.currency));
    for a in &mut row.amounts {
        a.average_minor = div_round(a.won_minor, i64::try_from(a.won).unwrap_or(i64::MAX));
    }
}
