//! Report parameters: the period, the filters and the grouping every report takes, parsed
//! from the raw strings a front door received into checked values (bad input is a list of
//! field errors). The store receives the checked [`ReportScope`]; no IO here.

use super::ids::UserId;
use crate::error::{Errors, FieldError};
use crate::policy::Visibility;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

super::lifecycle::str_enum!(
    /// A dimension a report's rows may be split by.
    GroupBy {
        /// The lead's source (web form, webinar, referral ...).
        Source = "source",
        /// The lead's campaign.
        Campaign = "campaign",
        /// The record's owner.
        Owner = "owner",
        /// The lead's country.
        Country = "country",
        /// The deal's product (deal reports only).
        Product = "product",
        /// The deal's size band in the reporting currency (win/loss only).
        Size = "size",
    }
);

/// Deal size bands: the band limits in the reporting currency (major units, ascending),
/// and per deal currency the same limits in that currency's minor units. A deal whose
/// currency has no rate falls in no band.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SizeBands {
    /// Limits in the reporting currency's major units.
    pub limits: Vec<i64>,
    /// Per ISO code: the limits in its minor units.
    pub per_currency: Vec<(String, Vec<i64>)>,
}

impl SizeBands {
    /// The label of band `i` (`0-1000`, ..., `100000+`) in the reporting currency.
    pub fn label(&self, i: usize) -> String {
        let low = if i == 0 { 0 } else { self.limits[i - 1] };
        match self.limits.get(i) {
            Some(high) => format!("{low}-{high}"),
            None => format!("{low}+"),
        }
    }
}

super::lifecycle::str_enum!(
    /// How the funnel counts: one cohort followed through, or all movement in the period.
    FunnelMode {
        /// Leads created in the period, and how far each of them got (so far).
        Cohort = "cohort",
        /// Entries into each stage that happened in the period, whenever the lead was created.
        Activity = "activity",
    }
);

/// Raw report parameters as a front door received them (query string, CLI flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// Only records of this owner (a user id).
    pub owner: Option<String>,
    /// Only records owned by members of this team (a team id).
    pub team: Option<String>,
    /// Only leads of this source.
    pub source: Option<String>,
    /// Only leads of this campaign.
    pub campaign: Option<String>,
    /// Only deals of this product.
    pub product: Option<String>,
    /// Only leads of this country.
    pub country: Option<String>,
    /// Split rows by this dimension.
    pub group_by: Option<String>,
    /// Funnel: `cohort` (default) or `activity`.
    pub mode: Option<String>,
    /// Pipeline: days without activity or change that make an open deal stuck (default 14).
    pub stuck_days: Option<String>,
    /// Reporting currency for converted totals (default: the base of the exchange rates).
    pub currency: Option<String>,
    /// Forecast: `month` (default) or `quarter`.
    pub interval: Option<String>,
}

/// A half-open period `[from, to)` in UTC, with the days it was asked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First instant included.
    pub from: DateTime<Utc>,
    /// First instant excluded (midnight after the last day).
    pub to: DateTime<Utc>,
    /// First day asked.
    pub first_day: NaiveDate,
    /// Last day asked.
    pub last_day: NaiveDate,
}

impl Period {
    /// The days `first..=last`, from midnight UTC to the midnight after `last`.
    pub fn days(first_day: NaiveDate, last_day: NaiveDate) -> Self {
        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
        Self {
            from: midnight(first_day),
            to: midnight(last_day) + Duration::days(1),
            first_day,
            last_day,
        }
    }
}

/// Record filters of a report, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// Only records owned by one of these users (an owner filter, or a team's members).
    pub owners: Option<Vec<UserId>>,
    /// Only leads of this source.
    pub source: Option<String>,
    /// Only leads of this campaign.
    pub campaign: Option<String>,
    /// Only deals of this product.
    pub product: Option<String>,
    /// Only leads of this country (ISO code as stored).
    pub country: Option<String>,
}

/// What a report reads: period, filters, grouping and the rows the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    /// The period (none: no time limit, pipeline only).
    pub period: Option<Period>,
    /// Record filters.
    pub filter: ReportFilter,
    /// Split rows by this.
    pub group_by: Option<GroupBy>,
    /// Leads the caller may see.
    pub lead_visibility: Visibility,
    /// Deals the caller may see.
    pub deal_visibility: Visibility,
    /// The deal size bands, when grouped by size.
    pub size_bands: SizeBands,
}

/// The period of a query: both days given, or the 30 days up to `today` when both are
/// missing; `from` after `to` is refused. `required` false lets both be missing (no period).
pub fn parse_period(
    q: &ReportQuery,
    today: NaiveDate,
    required: bool,
) -> Result<Option<Period>, Vec<FieldError>> {
    let mut e = Errors::new();
    let from = e.take("from", parse_day("from", q.from.as_deref()));
    let to = e.take("to", parse_day("to", q.to.as_deref()));
    e.finish().map_err(errors_of)?;
    let (from, to) = (from.flatten(), to.flatten());
    let (first, last) = match (from, to) {
        (None, None) if !required => return Ok(None),
        (None, None) => (today - Duration::days(29), today),
        (Some(f), None) => (f, today.max(f)),
        (None, Some(t)) => (t - Duration::days(29), t),
        (Some(f), Some(t)) => (f, t),
    };
    if first > last {
        return Err(vec![FieldError::new(
            "to",
            "before_from",
            format!("the period ends ({last}) before it starts ({first})"),
        )]);
    }
    Ok(Some(Period::days(first, last)))
}

/// Parses an optional day parameter (years 1900-9999); the error's field is left empty
/// for [`Errors::take`] to fill.
pub fn parse_day(field: &str, raw: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=9999).contains(&d.year()))
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(
                    "",
                    "invalid_date",
                    format!("{field}: {s:?} is not a date YYYY-MM-DD from 1900 to 9999"),
                )
            }),
    }
}

/// Parses `group_by` against the dimensions a report allows.
pub fn parse_group_by(
    raw: Option<&str>,
    allowed: &[GroupBy],
) -> Result<Option<GroupBy>, FieldError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let names = || {
        allowed
            .iter()
            .map(GroupBy::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match GroupBy::parse(s) {
        Some(g) if allowed.contains(&g) => Ok(Some(g)),
        _ => Err(FieldError::new(
            "group_by",
            "invalid_group_by",
            format!(
                "{s:?} is not a grouping of this report; use one of: {}",
                names()
            ),
        )),
    }
}

/// Parses the funnel mode (default cohort).
pub fn parse_mode(raw: Option<&str>) -> Result<FunnelMode, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(FunnelMode::Cohort),
        Some(s) => FunnelMode::parse(s).ok_or_else(|| {
            FieldError::new(
                "mode",
                "invalid_mode",
                format!("{s:?} is not a funnel mode; use {}", FunnelMode::expected()),
            )
        }),
    }
}

/// Parses `stuck_days` (1 to 3650, default 14).
pub fn parse_stuck_days(raw: Option<&str>) -> Result<u32, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(14),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=3650).contains(n))
            .ok_or_else(|| {
                FieldError::new(
                    "stuck_days",
                    "invalid_number",
                    format!("{s:?} is not a whole number of days from 1 to 3650"),
                )
            }),
    }
}

fn errors_of(e: crate::error::Error) -> Vec<FieldError> {
    match e {
        crate::error::Error::Validation(list) => list,
        other => vec![FieldError::new("", "invalid", other.to_string())],
    }
}

/// A trimmed, non-empty text filter.
pub fn text_filter(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn periods_default_to_thirty_days_and_refuse_an_end_before_the_start() {
        let today = day("2026-03-31");
        let p = parse_period(&ReportQuery::default(), today, true)
            .expect("default")
            .expect("a period");
        assert_eq!((p.first_day, p.last_day), (day("2026-03-02"), today));
        assert_eq!(p.to - p.from, Duration::days(30));
        assert_eq!(
            parse_period(&ReportQuery::default(), today, false),
            Ok(None)
        );
        let backwards = ReportQuery {
            from: Some("2026-03-10".into()),
            to: Some("2026-03-01".into()),
            ..ReportQuery::default()
        };
        let err = parse_period(&backwards, today, true).expect_err("refused");
        assert_eq!(err[0].field, "to");
        let far = ReportQuery {
            to: Some("262143-12-31".into()),
            ..ReportQuery::default()
        };
        assert_eq!(
            parse_period(&far, today, true).expect_err("far")[0].field,
            "to"
        );
        let bad = ReportQuery {
            from: Some("March".into()),
            ..ReportQuery::default()
        };
        assert_eq!(
            parse_period(&bad, today, true).expect_err("bad")[0].field,
            "from"
        );
    }

    #[test]
    fn group_by_must_be_one_the_report_allows() {
        let allowed = [GroupBy::Source, GroupBy::Owner];
        assert_eq!(
            parse_group_by(Some("owner"), &allowed),
            Ok(Some(GroupBy::Owner))
        );
        assert_eq!(parse_group_by(None, &allowed), Ok(None));
        assert!(parse_group_by(Some("product"), &allowed).is_err());
        assert!(parse_group_by(Some("colour"), &allowed).is_err());
        assert!(parse_stuck_days(Some("0")).is_err());
        assert_eq!(parse_stuck_days(None), Ok(14));
        assert!(parse_mode(Some("both")).is_err());
    }
}
