//! The dashboard's money parts: the forecast of the coming months against their targets
//! (an SVG chart: won so far, commit and best case as nested bars, the target as a line),
//! forecast accuracy of the past months and win/loss by source over the period, and the
//! source effectiveness lines drawn from the cohort summary. The figures come from the
//! report services, so they respect what the user may see.

use super::Tr;
use sarnakh_core::Error;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::report_money::{Converted, Converter};
use sarnakh_core::service::{Actor, CohortSummary, Services};

/// One forecast period as a row of the chart and of its table.
pub struct ForecastBar {
    pub label: String,
    pub won: String,
    pub commit: String,
    pub best_case: String,
    pub weighted: String,
    pub target: String,
    /// Bar widths in percent of the chart's largest figure.
    pub w_won: u64,
    pub w_commit: u64,
    pub w_best: u64,
    /// Where the target line stands, in percent (none: no target).
    pub target_x: Option<u64>,
    pub y: u64,
}

/// One past period: forecast before it, won in it.
pub struct AccuracyLine {
    pub label: String,
    pub forecast: String,
    pub won: String,
    pub attainment: String,
}

/// One lead source over the period.
pub struct SourceLine {
    pub source: String,
    pub leads: String,
    pub to_prospect: String,
    pub won_deals: String,
    pub revenue: String,
}

/// Closed deals of one lead source over the period: won, lost, win rate.
pub struct WinLine {
    pub source: String,
    pub won: String,
    pub lost: String,
    pub win_rate: String,
}

/// The money parts of the dashboard.
pub struct MoneyParts {
    /// The reporting currency.
    pub currency: String,
    pub forecast: Vec<ForecastBar>,
    pub forecast_height: u64,
    /// Open deals whose expected close date has passed.
    pub overdue: String,
    pub accuracy: Vec<AccuracyLine>,
    /// Win rate per lead source of the deals closed in the period.
    pub win_loss: Vec<WinLine>,
    /// All closed deals: won, lost, win rate, average won deal, median sales cycle.
    pub win_total: WinLine,
    /// The average won deal and the median sales cycle, as a sentence.
    pub win_summary: String,
}

fn money(tr: Tr, conv: &Converter, c: &Converted) -> String {
    let text = tr.decimal(c.minor, conv.target.exponent());
    if c.unconverted.is_empty() {
        text
    } else {
        tr.t1("dashboard-unconverted", "amount", text)
    }
}

fn percent(tr: Tr, rate: Option<f64>) -> String {
    rate.map_or_else(
        || "–".into(),
        |r| {
            tr.t1(
                "dashboard-percent",
                "rate",
                tr.num((r * 100.0).round() as i64),
            )
        },
    )
}

fn span_label(tr: Tr, first: chrono::NaiveDate, last: chrono::NaiveDate) -> String {
    tr.t2(
        "dashboard-span",
        ("from", tr.day(first).into()),
        ("to", tr.day(last).into()),
    )
}

fn width(v: i64, max: i64) -> u64 {
    if v <= 0 || max <= 0 {
        return 0;
    }
    u64::try_from((v.saturating_mul(100) / max).max(1)).unwrap_or(0)
}

/// Loads the forecast (this month and the next five), the accuracy of the last six months
/// and win/loss by source of the period `q` (the sources come from the cohort summary,
/// [`source_lines`]).
pub async fn money_parts(
    services: &Services,
    actor: &Actor,
    q: &ReportQuery,
    tr: Tr,
) -> Result<MoneyParts, Error> {
    let everything = ReportQuery::default();
    let by_source = ReportQuery {
        group_by: Some("source".into()),
        ..q.clone()
    };
    let (forecast, accuracy, win_loss) = tokio::try_join!(
        services.forecast_report(actor, &everything),
        services.forecast_accuracy_report(actor, &everything),
        services.win_loss_without_reasons(actor, &by_source),
    )?;
    let conv = &forecast.converter;
    let max = forecast
        .periods
        .iter()
        .flat_map(|p| {
            [
                p.total.forecast_best_case.minor,
                p.total.target.as_ref().map_or(0, |t| t.minor),
            ]
        })
        .max()
        .unwrap_or(0);
    let bars = forecast
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = &p.total;
            ForecastBar {
                label: span_label(tr, p.span.first_day, p.span.last_day),
                won: money(tr, conv, &t.closed.amount),
                commit: money(tr, conv, &t.forecast_commit),
                best_case: money(tr, conv, &t.forecast_best_case),
                weighted: money(tr, conv, &t.forecast_weighted),
                target: t
                    .target
                    .as_ref()
                    .map_or_else(|| "–".into(), |x| money(tr, conv, x)),
                w_won: width(t.closed.amount.minor, max),
                w_commit: width(t.forecast_commit.minor, max),
                w_best: width(t.forecast_best_case.minor, max),
                target_x: t.target.as_ref().map(|x| width(x.minor, max)),
                y: i as u64 * 36,
            }
        })
        .collect::<Vec<_>>();
    let overdue_deals = forecast.overdue.commit.deals
        + forecast.overdue.best_case.deals
        + forecast.overdue.pipeline.deals;
    let aconv = &accuracy.converter;
    let accuracy_lines = accuracy
        .periods
        .iter()
        .map(|p| AccuracyLine {
            label: span_label(tr, p.span.first_day, p.span.last_day),
            forecast: if p.snapshot.is_some() {
                money(tr, aconv, &p.total.forecast_commit)
            } else {
                tr.t("dashboard-no-snapshot")
            },
            won: money(tr, aconv, &p.total.actual),
            attainment: percent(tr, p.total.attainment),
        })
        .collect();
    let win_line = |r: &sarnakh_core::service::WinLossRow| {
        let code = r.group.clone().unwrap_or_default();
        WinLine {
            source: tr.t_or(&format!("source-{code}"), &code),
            won: tr.num(i64::try_from(r.won).unwrap_or(0)),
            lost: tr.num(i64::try_from(r.lost).unwrap_or(0)),
            win_rate: percent(tr, r.win_rate),
        }
    };
    let wconv = &win_loss.converter;
    Ok(MoneyParts {
        win_loss: win_loss.rows.iter().map(win_line).collect(),
        win_total: win_line(&win_loss.total),
        win_summary: tr.t2(
            "dashboard-win-loss-summary",
            (
                "average",
                win_loss
                    .converted_average
                    .map_or_else(
                        || "–".into(),
                        |a| {
                            format!(
                                "{} {}",
                                tr.decimal(a, wconv.target.exponent()),
                                wconv.target.code()
                            )
                        },
                    )
                    .into(),
            ),
            (
                "days",
                win_loss
                    .cycle_seconds
                    .as_ref()
                    .map_or_else(|| "–".into(), |q| tr.num(q.median / 86_400))
                    .into(),
            ),
        ),
        currency: conv.target.code().to_owned(),
        forecast_height: bars.len() as u64 * 36,
        forecast: bars,
        overdue: tr.t1(
            "dashboard-overdue",
            "n",
            tr.num(i64::try_from(overdue_deals).unwrap_or(0)),
        ),
        accuracy: accuracy_lines,
    })
}

/// The period's lead sources as table lines (from the cohort summary).
pub fn source_lines(tr: Tr, summary: &CohortSummary) -> Vec<SourceLine> {
    let conv = &summary.converter;
    summary
        .sources
        .iter()
        .map(|r| {
            let code = r.group.clone().unwrap_or_default();
            SourceLine {
                source: tr.t_or(&format!("source-{code}"), &code),
                leads: tr.num(i64::try_from(r.counts.leads).unwrap_or(0)),
                to_prospect: percent(tr, r.counts.rates()[0]),
                won_deals: tr.num(i64::try_from(r.won_deals).unwrap_or(0)),
                revenue: money(tr, conv, &r.revenue),
            }
        })
        .collect()
}
