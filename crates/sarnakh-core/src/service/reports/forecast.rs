//! The forecast: expected revenue per month or quarter from the open deals by expected
//! close date, split by forecast category, beside what already closed won in each period
//! and the period's target. Amounts are summed per currency and converted once into the
//! reporting currency (rates in force on the last day of the report).

use super::deals::DEALS;
use super::{Services, Shape};
use crate::domain::forecast::{ForecastCategory, ForecastCell, Interval, Slot, Span, Target};
use crate::domain::report::{GroupBy, ReportQuery, parse_day};
use crate::domain::report_figures::div_round;
use crate::domain::report_money::{Converted, Converter};
use crate::domain::{TeamId, UserId};
use crate::error::{Error, Errors, FieldError, Result};
use crate::service::Actor;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The most periods one forecast covers.
pub const MAX_PERIODS: usize = 36;

/// The deals of one category: count, amount and stage-weighted amount, converted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryFigures {
    /// Deals.
    pub deals: u64,
    /// Sum of amounts in the reporting currency.
    pub amount: Converted,
    /// Sum of amount x stage probability in the reporting currency.
    pub weighted: Converted,
}

/// One period's (and group's) forecast.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForecastRow {
    /// The group's value (none: all groups together, or no value).
    pub group: Option<String>,
    /// Won in the period.
    pub closed: CategoryFigures,
    /// Open, committed.
    pub commit: CategoryFigures,
    /// Open, best case.
    pub best_case: CategoryFigures,
    /// Open, pipeline.
    pub pipeline: CategoryFigures,
    /// Open, left out by the owner.
    pub omitted: CategoryFigures,
    /// closed + commit.
    pub forecast_commit: Converted,
    /// closed + commit + best case.
    pub forecast_best_case: Converted,
    /// closed + weighted commit, best case and pipeline.
    pub forecast_weighted: Converted,
    /// The period's target for the report's scope, converted.
    pub target: Option<Converted>,
}

/// A forecast period with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastPeriod {
    /// The period.
    pub span: Span,
    /// All groups together.
    pub total: ForecastRow,
    /// Per group (empty without a grouping).
    pub rows: Vec<ForecastRow>,
}

/// Expected revenue per period.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastReport {
    /// Months or quarters.
    pub interval: Interval,
    /// The grouping, if any.
    pub group_by: Option<GroupBy>,
    /// The day "overdue" counts from.
    pub today: NaiveDate,
    /// The periods, in order.
    pub periods: Vec<ForecastPeriod>,
    /// Every period together.
    pub total: ForecastRow,
    /// Open deals expected before today: slipped, not counted in any period.
    pub overdue: ForecastRow,
    /// Open deals without an expected close date: not counted in any period.
    pub undated: ForecastRow,
    /// The conversion into the reporting currency.
    pub converter: Converter,
}

/// Per currency, before conversion: deals, amount, weighted hundredths.
type Raw = BTreeMap<String, (u64, i64, i64)>;

/// Sums of one row before conversion, by category.
#[derive(Default)]
struct RowSums(BTreeMap<ForecastCategory, Raw>);

impl RowSums {
    fn add(&mut self, c: &ForecastCell) {
        let e = self
            .0
            .entry(c.category)
            .or_default()
            .entry(c.currency.clone())
            .or_default();
        e.0 += c.deals;
        e.1 += c.amount_minor;
        e.2 += c.weighted_centi_minor;
    }

    fn finish(&self, group: Option<String>, conv: &Converter) -> ForecastRow {
        let figures = |cat: ForecastCategory| {
            let mut f = CategoryFigures::default();
            for (code, (deals, amount, weighted)) in self.0.get(&cat).into_iter().flatten() {
                f.deals += deals;
                f.amount.add(conv, code, *amount);
                f.weighted.add(conv, code, div_round(*weighted, 100));
            }
            f
        };
        let row = ForecastRow {
            group,
            closed: figures(ForecastCategory::Closed),
            commit: figures(ForecastCategory::Commit),
            best_case: figures(ForecastCategory::BestCase),
            pipeline: figures(ForecastCategory::Pipeline),
            omitted: figures(ForecastCategory::Omitted),
            ..ForecastRow::default()
        };
        roll_up(row)
    }
}

/// Fills the cumulative forecasts from the categories.
fn roll_up(mut row: ForecastRow) -> ForecastRow {
    let sum = |parts: &[&Converted]| {
        let mut total = Converted::default();
        for p in parts {
            total.merge(p);
        }
        total
    };
    row.forecast_commit = sum(&[&row.closed.amount, &row.commit.amount]);
    row.forecast_best_case = sum(&[&row.forecast_commit, &row.best_case.amount]);
    row.forecast_weighted = sum(&[
        &row.closed.amount,
        &row.commit.weighted,
        &row.best_case.weighted,
        &row.pipeline.weighted,
    ]);
    row
}

impl Services {
    /// The forecast report: periods from `from` to `to` (default: this period and the
    /// next five months or three quarters), deal filters, grouping, visibility.
    pub async fn forecast_report(&self, actor: &Actor, q: &ReportQuery) -> Result<ForecastReport> {
        let mut extra = Vec::new();
        let interval = Interval::parse_param(q.interval.as_deref()).unwrap_or_else(|e| {
            extra.push(e);
            Interval::Month
        });
        let today = self.now().date_naive();
        let spans = forecast_spans(q, today, interval).unwrap_or_else(|e| {
            extra.extend(e);
            Vec::new()
        });
        let last_day = spans.last().map_or(today, |s| s.last_day);
        let converter = self
            .report_converter(q.currency.as_deref(), last_day.max(today))
            .await?
            .map_err(|e| extra.push(e))
            .ok();
        let shape = Shape {
            period_required: false,
            ..DEALS
        };
        let no_period = ReportQuery {
            from: None,
            to: None,
            ..q.clone()
        };
        let scope = self.report_scope(actor, &no_period, &shape, extra).await?;
        let conv = converter.expect("a converter error is refused with the scope");
        let (cells, targets) = futures_util::future::try_join(
            self.store.report_forecast(&scope, &spans, Some(today)),
            self.store.forecast_targets(),
        )
        .await?;
        let owner = parse_id_opt::<UserId>(q.owner.as_deref());
        let team = parse_id_opt::<TeamId>(q.team.as_deref());
        let mut periods = Vec::new();
        let mut all = RowSums::default();
        for (i, span) in spans.iter().enumerate() {
            let mut total = RowSums::default();
            let mut groups: BTreeMap<Option<String>, RowSums> = BTreeMap::new();
            for c in cells.iter().filter(|c| c.slot == Slot::Period(i)) {
                total.add(c);
                all.add(c);
                if scope.group_by.is_some() {
                    groups.entry(c.group.clone()).or_default().add(c);
                }
            }
            let mut total = total.finish(None, &conv);
            total.target = target_for(&targets, interval, span, owner, team, &conv);
            let rows = groups
                .into_iter()
                .map(|(g, sums)| sums.finish(g, &conv))
                .collect();
            periods.push(ForecastPeriod {
                span: *span,
                total,
                rows,
            });
        }
        let loose_row = |slot: Slot| {
            let mut sums = RowSums::default();
            for c in cells.iter().filter(|c| c.slot == slot) {
                sums.add(c);
            }
            sums.finish(None, &conv)
        };
        let mut total = all.finish(None, &conv);
        total.target = sum_targets(periods.iter().map(|p| p.total.target.as_ref()));
        Ok(ForecastReport {
            interval,
            group_by: scope.group_by,
            today,
            overdue: loose_row(Slot::Overdue),
            undated: loose_row(Slot::Undated),
            periods,
            total,
            converter: conv,
        })
    }
}

/// The whole periods a forecast covers: from the period holding `from` (default: today)
/// to the one holding `to` (default: six months or four quarters in all). Refused when
/// `to` is before `from` or the span is longer than [`MAX_PERIODS`].
pub(super) fn forecast_spans(
    q: &ReportQuery,
    today: NaiveDate,
    interval: Interval,
) -> std::result::Result<Vec<Span>, Vec<FieldError>> {
    let mut e = Errors::new();
    let from = e.take("from", parse_day("from", q.from.as_deref()));
    let to = e.take("to", parse_day("to", q.to.as_deref()));
    if let Err(Error::Validation(v)) = e.finish() {
        return Err(v);
    }
    let first = interval.start_of(from.flatten().unwrap_or(today));
    let last = match to.flatten() {
        Some(t) => t,
        None => {
            let periods = match interval {
                Interval::Month => 6,
                Interval::Quarter => 4,
            };
            let mut end = first;
            for _ in 0..periods {
                end = interval.next(end);
            }
            end.pred_opt().unwrap_or(end)
        }
    };
    if last < first {
        return Err(vec![FieldError::new(
            "to",
            "before_from",
            format!("the forecast ends ({last}) before it starts ({first})"),
        )]);
    }
    let spans = interval.periods(first, last);
    if spans.len() > MAX_PERIODS {
        return Err(vec![FieldError::new(
            "to",
            "period_too_long",
            format!(
                "a forecast covers at most {MAX_PERIODS} {interval}s; this asks for {}",
                spans.len()
            ),
        )]);
    }
    Ok(spans)
}

/// The target of a period for the report's scope: the owner's when one owner is asked
/// for, else the team's, else the company's; several for the same scope and period do not
/// exist (a new one replaces the old).
fn target_for(
    targets: &[Target],
    interval: Interval,
    span: &Span,
    owner: Option<UserId>,
    team: Option<TeamId>,
    conv: &Converter,
) -> Option<Converted> {
    let t = targets.iter().find(|t| {
        t.interval == interval
            && t.starts_on == span.first_day
            && match (owner, team) {
                (Some(o), _) => t.owner_id == Some(o),
                (None, Some(tm)) => t.team_id == Some(tm) && t.owner_id.is_none(),
                (None, None) => t.team_id.is_none() && t.owner_id.is_none(),
            }
    })?;
    let mut c = Converted::default();
    c.add(conv, t.amount.currency().code(), t.amount.minor());
    Some(c)
}

/// The sum of the periods' targets, when every period has one.
fn sum_targets<'a>(targets: impl Iterator<Item = Option<&'a Converted>>) -> Option<Converted> {
    let mut total = Converted::default();
    let mut any = false;
    for t in targets {
        total.merge(t?);
        any = true;
    }
    any.then_some(total)
}

/// An id parameter already checked by the scope (a malformed one was refused there).
fn parse_id_opt<T: std::str::FromStr>(raw: Option<&str>) -> Option<T> {
    raw.map(str::trim).filter(|s| !s.is_empty())?.parse().ok()
}
