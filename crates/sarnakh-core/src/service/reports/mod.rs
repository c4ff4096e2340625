//! Reports (insight): the funnel, the pipeline and win/loss, over a period, filters and a
//! grouping, restricted to what the caller may see. This module turns a raw
//! [`ReportQuery`] into a checked [`ReportScope`] (every bad parameter is a field error);
//! the report modules ask the store for aggregates and do the small maths. Reports only
//! read: they never write.

mod accuracy;
mod activity;
mod content;
mod deals;
mod experiment;
mod forecast;
mod funnel;
mod money;
mod pipeline;
mod sources;
mod targets;

pub use accuracy::{AccuracyGroup, AccuracyPeriod, AccuracyReport, AccuracyRow};
pub use activity::{ActivityReport, RepActivity};
pub use content::{ContentReport, ContentRow};
pub use deals::{WinLossAmount, WinLossReport, WinLossRow};
pub use experiment::{Comparison, ExperimentReport, STEPS, StepTest, VariantResult};
pub use forecast::{CategoryFigures, ForecastPeriod, ForecastReport, ForecastRow, MAX_PERIODS};
pub use funnel::FunnelReport;
pub use money::{CostInput, RateInput, RateSheet};
pub use pipeline::{CurrencyTotal, PipelineReport};
pub use sources::{CohortSummary, SourceRow, SourcesReport};
pub use targets::TargetInput;

use super::{Actor, Services};
use crate::domain::report::{
    GroupBy, ReportFilter, ReportQuery, ReportScope, parse_group_by, parse_period, text_filter,
};
use crate::domain::{Role, TeamId, UserId};
use crate::error::{Error, FieldError, Result};
use crate::policy::Visibility;

/// What a report accepts besides the common filters.
struct Shape<'a> {
    /// Groupings it offers.
    groups: &'a [GroupBy],
    /// Whether a missing period defaults to the last 30 days (else: no period).
    period_required: bool,
    /// Whether the product filter applies (deal reports).
    products: bool,
    /// Whether the lead filters (source, campaign, country) apply.
    lead_filters: bool,
}

impl Services {
    /// Checks the common parameters of a report and resolves the caller's visibility.
    /// Leads follow the lead list rules; deals the deal list rules, except that marketing
    /// sees every deal in aggregate (the policy: deal amounts reach marketing only through
    /// reports).
    async fn report_scope(
        &self,
        actor: &Actor,
        q: &ReportQuery,
        shape: &Shape<'_>,
        extra: Vec<FieldError>,
    ) -> Result<ReportScope> {
        let mut errors = extra;
        let today = self.now().date_naive();
        let period = parse_period(q, today, shape.period_required).unwrap_or_else(|e| {
            errors.extend(e);
            None
        });
        let group_by = parse_group_by(q.group_by.as_deref(), shape.groups).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let owner = parse_id::<UserId>("owner", q.owner.as_deref(), &mut errors);
        let team = parse_id::<TeamId>("team", q.team.as_deref(), &mut errors);
        inapplicable_filters(q, shape, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let owners = self.report_owners(owner, team).await?;
        Ok(ReportScope {
            period,
            filter: ReportFilter {
                owners,
                source: text_filter(q.source.as_deref()),
                campaign: text_filter(q.campaign.as_deref()),
                product: text_filter(q.product.as_deref()),
                country: text_filter(q.country.as_deref()).map(|c| c.to_uppercase()),
            },
            group_by,
            lead_visibility: actor.lead_visibility(),
            deal_visibility: deal_visibility(actor),
            size_bands: Default::default(),
        })
    }

    /// The converter for a report over a period (rates in force on its last day, today when
    /// none) and the field error when the currency cannot be reported in.
    async fn converter_for(
        &self,
        q: &ReportQuery,
    ) -> Result<(
        Option<crate::domain::report_money::Converter>,
        Vec<FieldError>,
    )> {
        let today = self.now().date_naive();
        let day = parse_period(q, today, false)
            .ok()
            .flatten()
            .map_or(today, |p| p.last_day);
        Ok(
            match self.report_converter(q.currency.as_deref(), day).await? {
                Ok(c) => (Some(c), Vec::new()),
                Err(e) => (None, vec![e]),
            },
        )
    }

    /// The owners an owner or team filter allows (both: the owner if in the team).
    async fn report_owners(
        &self,
        owner: Option<UserId>,
        team: Option<TeamId>,
    ) -> Result<Option<Vec<UserId>>> {
        let members = match team {
            Some(t) => Some(self.store.team_members(t).await?),
            None => None,
        };
        Ok(match (owner, members) {
            (None, None) => None,
            (Some(o), None) => Some(vec![o]),
            (None, Some(m)) => Some(m),
            (Some(o), Some(m)) => Some(m.into_iter().filter(|u| *u == o).collect()),
        })
    }
}

/// Deals, activities and follow-ups the actor's reports count: the deal list rule, except
/// that marketing sees every deal in aggregate.
fn deal_visibility(actor: &Actor) -> Visibility {
    if actor.has_role(Role::Marketing) {
        Visibility::All
    } else {
        actor.record_visibility()
    }
}

/// Records a field error for each filter the report does not take.
fn inapplicable_filters(q: &ReportQuery, shape: &Shape<'_>, errors: &mut Vec<FieldError>) {
    if text_filter(q.product.as_deref()).is_some() && !shape.products {
        errors.push(FieldError::new(
            "product",
            "not_applicable",
            "this report counts leads; filter by product on the pipeline or win-loss reports",
        ));
    }
    if shape.lead_filters {
        return;
    }
    for (field, value) in [
        ("source", &q.source),
        ("campaign", &q.campaign),
        ("country", &q.country),
    ] {
        if text_filter(value.as_deref()).is_some() {
            errors.push(FieldError::new(
                field,
                "not_applicable",
                "the activity report filters by owner or team only",
            ));
        }
    }
}

/// Parses an optional id parameter, recording a field error when malformed.
fn parse_id<T: std::str::FromStr>(
    field: &str,
    raw: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let s = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match s.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "invalid_id",
                format!("{s:?} is not an id (expected a UUID)"),
            ));
            None
        }
    }
}
