//! The funnel report: how many leads entered each stage (lead, prospect, opportunity,
//! won), the conversion between consecutive stages, why leads were disqualified and deals
//! lost, and the median time spent in each stage; by cohort or by activity in the period.

use super::{Services, Shape};
use crate::domain::report::{FunnelMode, GroupBy, Period, ReportQuery, parse_mode};
use crate::domain::report_figures::{FunnelCounts, FunnelWants, ReasonCount, median};
use crate::error::Result;
use crate::service::Actor;

/// Groupings of the funnel (lead attributes).
const GROUPS: &[GroupBy] = &[
    GroupBy::Source,
    GroupBy::Campaign,
    GroupBy::Owner,
    GroupBy::Country,
];

/// The funnel over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelReport {
    /// Cohort or activity.
    pub mode: FunnelMode,
    /// The period.
    pub period: Period,
    /// The grouping, if any.
    pub group_by: Option<GroupBy>,
    /// Counts per group (one row when ungrouped), by group value.
    pub rows: Vec<FunnelCounts>,
    /// All groups together.
    pub total: FunnelCounts,
    /// Why the leads were disqualified, most frequent first.
    pub disqualify_reasons: Vec<ReasonCount>,
    /// Why the deals were lost, most frequent first.
    pub loss_reasons: Vec<ReasonCount>,
    /// Median seconds in the lead, prospect and opportunity stages (none: nobody left it).
    pub median_seconds: [Option<i64>; 3],
    /// Qualifications (`qualified`) and conversions (`converted`) a manager let through
    /// against the playbook, with a written reason: of the cohort's leads, or recorded in
    /// the period.
    pub overrides: Vec<ReasonCount>,
}

impl Services {
    /// The funnel report. Refuses bad parameters (dates, grouping, mode, ids, a product
    /// filter) with field errors. Counts only leads the caller may see.
    pub async fn funnel_report(&self, actor: &Actor, q: &ReportQuery) -> Result<FunnelReport> {
        let mut extra = Vec::new();
        let mode = parse_mode(q.mode.as_deref()).unwrap_or_else(|e| {
            extra.push(e);
            FunnelMode::Cohort
        });
        let shape = Shape {
            groups: GROUPS,
            period_required: true,
            products: false,
            lead_filters: true,
        };
        let scope = self.report_scope(actor, q, &shape, extra).await?;
        let wants = FunnelWants {
            durations: true,
            reasons: true,
            contact_waits: false,
        };
        let (mut figures, overrides) = futures_util::future::try_join(
            self.store.report_funnel_figures(&scope, mode, wants),
            self.store.report_overrides(&scope, mode),
        )
        .await?;
        figures.rows.sort_by(|a, b| a.group.cmp(&b.group));
        let mut total = FunnelCounts::default();
        for r in &figures.rows {
            total.add(r);
        }
        let durations = &mut figures.durations;
        Ok(FunnelReport {
            mode,
            period: scope.period.expect("the funnel always has a period"),
            group_by: scope.group_by,
            total,
            overrides,
            median_seconds: [
                median(&mut durations.lead),
                median(&mut durations.prospect),
                median(&mut durations.opportunity),
            ],
            rows: figures.rows,
            disqualify_reasons: figures.disqualify_reasons,
            loss_reasons: figures.loss_reasons,
        })
    }
}
