//! The win/loss report (win rate per group, won amounts and average deal size per currency,
//! loss reasons, sales cycle length), and the shape the deal reports share with the pipeline
//! (`pipeline.rs`). Amounts are given in their own currency (integer minor units), and the
//! totals once more in the reporting currency: each currency's sum converted once with the
//! rate in force, amounts without a rate apart.

use super::{Services, Shape};
use crate::domain::Currency;
use crate::domain::report::{GroupBy, Period, ReportQuery, SizeBands};
use crate::domain::report_figures::{Quartiles, ReasonCount, div_round, quartiles, rate};
use crate::domain::report_money::{Converted, Converter};
use crate::error::Result;
use crate::service::Actor;
use std::collections::BTreeMap;

/// Groupings of the deal reports.
pub(super) const GROUPS: &[GroupBy] = &[
    GroupBy::Source,
    GroupBy::Campaign,
    GroupBy::Owner,
    GroupBy::Country,
    GroupBy::Product,
];

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
