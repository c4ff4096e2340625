//! The sources report: per lead source or campaign, the leads created in the period and how
//! far they got (prospects, opportunities, won), their won deals and revenue, conversion,
//! the median time to first contact, and, per campaign with a recorded cost, cost per lead,
//! cost per won deal and return on investment.

use super::{Services, Shape};
use crate::domain::report::{FunnelMode, GroupBy, Period, ReportQuery};
use crate::domain::report_figures::{
    FunnelCounts, FunnelFigures, FunnelWants, ReasonCount, RevenueCell, div_round, median,
};
use crate::domain::report_money::{CampaignCost, Converted, Converter};
use crate::error::Result;
use crate::service::Actor;
use std::collections::BTreeMap;

/// One source's or campaign's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceRow {
    /// The source or campaign (none: leads without a campaign).
    pub group: Option<String>,
    /// Leads created in the period and how far they got (won: leads with a won deal).
    pub counts: FunnelCounts,
    /// Won deals of those leads.
    pub won_deals: u64,
    /// Their amounts in their own currencies, minor units.
    pub revenue_by_currency: BTreeMap<String, i64>,
    /// Their amounts in the reporting currency.
    pub revenue: Converted,
    /// Leads contacted (a call, email, meeting or demo).
    pub contacted: u64,
    /// Median seconds from creation to first contact of the contacted leads.
    pub median_first_contact_seconds: Option<i64>,
    /// Recorded campaign cost starting in the period (campaign rows only).
    pub cost: Option<Converted>,
    /// cost / leads, in the reporting currency.
    pub cost_per_lead: Option<i64>,
    /// cost / won deals, in the reporting currency.
    pub cost_per_won_deal: Option<i64>,
    /// (revenue - cost) / cost.
    pub roi: Option<f64>,
}

/// Source or campaign effectiveness over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcesReport {
    /// Leads created in these days.
    pub period: Period,
    /// `source` (default) or `campaign`.
    pub group_by: GroupBy,
    /// One row per source or campaign.
    pub rows: Vec<SourceRow>,
    /// The conversion into the reporting currency.
    pub converter: Converter,
}

impl Services {
    /// The sources report (cohort of the leads created in the period). Refuses bad
    /// parameters with field errors; counts only leads the caller may see.
    pub async fn sources_report(&self, actor: &Actor, q: &ReportQuery) -> Result<SourcesReport> {
        let wants = FunnelWants {
            contact_waits: true,
            ..FunnelWants::default()
        };
        let (group_by, period, converter, figures) = self
            .cohort_read(actor, q, &[GroupBy::Source, GroupBy::Campaign], wants)
            .await?;
        let mut waits: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
        for g in figures.contact_waits {
            waits.entry(g.group).or_default().extend(g.seconds);
        }
        let mut rows = source_rows(figures.rows, figures.revenue, &converter);
        let costs = self.store.campaign_costs().await?;
        for row in &mut rows {
            let mut w = waits.remove(&row.group).unwrap_or_default();
            row.contacted = w.len() as u64;
            row.median_first_contact_seconds = median(&mut w);
            if let (GroupBy::Campaign, Some(name)) = (group_by, &row.group)
                && let Some(cost) = campaign_cost(&costs, name, &period, &converter)
            {
                cost_figures(row, cost);
            }
        }
        Ok(SourcesReport {
            period,
            group_by,
            rows,
            converter,
        })
    }
}

/// What the dashboard shows of the leads created in a period, read in one pass over them and
/// one over their deals: the funnel's counts and reasons, and the sources' counts and won
/// revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortSummary {
    /// Leads created in these days.
    pub period: Period,
    /// The funnel's counts, every source together (as the cohort funnel's total).
    pub total: FunnelCounts,
    /// Why the cohort's disqualified leads were disqualified, most frequent first.
    pub disqualify_reasons: Vec<ReasonCount>,
    /// Why the cohort's lost deals were lost, most frequent first.
    pub loss_reasons: Vec<ReasonCount>,
    /// One row per source, as the sources report's by source, without the first contacts
    /// (`contacted` 0, no median).
    pub sources: Vec<SourceRow>,
    /// The conversion into the reporting currency.
    pub converter: Converter,
}

impl Services {
    /// The cohort funnel's counts and reasons and the sources' rows by source, in one read
    /// of the period's cohort (the dashboard asks for both: two reports would read the
    /// cohort twice and the spans and first contacts it does not show). Refuses bad
    /// parameters with field errors; counts only leads the caller may see.
    pub async fn cohort_summary(&self, actor: &Actor, q: &ReportQuery) -> Result<CohortSummary> {
        let wants = FunnelWants {
            reasons: true,
            ..FunnelWants::default()
        };
        let (_, period, converter, figures) = self
            .cohort_read(actor, q, &[GroupBy::Source], wants)
            .await?;
        let sources = source_rows(figures.rows, figures.revenue, &converter);
        let mut total = FunnelCounts::default();
        for row in &sources {
            total.add(&row.counts);
        }
        Ok(CohortSummary {
            period,
            total,
            disqualify_reasons: figures.disqualify_reasons,
            loss_reasons: figures.loss_reasons,
            sources,
            converter,
        })
    }

    /// The cohort of the period in `q`, read by the store as the sources report reads it:
    /// the grouping (source unless `q` asks for another of `groups`), the period, the
    /// conversion into the reporting currency and the figures `wants` asks for. Refuses bad
    /// parameters with field errors.
    async fn cohort_read(
        &self,
        actor: &Actor,
        q: &ReportQuery,
        groups: &'static [GroupBy],
        wants: FunnelWants,
    ) -> Result<(GroupBy, Period, Converter, FunnelFigures)> {
        let shape = Shape {
            groups,
            period_required: true,
            products: false,
            lead_filters: true,
        };
        let (converter, extra) = self.converter_for(q).await?;
        let mut scope = self.report_scope(actor, q, &shape, extra).await?;
        let converter = converter.expect("a converter error is refused with the scope");
        let group_by = *scope.group_by.get_or_insert(GroupBy::Source);
        let period = scope.period.expect("a cohort report always has a period");
        let figures = self
            .store
            .report_funnel_figures(&scope, FunnelMode::Cohort, wants)
            .await?;
        Ok((group_by, period, converter, figures))
    }
}

/// The cohort's counts and won revenue per group, ordered by group.
fn source_rows(
    counts: Vec<FunnelCounts>,
    revenue: Vec<RevenueCell>,
    converter: &Converter,
) -> Vec<SourceRow> {
    let mut rows: BTreeMap<Option<String>, SourceRow> = BTreeMap::new();
    for c in counts {
        let key = c.group.clone();
        rows.entry(key).or_default().counts = c;
    }
    for r in revenue {
        let row = rows.entry(r.group).or_default();
        row.won_deals += r.won;
        *row.revenue_by_currency
            .entry(r.currency.clone())
            .or_default() += r.amount_minor;
        row.revenue.add(converter, &r.currency, r.amount_minor);
    }
    rows.into_iter()
        .map(|(group, mut row)| {
            row.counts.group.clone_from(&group);
            SourceRow { group, ..row }
        })
        .collect()
}

/// The costs of `campaign` whose first day falls in the period, converted; none when none
/// is recorded.
fn campaign_cost(
    costs: &[CampaignCost],
    campaign: &str,
    p: &Period,
    conv: &Converter,
) -> Option<Converted> {
    let mut spent = costs
        .iter()
        .filter(|c| {
            c.campaign == campaign && c.starts_on >= p.first_day && c.starts_on <= p.last_day
        })
        .peekable();
    spent.peek()?;
    let mut total = Converted::default();
    for c in spent {
        total.add(conv, c.amount.currency().code(), c.amount.minor());
    }
    Some(total)
}

/// Cost per lead, per won deal and ROI, when the cost and the revenue are fully converted.
fn cost_figures(row: &mut SourceRow, cost: Converted) {
    let exact = cost.unconverted.is_empty() && row.revenue.unconverted.is_empty();
    if exact {
        let per =
            |n: u64| (n > 0).then(|| div_round(cost.minor, i64::try_from(n).unwrap_or(i64::MAX)));
        row.cost_per_lead = per(row.counts.leads);
        row.cost_per_won_deal = per(row.won_deals);
        row.roi =
            (cost.minor > 0).then(|| (row.revenue.minor - cost.minor) as f64 / cost.minor as f64);
    }
    row.cost = Some(cost);
}
