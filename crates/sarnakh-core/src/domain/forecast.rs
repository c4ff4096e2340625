//! Forecasting: each deal's forecast category, the calendar periods a forecast is cut into,
//! stored snapshots of what the pipeline promised, and targets.
//!
//! A deal's category is the rep's own call when set, else its stage's default; won deals
//! are always `closed` and lost ones `omitted`. The forecast of a period adds up: `closed`
//! (won in it), `commit` = closed + deals committed, `best_case` = commit + best-case
//! deals, and the weighted figure = closed + every open deal's amount x stage probability.

use super::lifecycle::str_enum;
use super::stage::PipelineStage;
use super::{Money, OpportunityStatus, TeamId, UserId};
use crate::error::FieldError;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

str_enum!(
    /// How sure the owner is that a deal closes in its expected period.
    ForecastCategory {
        /// Being worked, too early to count on.
        Pipeline = "pipeline",
        /// Could close in the period if things go well.
        BestCase = "best_case",
        /// The owner commits to closing it in the period.
        Commit = "commit",
        /// Won (never set by hand).
        Closed = "closed",
        /// Left out of the forecast (lost deals, or the owner's call).
        Omitted = "omitted",
    }
);

impl ForecastCategory {
    /// The categories an owner may give an open deal.
    pub const SETTABLE: &'static [Self] =
        &[Self::Pipeline, Self::BestCase, Self::Commit, Self::Omitted];

    /// The category a stage gives its deals when nothing is recorded: from the probability,
    /// 80 % and up `commit`, 40 % and up `best_case`, else `pipeline`.
    pub fn default_for_probability(probability: u8) -> Self {
        match probability {
            80.. => Self::Commit,
            40.. => Self::BestCase,
            _ => Self::Pipeline,
        }
    }

    /// Parses a category an owner sets on an open deal.
    pub fn parse_settable(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        match Self::parse(raw).filter(|c| Self::SETTABLE.contains(c)) {
            Some(c) => Ok(c),
            None => Err(FieldError::new(
                field,
                "invalid_forecast_category",
                format!(
                    "{raw:?} is not a forecast category for an open deal: one of pipeline, \
                     best_case, commit, omitted (closed comes with winning)"
                ),
            )),
        }
    }
}

/// The category a deal counts in: won `closed`, lost `omitted`, else the owner's call or
/// the stage's default.
pub fn effective_category(
    status: OpportunityStatus,
    own: Option<ForecastCategory>,
    stage: Option<&PipelineStage>,
) -> ForecastCategory {
    match status {
        OpportunityStatus::Won => ForecastCategory::Closed,
        OpportunityStatus::Lost => ForecastCategory::Omitted,
        OpportunityStatus::Open => own
            .or_else(|| stage.map(|s| s.forecast_category))
            .unwrap_or(ForecastCategory::Pipeline),
    }
}

str_enum!(
    /// The length of a forecast period.
    Interval {
        /// Calendar months.
        Month = "month",
        /// Calendar quarters (January, April, July, October).
        Quarter = "quarter",
    }
);

impl Interval {
    /// The first day of the period holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        let month = match self {
            Self::Month => day.month(),
            Self::Quarter => (day.month() - 1) / 3 * 3 + 1,
        };
        NaiveDate::from_ymd_opt(day.year(), month, 1).expect("the first of a month exists")
    }

    /// The first day of the next period after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let months = match self {
            Self::Month => 1,
            Self::Quarter => 3,
        };
        start
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The periods covering `first..=last`, each whole: from the period holding `first` to
    /// the one holding `last`.
    pub fn periods(self, first: NaiveDate, last: NaiveDate) -> Vec<Span> {
        let mut out = Vec::new();
        let mut start = self.start_of(first);
        while start <= last {
            let next = self.next(start);
            out.push(Span {
                first_day: start,
                last_day: next.pred_opt().unwrap_or(next),
            });
            if next == NaiveDate::MAX {
                break;
            }
            start = next;
        }
        out
    }

    /// Parses the `interval` parameter (default: month).
    pub fn parse_param(raw: Option<&str>) -> Result<Self, FieldError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Self::Month),
            Some(s) => Self::parse(s).ok_or_else(|| {
                FieldError::new(
                    "interval",
                    "invalid_interval",
                    format!("{s:?} is not an interval: one of {}", Self::expected()),
                )
            }),
        }
    }
}

/// One forecast period: whole days, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First day.
    pub first_day: NaiveDate,
    /// Last day.
    pub last_day: NaiveDate,
}

impl Span {
    /// Whether `day` falls in the span.
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// Where a forecast figure belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// The period at this index of the report's periods.
    Period(usize),
    /// Open, expected before today.
    Overdue,
    /// Open, no expected close date.
    Undated,
}

/// Deals of one slot, group, category and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastCell {
    /// The period (or overdue, undated).
    pub slot: Slot,
    /// The group's value (none: ungrouped or no value).
    pub group: Option<String>,
    /// The category (won deals: closed).
    pub category: ForecastCategory,
    /// ISO code.
    pub currency: String,
    /// Deals.
    pub deals: u64,
    /// Sum of amounts, minor units.
    pub amount_minor: i64,
    /// Sum of amount x probability in percent (won deals: x 100).
    pub weighted_centi_minor: i64,
}

/// One line of a forecast snapshot: sums per owner, month, category and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotLine {
    /// Owner of the deals (none: unowned).
    pub owner_id: Option<UserId>,
    /// The first day of the month: of the expected close (open deals) or of the close (won).
    pub month: NaiveDate,
    /// The category.
    pub category: ForecastCategory,
    /// ISO code.
    pub currency: String,
    /// Deals.
    pub deals: u64,
    /// Sum of amounts, minor units.
    pub amount_minor: i64,
    /// Sum of amount x stage probability (percent), i.e. hundredths of minor units.
    pub weighted_centi_minor: i64,
}

/// A stored forecast snapshot's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Id.
    pub id: uuid::Uuid,
    /// The day it stands for (one snapshot per day).
    pub taken_on: NaiveDate,
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// Who took it (none: the schedule).
    pub taken_by: Option<UserId>,
    /// First month held (the start of the quarter it was taken in).
    pub horizon_from: NaiveDate,
    /// Last day held (open deals expected later are not in it).
    pub horizon_to: NaiveDate,
    /// Deals counted in its lines.
    pub deals: u64,
}

impl Snapshot {
    /// The horizon of a snapshot taken on `day`: won deals from the start of its quarter,
    /// open deals expected up to the end of the fourth quarter after it.
    pub fn horizon(day: NaiveDate) -> (NaiveDate, NaiveDate) {
        let from = Interval::Quarter.start_of(day);
        let to = from
            .checked_add_months(Months::new(15))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        (from, to)
    }
}

/// What a period should bring in: for the company, a team or an owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Id.
    pub id: uuid::Uuid,
    /// Month or quarter.
    pub interval: Interval,
    /// The period's first day (the first of a month or of a quarter).
    pub starts_on: NaiveDate,
    /// For one team (none with no owner: the company).
    pub team_id: Option<TeamId>,
    /// For one owner.
    pub owner_id: Option<UserId>,
    /// The amount.
    pub amount: Money,
    /// When it was set.
    pub set_at: DateTime<Utc>,
    /// Who set it.
    pub set_by: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn quarters_start_in_january_april_july_october() {
        assert_eq!(
            Interval::Quarter.start_of(day("2026-02-28")),
            day("2026-01-01")
        );
        assert_eq!(
            Interval::Quarter.start_of(day("2026-06-30")),
            day("2026-04-01")
        );
        assert_eq!(
            Interval::Quarter.start_of(day("2026-12-01")),
            day("2026-10-01")
        );
        assert_eq!(
            Interval::Month.start_of(day("2026-12-31")),
            day("2026-12-01")
        );
    }

    #[test]
    fn periods_cover_whole_months_and_quarters() {
        let months = Interval::Month.periods(day("2026-01-15"), day("2026-03-02"));
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].first_day, day("2026-01-01"));
        assert_eq!(months[1].last_day, day("2026-02-28"));
        assert_eq!(months[2].last_day, day("2026-03-31"));
        let quarters = Interval::Quarter.periods(day("2026-11-29"), day("2027-01-01"));
        assert_eq!(
            quarters,
            vec![
                Span {
                    first_day: day("2026-10-01"),
                    last_day: day("2026-12-31")
                },
                Span {
                    first_day: day("2027-01-01"),
                    last_day: day("2027-03-31")
                }
            ]
        );
    }

    #[test]
    fn stage_defaults_follow_probability() {
        assert_eq!(
            ForecastCategory::default_for_probability(10),
            ForecastCategory::Pipeline
        );
        assert_eq!(
            ForecastCategory::default_for_probability(40),
            ForecastCategory::BestCase
        );
        assert_eq!(
            ForecastCategory::default_for_probability(80),
            ForecastCategory::Commit
        );
    }

    #[test]
    fn won_and_lost_deals_ignore_the_owners_call() {
        let own = Some(ForecastCategory::Commit);
        assert_eq!(
            effective_category(OpportunityStatus::Won, own, None),
            ForecastCategory::Closed
        );
        assert_eq!(
            effective_category(OpportunityStatus::Lost, own, None),
            ForecastCategory::Omitted
        );
        assert_eq!(
            effective_category(OpportunityStatus::Open, own, None),
            ForecastCategory::Commit
        );
    }

    #[test]
    fn closed_cannot_be_set_by_hand() {
        let e = ForecastCategory::parse_settable("forecast_category", "closed")
            .expect_err("closed comes with winning");
        assert_eq!(e.code, "invalid_forecast_category");
        assert_eq!(
            ForecastCategory::parse_settable("f", " best_case "),
            Ok(ForecastCategory::BestCase)
        );
    }

    #[test]
    fn a_snapshot_holds_its_quarter_and_four_more() {
        let (from, to) = Snapshot::horizon(day("2026-11-29"));
        assert_eq!(from, day("2026-10-01"));
        assert_eq!(to, day("2027-12-31"));
    }
}
