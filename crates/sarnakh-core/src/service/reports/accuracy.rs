//! Forecast snapshots and forecast accuracy. A snapshot keeps, per owner, month, category
//! and currency, what the pipeline promised on the day it was taken; accuracy compares,
//! for each period, the last snapshot taken on or before the period's first day with what
//! then closed won in the period, per owner or team.

use super::forecast::forecast_spans;
use super::{Services, Shape};
use crate::domain::forecast::{ForecastCategory, Interval, Slot, Snapshot, SnapshotLine, Span};
use crate::domain::report::{GroupBy, ReportFilter, ReportQuery, ReportScope};
use crate::domain::report_figures::div_round;
use crate::domain::report_money::{Converted, Converter};
use crate::domain::{TeamId, UserId};
use crate::error::{Error, FieldError, Result};
use crate::policy::Visibility;
use crate::service::Actor;
use std::collections::BTreeMap;

/// How accuracy rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccuracyGroup {
    /// Per owner (user id).
    Owner,
    /// Per team of the owner (team id; none: owners without a team and unowned deals).
    Team,
}

/// What was forecast for one period (and group) and what closed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccuracyRow {
    /// The group's value (none: all together, or no owner / team).
    pub group: Option<String>,
    /// closed + commit in the snapshot.
    pub forecast_commit: Converted,
    /// closed + commit + best case in the snapshot.
    pub forecast_best_case: Converted,
    /// closed + weighted open deals in the snapshot.
    pub forecast_weighted: Converted,
    /// Won in the period (today's records).
    pub actual: Converted,
    /// Deals won in the period.
    pub won_deals: u64,
    /// actual / forecast_commit (none when nothing was committed or not all converted).
    pub attainment: Option<f64>,
    /// |actual - forecast_commit| / actual (none when nothing was won).
    pub abs_pct_error: Option<f64>,
}

/// One period's accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyPeriod {
    /// The period.
    pub span: Span,
    /// The snapshot its forecast comes from (none: none was taken by its first day).
    pub snapshot: Option<Snapshot>,
    /// All groups together.
    pub total: AccuracyRow,
    /// Per group (empty without a grouping).
    pub rows: Vec<AccuracyRow>,
}

/// Forecast accuracy over periods.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyReport {
    /// Months or quarters.
    pub interval: Interval,
    /// The grouping, if any.
    pub group_by: Option<AccuracyGroup>,
    /// The periods, in order.
    pub periods: Vec<AccuracyPeriod>,
    /// The conversion into the reporting currency (rates in force on the last day).
    pub converter: Converter,
}

/// Per currency sums before conversion.
#[derive(Default)]
struct Sums {
    commit: BTreeMap<String, i64>,
    best_case: BTreeMap<String, i64>,
    weighted_centi: BTreeMap<String, i64>,
    actual: BTreeMap<String, i64>,
    won_deals: u64,
}

impl Sums {
    fn forecast(&mut self, l: &SnapshotLine) {
        let code = l.currency.clone();
        let (commit, best, weighted) = match l.category {
            ForecastCategory::Closed => (l.amount_minor, l.amount_minor, l.amount_minor * 100),
            ForecastCategory::Commit => (l.amount_minor, l.amount_minor, l.weighted_centi_minor),
            ForecastCategory::BestCase => (0, l.amount_minor, l.weighted_centi_minor),
            ForecastCategory::Pipeline => (0, 0, l.weighted_centi_minor),
            ForecastCategory::Omitted => (0, 0, 0),
        };
        *self.commit.entry(code.clone()).or_default() += commit;
        *self.best_case.entry(code.clone()).or_default() += best;
        *self.weighted_centi.entry(code).or_default() += weighted;
    }

    fn finish(&self, group: Option<String>, conv: &Converter) -> AccuracyRow {
        let convert = |m: &BTreeMap<String, i64>, scale: i64| {
            let mut c = Converted::default();
            for (code, v) in m {
                c.add(conv, code, div_round(*v, scale));
            }
            c
        };
        let commit = convert(&self.commit, 1);
        let actual = convert(&self.actual, 1);
        let exact = commit.unconverted.is_empty() && actual.unconverted.is_empty();
        AccuracyRow {
            group,
            attainment: (exact && commit.minor > 0)
                .then(|| actual.minor as f64 / commit.minor as f64),
            abs_pct_error: (exact && actual.minor > 0)
                .then(|| (actual.minor - commit.minor).abs() as f64 / actual.minor as f64),
            forecast_commit: commit,
            forecast_best_case: convert(&self.best_case, 1),
            forecast_weighted: convert(&self.weighted_centi, 100),
            actual,
            won_deals: self.won_deals,
        }
    }
}

impl Services {
    /// Takes today's forecast snapshot (replacing one taken earlier today): every open deal
    /// expected from the start of this quarter to the end of the fourth quarter after it,
    /// and the deals won since the quarter began, per owner, month, category and currency.
    /// Sales managers and admins (and the schedule).
    pub async fn take_forecast_snapshot(&self, actor: &Actor) -> Result<Snapshot> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may take a forecast snapshot".into())
        })?;
        let now = self.now();
        let (horizon_from, horizon_to) = Snapshot::horizon(now.date_naive());
        let months = Interval::Month.periods(horizon_from, horizon_to);
        let scope = ReportScope {
            period: None,
            filter: ReportFilter::default(),
            group_by: Some(GroupBy::Owner),
            lead_visibility: Visibility::All,
            deal_visibility: Visibility::All,
            size_bands: Default::default(),
        };
        let cells = self.store.report_forecast(&scope, &months, None).await?;
        let lines: Vec<SnapshotLine> = cells
            .into_iter()
            .filter_map(|c| {
                let Slot::Period(i) = c.slot else { return None };
                Some(SnapshotLine {
                    owner_id: c.group.as_deref().and_then(|g| g.parse().ok()),
                    month: months.get(i)?.first_day,
                    category: c.category,
                    currency: c.currency,
                    deals: c.deals,
                    amount_minor: c.amount_minor,
                    weighted_centi_minor: c.weighted_centi_minor,
                })
            })
            .collect();
        let snapshot = Snapshot {
            id: uuid::Uuid::now_v7(),
            taken_on: now.date_naive(),
            taken_at: now,
            taken_by: actor.user_id,
            horizon_from,
            horizon_to,
            deals: lines.iter().map(|l| l.deals).sum(),
        };
        self.store.save_forecast_snapshot(&snapshot, &lines).await?;
        Ok(snapshot)
    }

    /// Every forecast snapshot's header, oldest first (anyone who sees deals or reports).
    pub async fn forecast_snapshots(&self) -> Result<Vec<Snapshot>> {
        Ok(self.store.forecast_snapshots().await?)
    }

    /// Forecast accuracy: for each period from `from` to `to` (default: the last five
    /// periods and this one), the forecast of the last snapshot taken on or before its
    /// first day beside the deals won in it; owner and team filters, `group_by` owner or
    /// team, the caller's deal visibility.
    pub async fn forecast_accuracy_report(
        &self,
        actor: &Actor,
        q: &ReportQuery,
    ) -> Result<AccuracyReport> {
        let mut extra = Vec::new();
        let interval = Interval::parse_param(q.interval.as_deref()).unwrap_or_else(|e| {
            extra.push(e);
            Interval::Month
        });
        let group = parse_group(q.group_by.as_deref()).unwrap_or_else(|e| {
            extra.push(e);
            None
        });
        let today = self.now().date_naive();
        let spans = accuracy_spans(q, today, interval).unwrap_or_else(|e| {
            extra.extend(e);
            Vec::new()
        });
        let last_day = spans.last().map_or(today, |s| s.last_day.min(today));
        let converter = self
            .report_converter(q.currency.as_deref(), last_day)
            .await?
            .map_err(|e| extra.push(e))
            .ok();
        let shape = Shape {
            groups: &[],
            period_required: false,
            products: false,
            lead_filters: false,
        };
        let plain = ReportQuery {
            from: None,
            to: None,
            group_by: None,
            ..q.clone()
        };
        let mut scope = self.report_scope(actor, &plain, &shape, extra).await?;
        let conv = converter.expect("a converter error is refused with the scope");
        // Won deals per owner only when the rows group them (by owner or by the owner's team).
        scope.group_by = group.map(|_| GroupBy::Owner);
        let teams: BTreeMap<UserId, TeamId> = self
            .store
            .list_users()
            .await?
            .into_iter()
            .filter_map(|u| Some((u.id, u.team_id?)))
            .collect();
        let key = |owner: Option<UserId>| match group {
            None => None,
            Some(AccuracyGroup::Owner) => owner.map(|o| o.to_string()),
            Some(AccuracyGroup::Team) => owner.and_then(|o| teams.get(&o)).map(|t| t.to_string()),
        };
        let snapshots = self.store.forecast_snapshots().await?;
        let won = self.store.report_forecast_won(&scope, &spans).await?;
        let counts = |owner: Option<UserId>| {
            line_visible(
                &scope.deal_visibility,
                scope.filter.owners.as_deref(),
                owner,
            )
        };
        let mut periods = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            let mut total = Sums::default();
            let mut groups: BTreeMap<Option<String>, Sums> = BTreeMap::new();
            let snapshot = snapshots
                .iter()
                .rev()
                .find(|s| s.taken_on <= span.first_day)
                .cloned();
            if let Some(s) = &snapshot {
                for l in self.store.forecast_snapshot_lines(s.id).await? {
                    if span.holds(l.month) && counts(l.owner_id) {
                        total.forecast(&l);
                        if group.is_some() {
                            groups.entry(key(l.owner_id)).or_default().forecast(&l);
                        }
                    }
                }
            }
            let won_in = won
                .iter()
                .filter(|c| c.slot == Slot::Period(i) && c.category == ForecastCategory::Closed);
            for c in won_in {
                let owner: Option<UserId> = c.group.as_deref().and_then(|g| g.parse().ok());
                let add = |s: &mut Sums| {
                    *s.actual.entry(c.currency.clone()).or_default() += c.amount_minor;
                    s.won_deals += c.deals;
                };
                add(&mut total);
                if group.is_some() {
                    add(groups.entry(key(owner)).or_default());
                }
            }
            periods.push(AccuracyPeriod {
                span: *span,
                snapshot,
                total: total.finish(None, &conv),
                rows: groups
                    .into_iter()
                    .map(|(g, s)| s.finish(g, &conv))
                    .collect(),
            });
        }
        Ok(AccuracyReport {
            interval,
            group_by: group,
            periods,
            converter: conv,
        })
    }
}

/// Whether a snapshot line of `owner` counts for a caller with this visibility and owner
/// filter (the deal list's rule: a scoped caller sees its owners' deals and unowned ones).
fn line_visible(v: &Visibility, owners: Option<&[UserId]>, owner: Option<UserId>) -> bool {
    let seen = match v {
        Visibility::All => true,
        Visibility::Scoped { owners, .. } => owner.is_none_or(|o| owners.contains(&o)),
    };
    let asked = owners.is_none_or(|list| owner.is_some_and(|o| list.contains(&o)));
    seen && asked
}

/// The periods of an accuracy report: `from`..`to` as given, else the five periods before
/// this one and this one.
fn accuracy_spans(
    q: &ReportQuery,
    today: chrono::NaiveDate,
    interval: Interval,
) -> std::result::Result<Vec<Span>, Vec<FieldError>> {
    if q.from.is_some() || q.to.is_some() {
        return forecast_spans(q, today, interval);
    }
    let this = interval.start_of(today);
    let mut first = this;
    for _ in 0..5 {
        first = interval.start_of(first.pred_opt().unwrap_or(first));
    }
    Ok(interval.periods(first, today))
}

/// `group_by` of the accuracy report: `owner` or `team`.
fn parse_group(raw: Option<&str>) -> std::result::Result<Option<AccuracyGroup>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("owner") => Ok(Some(AccuracyGroup::Owner)),
        Some("team") => Ok(Some(AccuracyGroup::Team)),
        Some(s) => Err(FieldError::new(
            "group_by",
            "invalid_group_by",
            format!("{s:?} cannot group forecast accuracy: one of owner, team"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_caller_counts_its_owners_and_unowned_lines() {
        let me = UserId::new();
        let other = UserId::new();
        let v = Visibility::Scoped {
            owners: vec![me],
            queues: vec![],
        };
        assert!(line_visible(&v, None, Some(me)));
        assert!(line_visible(&v, None, None));
        assert!(!line_visible(&v, None, Some(other)));
        assert!(!line_visible(&Visibility::All, Some(&[me]), Some(other)));
        assert!(!line_visible(&Visibility::All, Some(&[me]), None));
    }

    #[test]
    fn accuracy_defaults_to_six_periods_ending_with_this_one() {
        let today = "2026-11-29".parse().expect("day");
        let spans = accuracy_spans(&ReportQuery::default(), today, Interval::Month).expect("spans");
        assert_eq!(spans.len(), 6);
        assert_eq!(spans[0].first_day.to_string(), "2026-06-01");
        assert_eq!(spans[5].last_day.to_string(), "2026-11-30");
    }
}
