//! The sources report: per lead source or campaign, the leads created in the period and how
//! far they got (prospects, opportunities, won), their won deals and revenue, conversion,
//! the median time to first contact, and, per campaign with a recorded cost, cost per lead,
//! cost per won deal and return on investment.

use super::{Services, Shape};
use crate::domain::report::{FunnelMode, GroupBy, Period, ReportQuery};
use crate::domain::report_figures::{FunnelCounts, div_round, median};
use crate::domain::report_money::{Converted, Converter};
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
        let shape = Shape {
            groups: &[GroupBy::Source, GroupBy::Campaign],
            period_required: true,
            products: false,
            lead_filters: true,
        };
        let (converter, extra) = self.converter_for(q).await?;
        let mut scope = self.report_scope(actor, q, &shape, extra).await?;
        let converter = converter.expect("a converter error is refused with the scope");
        let group_by = *scope.group_by.get_or_insert(GroupBy::Source);
        let period = scope
            .period
            .expect("the sources report always has a period");
        let mut rows: BTreeMap<Option<String>, SourceRow> = BTreeMap::new();
        for c in self.store.report_funnel(&scope, FunnelMode::Cohort).await? {
            let key = c.group.clone();
            rows.entry(key).or_default().counts = c;
        }
        for r in self.store.report_won_revenue(&scope).await? {
            let row = rows.entry(r.group).or_default();
            row.won_deals += r.won;
            *row.revenue_by_currency
                .entry(r.currency.clone())
                .or_default() += r.amount_minor;
            row.revenue.add(&converter, &r.currency, r.amount_minor);
        }
        let mut waits: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
        for fc in self.store.report_first_contacts(&scope).await? {
            if let Some(first) = fc.first_at {
                waits
                    .entry(fc.group)
                    .or_default()
                    .push((first - fc.created_at).num_seconds());
            }
        }
        let costs = self.store.campaign_costs().await?;
        let mut out = Vec::new();
        for (group, mut row) in rows {
            let mut w = waits.remove(&group).unwrap_or_default();
            row.contacted = w.len() as u64;
            row.median_first_contact_seconds = median(&mut w);
            if group_by == GroupBy::Campaign
                && let Some(name) = &group
            {
                let mut cost = Converted::default();
                let spent = costs.iter().filter(|c| {
                    &c.campaign == name
                        && c.starts_on >= period.first_day
                        && c.starts_on <= period.last_day
                });
                let mut any = false;
                for c in spent {
                    any = true;
                    cost.add(&converter, c.amount.currency().code(), c.amount.minor());
                }
                if any {
                    cost_figures(&mut row, cost);
                }
            }
            row.counts.group.clone_from(&group);
            row.group = group;
            out.push(row);
        }
        Ok(SourcesReport {
            period,
            group_by,
            rows: out,
            converter,
        })
    }
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
