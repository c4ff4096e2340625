//! The report queries (funnel, pipeline, win/loss, sources, activity; rates and costs), written once for both SQL stores: the
//! clause builders are generic over the sqlx database, and `report_queries!` expands the
//! functions that run them in each store crate (like `shared_queries!`). Every report is an
//! aggregate (`group by`) over indexed columns; only durations (two timestamps per record
//! of the period) come back row by row, for medians computed in Rust.
//!
//! Which index serves which query is written in the migration `20261129000017_reports.sql`.

use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::report::{GroupBy, Period, ReportFilter, ReportScope, SizeBands};
use sarnakh_core::policy::Visibility;
use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

/// The column a grouping reads, for lead-based (`deals` false) or deal-based reports.
pub fn group_column(scope: &ReportScope, g: GroupBy, deals: bool) -> String {
    match g {
        GroupBy::Size => size_band(&scope.size_bands),
        other => simple_column(other, deals).to_owned(),
    }
}

/// The band index of a deal's amount (its currency's limits), -1 without a rate. The
/// limits and codes are checked values (integers, ISO codes), written into the SQL.
fn size_band(bands: &SizeBands) -> String {
    let mut sql = String::from("cast(case");
    for (code, limits) in &bands.per_currency {
        if !code.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        sql.push_str(&format!(" when o.currency = '{code}' then case"));
        for (i, l) in limits.iter().enumerate() {
            sql.push_str(&format!(" when o.amount_minor < {l} then {i}"));
        }
        sql.push_str(&format!(" else {} end", limits.len()));
    }
    sql.push_str(" else -1 end as bigint)");
    sql
}

/// A deal report reads its deals' copies of their leads' facts (`o.lead_source`, ...), never
/// the lead.
fn simple_column(g: GroupBy, deals: bool) -> &'static str {
    match g {
        GroupBy::Source if deals => "o.lead_source",
        GroupBy::Campaign if deals => "o.lead_campaign",
        GroupBy::Country if deals => "o.lead_country",
        GroupBy::Source => "l.source",
        GroupBy::Campaign => "l.campaign",
        GroupBy::Country => "l.country",
        GroupBy::Owner if deals => "o.owner_id",
        GroupBy::Owner => "l.owner_id",
        GroupBy::Product => "o.product",
        GroupBy::Size => "null",
    }
}

/// The funnel deal pass's `select <grp>, ` (or nothing): every lead fact from the deal's
/// copies, the owner too (the funnel counts a deal by its lead's owner; migration
/// `20261130000035_deal_lead_owner.sql`).
pub fn funnel_deal_group(scope: &ReportScope) -> String {
    match scope.group_by {
        Some(GroupBy::Owner) => "o.lead_owner_id as grp, ".to_owned(),
        Some(g) => format!("{} as grp, ", group_column(scope, g, true)),
        None => String::new(),
    }
}

/// How the leads created in the period are read per source, owner, campaign or country on
/// SQLite without a sort: each group's days are one range of an index that leads with the
/// group and holds every column a cohort pass reads (`leads_source_created`,
/// `leads_owner_created`, `leads_campaign_created`, `leads_country_created`; migrations
/// `20261130000036_source_cohort.sql` to `20261130000039_country_cohort.sql`), walked in group
/// order, for every filter and caller (90 days of a million leads by source: 76-79 ms against
/// 37-40 ms in `sqlite3`). None for the other groupings, and on PostgreSQL (it groups by
/// hash). Each item is one statement's `from` and its extra condition; the leads without an
/// owner, a campaign or a country are a statement of their own (`in` never matches null).
pub fn leads_by_group_index(scope: &ReportScope, dialect: Dialect) -> Vec<(&'static str, String)> {
    let (from, col, nullable) = match scope.group_by {
        _ if dialect != Dialect::Sqlite => return Vec::new(),
        Some(GroupBy::Source) => ("leads l indexed by leads_source_created", "source", false),
        Some(GroupBy::Owner) => ("leads l indexed by leads_owner_created", "owner_id", true),
        Some(GroupBy::Campaign) => (
            "leads l indexed by leads_campaign_created",
            "campaign",
            true,
        ),
        Some(GroupBy::Country) => ("leads l indexed by leads_country_created", "country", true),
        _ => return Vec::new(),
    };
    let mut reads = vec![(from, format!(" and l.{col} in ({})", every(col)))];
    if nullable {
        reads.push((from, format!(" and l.{col} is null")));
    }
    reads
}

/// Whether the cohort's counts per UTC day (`lead_days`, SQLite; migrations
/// `20261201000041_lead_days.sql`, `20261201000044_kept_counts_by_owner.sql`) answer a cohort
/// read of `scope`'s leads: counts and disqualification reasons only (`lists` false: no
/// durations or waits, which need each lead), a period of whole UTC days, no filter but the
/// source and the owners, grouped by nothing or the source. The counts are kept for the
/// company and per owner and queue, so they answer every caller (`kept_table`).
pub fn lead_days_answer(scope: &ReportScope, dialect: Dialect, lists: bool) -> bool {
    let f = &scope.filter;
    dialect == Dialect::Sqlite
        && !lists
        && whole_days(scope.period.as_ref())
        && f.campaign.is_none()
        && f.country.is_none()
        && matches!(scope.group_by, None | Some(GroupBy::Source))
}

/// Whether the deals' counts per UTC day of closing (`deal_close_days`, SQLite; kept for the
/// company and per owner like `lead_days`) answer a read of `scope`'s closed deals: no filter
/// but the source and the owners, grouped by nothing or the source. The caller checks that its
/// period is whole UTC days.
pub fn deal_days_answer(scope: &ReportScope, dialect: Dialect) -> bool {
    let f = &scope.filter;
    dialect == Dialect::Sqlite
        && f.campaign.is_none()
        && f.country.is_none()
        && f.product.is_none()
        && matches!(scope.group_by, None | Some(GroupBy::Source))
}

/// Whether the open deals' sums (`open_deal_days`, SQLite, kept for the company and per owner;
/// migrations 41 and 44) answer a read of `scope`'s open deals: no filter but the owners,
/// grouped by nothing.
pub fn open_days_answer(scope: &ReportScope, dialect: Dialect) -> bool {
    let others = ReportFilter {
        owners: None,
        ..scope.filter.clone()
    };
    dialect == Dialect::Sqlite && scope.group_by.is_none() && others == ReportFilter::default()
}

/// Every column of `opportunities_open` and `opportunities_open_owner`: all a report of open
/// deals reads (stage, sums, ages, stuck deals, groups and filters).
pub const OPEN_DEAL_COLUMNS: &str = "stage, currency, forecast_category, expected_close_date, \
    owner_id, product, amount_minor, predicted_win_bp, created_at, updated_at, last_activity_at, \
    lead_id, lead_source, lead_campaign, lead_country, id";

/// ` from <open deals> o where 1 = 1`, the caller's `visibility` applied; the report appends
/// its conditions (` and ...`). A caller who sees every deal walks `opportunities_open`; one
/// who sees a few owners' deals (a rep, a team's manager) reads one range of
/// `opportunities_open_owner` per owner and one of the unowned deals (migration
/// `20261201000043_open_deals_by_owner.sql`), not every open deal of the company.
pub fn push_open_deals<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    visibility: &Visibility,
    dialect: Dialect,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    match visibility {
        Visibility::Scoped { owners, .. } if owners.len() <= crate::list_query::MAX_PARTS => {
            let index = dialect.indexed_by("opportunities_open_owner");
            let part = format!(
                "select {OPEN_DEAL_COLUMNS} from opportunities{index} where status = 'open' and owner_id"
            );
            qb.push(" from (");
            for owner in owners {
                qb.push(format!("{part} = ")).push_bind(owner.as_uuid());
                qb.push(" union all ");
            }
            qb.push(format!("{part} is null) o where 1 = 1"));
        }
        _ => {
            let index = dialect.indexed_by("opportunities_open");
            qb.push(format!(
                " from opportunities o{index} where o.status = 'open'"
            ));
            crate::list::push_visibility(qb, visibility, "o.owner_id", None);
        }
    }
}

/// Whether `p` is whole UTC days (every report period is, but a part of one read at once).
pub fn whole_days(p: Option<&Period>) -> bool {
    p.is_some_and(|p| *p == Period::days(p.first_day, p.last_day))
}

/// Every value of the leads' column `col` (not null), each found by one seek of an index
/// that leads with it (the next value after the last one).
fn every(col: &str) -> String {
    format!(
        "with recursive s(v) as (select min({col}) from leads \
         union all select (select min({col}) from leads where {col} > s.v) from s where s.v is not null) \
         select v from s"
    )
}

/// Periods of at least this many days are read in `SLICES` parts at once (each on a
/// connection of its own), and the parts' sums and lists merged: a year's cohort is half a
/// million leads, and a 2-core machine reads two halves in the time of one.
pub const SLICE_FROM_DAYS: i64 = 60;

/// How many parts a long period is read in.
pub const SLICES: i32 = 2;

/// The scope cut into consecutive parts of its period (the whole scope alone when it has no
/// period or one shorter than `SLICE_FROM_DAYS`). The parts cover the period exactly, each
/// instant in one part.
pub fn slices(scope: &ReportScope) -> Vec<ReportScope> {
    let Some(p) = &scope.period else {
        return vec![scope.clone()];
    };
    if p.to - p.from < chrono::Duration::days(SLICE_FROM_DAYS) {
        return vec![scope.clone()];
    }
    let step = (p.to - p.from) / SLICES;
    (0..SLICES)
        .map(|i| {
            let from = p.from + step * i;
            let to = if i + 1 == SLICES { p.to } else { from + step };
            ReportScope {
                period: Some(Period { from, to, ..*p }),
                ..scope.clone()
            }
        })
        .collect()
}

pub use crate::reports_dialect::{Dialect, Elapsed};

/// Runs the futures at once, their results in order (the first error wins).
pub use futures_util::future::try_join_all as all_at_once;

/// Runs two futures at once, both results (the first error wins).
pub use futures_util::future::try_join as both_at_once;

/// Appends ` and col >= from and col < to`.
pub fn push_period<DB: Database>(qb: &mut QueryBuilder<'_, DB>, col: &str, p: &Period)
where
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    qb.push(format!(" and {col} >= ")).push_bind(p.from);
    qb.push(format!(" and {col} < ")).push_bind(p.to);
}

/// Appends ` and col between first and last` for a date column.
pub fn push_days<DB: Database>(qb: &mut QueryBuilder<'_, DB>, col: &str, p: &Period)
where
    for<'q> NaiveDate: Encode<'q, DB> + Type<DB>,
{
    qb.push(format!(" and {col} >= ")).push_bind(p.first_day);
    qb.push(format!(" and {col} <= ")).push_bind(p.last_day);
}

/// The table of kept counts (`lead_days`, `deal_close_days`, `deal_cohort_days`,
/// `open_deal_days`) that a read of `scope` sums for a caller with `visibility`: the company's
/// for a caller who sees every record and filters no owner, else the same counts kept per
/// owner (`<table>_by_owner`; migration `20261201000044_kept_counts_by_owner.sql`), of which
/// the caller reads a few ranges (`push_kept_owners`).
pub fn kept_table(table: &str, scope: &ReportScope, visibility: &Visibility) -> String {
    if by_owner(scope, visibility) {
        format!("{table}_by_owner")
    } else {
        table.to_owned()
    }
}

/// Whether a read of kept counts for `scope` and `visibility` sums the counts kept per owner.
fn by_owner(scope: &ReportScope, visibility: &Visibility) -> bool {
    *visibility != Visibility::All || scope.filter.owners.is_some()
}

/// Appends the conditions of a read of counts kept per day (table alias `t`, columns `source`
/// and `day`): the owners the caller sees (`push_kept_owners`), the scope's source and days.
/// The other filters are never set when such a read answers (`lead_days_answer`,
/// `deal_days_answer`).
pub fn push_kept_conditions<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    scope: &ReportScope,
    t: &str,
    visibility: &Visibility,
    queue: bool,
) where
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    push_kept_owners(qb, scope, t, visibility, queue);
    if let Some(source) = &scope.filter.source {
        qb.push(format!(" and {t}.source = "))
            .push_bind(source.clone());
    }
    if let Some(p) = &scope.period {
        push_days(qb, &format!("{t}.day"), p);
    }
}

/// Appends, in a table kept per owner (see `kept_table`), the owners the scope filters and
/// the caller's `visibility` lets them see, as ranges of its key (`owner_key` and, with
/// `queue`, `queue_key`: the owners seen and the unowned records of the caller's queues or
/// none); nothing in the company's table. An owned record's queue is nil, so the two lists
/// select exactly the visible records.
pub fn push_kept_owners<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    scope: &ReportScope,
    t: &str,
    visibility: &Visibility,
    queue: bool,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    let filter = scope.filter.owners.as_deref();
    if by_owner(scope, visibility) {
        let (owners, queues) = match visibility {
            Visibility::Scoped { owners, queues } => (owners.as_slice(), queues.as_slice()),
            Visibility::All => (filter.unwrap_or_default(), &[][..]),
        };
        // Unowned records count unless the scope filters owners.
        let unowned = filter.is_none();
        let owner_keys = owners
            .iter()
            .filter(|o| filter.is_none_or(|f| f.contains(o)))
            .map(|o| Some(o.as_uuid()))
            .chain(unowned.then_some(None));
        push_keys(qb, &format!("{t}.owner_key"), owner_keys);
        if queue {
            let queued = queues.iter().filter(|_| unowned).map(|q| Some(q.as_uuid()));
            push_keys(
                qb,
                &format!("{t}.queue_key"),
                [None].into_iter().chain(queued),
            );
        }
    }
}

/// ` and <col> in (...)` over kept keys: each id bound, none as the nil id (sixteen zero bytes;
/// the tables of kept counts exist on SQLite only); `null` (nothing) when there are none.
fn push_keys<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    col: &str,
    keys: impl Iterator<Item = Option<Uuid>>,
) where
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    qb.push(format!(" and {col} in ("));
    let mut any = false;
    for key in keys {
        if any {
            qb.push(", ");
        }
        match key {
            Some(id) => qb.push_bind(id),
            None => qb.push("zeroblob(16)"),
        };
        any = true;
    }
    qb.push(if any { ")" } else { "null)" });
}

/// Appends the record filters: owners on `owner_col`; source, campaign and country on the
/// lead `l`, or for deal reports on the deal's copies of them (`o.lead_source`, ...); product
/// on the deal `o` (deal reports only).
pub fn push_filter<DB: Database>(
    qb: &mut QueryBuilder<'_, DB>,
    f: &ReportFilter,
    owner_col: &str,
    deals: bool,
) where
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
{
    if let Some(owners) = &f.owners {
        qb.push(format!(" and {owner_col} in ("));
        let mut list = qb.separated(", ");
        for o in owners {
            list.push_bind(o.as_uuid());
        }
        if owners.is_empty() {
            list.push("null");
        }
        qb.push(")");
    }
    for (g, value) in [
        (GroupBy::Source, &f.source),
        (GroupBy::Campaign, &f.campaign),
        (GroupBy::Country, &f.country),
    ] {
        let col = simple_column(g, deals);
        if let Some(v) = value {
            qb.push(format!(" and {col} = ")).push_bind(v.clone());
        }
    }
    if let (true, Some(p)) = (deals, &f.product) {
        qb.push(" and o.product = ").push_bind(p.clone());
    }
}

/// `select <grp>, ` or nothing, and the matching `group by` tail.
pub fn group_parts(scope: &ReportScope, deals: bool) -> (String, &'static str) {
    match scope.group_by {
        Some(g) => (format!("{} as grp, ", group_column(scope, g, deals)), "grp"),
        None => (String::new(), ""),
    }
}

/// For a query that sums in an inner select `g` and reads it from an outer one (to apply a
/// stage's figures once per group): the outer select item (`g.grp as grp, ` or nothing) and
/// the inner `group by` head (`grp, ` or nothing).
pub fn outer_group_parts(scope: &ReportScope) -> (&'static str, &'static str) {
    match scope.group_by {
        Some(_) => ("g.grp as grp, ", "grp, "),
        None => ("", ""),
    }
}

/// The values of a `text_list` (none for null).
pub fn parse_text_list(list: Option<&str>) -> impl Iterator<Item = &str> {
    list.into_iter().flat_map(|text| text.split('\u{1f}'))
}

/// An RFC 3339 instant of a `text_list` (see [`Dialect::rfc3339`]).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

/// The integers of an `int_list` (none for null).
pub fn parse_int_list(list: Option<&str>) -> Result<Vec<i64>, std::num::ParseIntError> {
    match list {
        None | Some("") => Ok(Vec::new()),
        Some(text) => text.split(',').map(str::parse).collect(),
    }
}

/// Expands the report query functions as `impl $store` in the calling store crate.
#[macro_export]
macro_rules! report_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod reports {
            //! Report queries of this store, expanded from `sarnakh_store_sql::report_queries!`.

            use super::{backend, $store};
            use sarnakh_core::domain::report::{GroupBy, ReportScope};
            use sarnakh_core::store::StoreError;
            use sqlx::{QueryBuilder, Row};
            use uuid::Uuid;
            use $crate::list::push_visibility;
            use $crate::reports::{group_parts, push_filter, push_period};

            type Rows = Vec<<sqlx::$db as sqlx::Database>::Row>;

            /// This store's spelling of the dialect-specific report SQL.
            pub(crate) const DIALECT: $crate::reports::Dialect = $crate::reports::Dialect::$db;

            /// `select` item: the whole seconds from `start` to `end` of every row, as one
            /// list (`d`); durations are read in one value, not one row each.
            pub(crate) fn durations_of(start: &str, end: &str) -> String {
                format!("{} as d", DIALECT.int_list(&DIALECT.seconds(start, end)))
            }

            /// The integers of a `durations_of` list.
            pub(crate) fn int_list(list: Option<&str>) -> Result<Vec<i64>, StoreError> {
                $crate::reports::parse_int_list(list)
                    .map_err(|e| backend(sqlx::Error::Decode(Box::new(e))))
            }

            /// The group value of a row: owners as their id, other groupings as text.
            pub(crate) fn group_of(
                row: &<sqlx::$db as sqlx::Database>::Row,
                g: Option<GroupBy>,
            ) -> Result<Option<String>, StoreError> {
                Ok(match g {
                    None => None,
                    Some(GroupBy::Owner) => row
                        .try_get::<Option<Uuid>, _>("grp")
                        .map_err(backend)?
                        .map(|u| u.to_string()),
                    Some(GroupBy::Size) => row
                        .try_get::<Option<i64>, _>("grp")
                        .map_err(backend)?
                        .filter(|b| *b >= 0)
                        .map(|b| b.to_string()),
                    Some(_) => row.try_get("grp").map_err(backend)?,
                })
            }

            /// Reads a count or sum column as u64 (never negative).
            pub(crate) fn count(
                row: &<sqlx::$db as sqlx::Database>::Row,
                col: &str,
            ) -> Result<u64, StoreError> {
                let n: i64 = row.try_get(col).map_err(backend)?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            impl $store {
                /// Starts `select [grp, ]<what> from leads l where 1 = 1` with the lead
                /// filters and the lead visibility.
                pub(crate) fn lead_query(
                    scope: &ReportScope,
                    what: &str,
                    from: &str,
                ) -> QueryBuilder<'static, sqlx::$db> {
                    let (grp, _) = group_parts(scope, false);
                    let mut qb =
                        QueryBuilder::new(format!("select {grp}{what} from {from} where 1 = 1"));
                    Self::lead_conditions(&mut qb, scope);
                    qb
                }

                /// Appends the lead filters and the lead visibility.
                pub(crate) fn lead_conditions(
                    qb: &mut QueryBuilder<'static, sqlx::$db>,
                    scope: &ReportScope,
                ) {
                    push_filter(qb, &scope.filter, "l.owner_id", false);
                    push_visibility(qb, &scope.lead_visibility, "l.owner_id", Some("l.team_id"));
                }

                /// Starts `select [grp, ]<what> from opportunities o where <cond>` with the deal
                /// filters and the deal visibility.
                pub(crate) fn deal_query(
                    scope: &ReportScope,
                    what: &str,
                    cond: &str,
                ) -> QueryBuilder<'static, sqlx::$db> {
                    let (grp, _) = group_parts(scope, true);
                    let mut qb = QueryBuilder::new(format!(
                        "select {grp}{what} from opportunities o where {cond}"
                    ));
                    push_filter(&mut qb, &scope.filter, "o.owner_id", true);
                    push_visibility(&mut qb, &scope.deal_visibility, "o.owner_id", None);
                    qb
                }

                /// Appends `group by grp[, extra]` (or `group by extra`) and runs the query.
                pub(crate) async fn grouped(
                    &self,
                    mut qb: QueryBuilder<'static, sqlx::$db>,
                    scope: &ReportScope,
                    extra: &str,
                ) -> Result<Rows, StoreError> {
                    let (_, grp) = group_parts(scope, false);
                    let cols: Vec<&str> =
                        [grp, extra].into_iter().filter(|c| !c.is_empty()).collect();
                    if !cols.is_empty() {
                        qb.push(format!(" group by {}", cols.join(", ")));
                    }
                    qb.build().fetch_all(&self.$read).await.map_err(backend)
                }

                /// Runs an ungrouped query selecting one `durations_of` list, as seconds.
                pub(crate) async fn durations(
                    &self,
                    mut qb: QueryBuilder<'static, sqlx::$db>,
                ) -> Result<Vec<i64>, StoreError> {
                    let list: Option<String> = qb
                        .build_query_scalar()
                        .fetch_one(&self.$read)
                        .await
                        .map_err(backend)?;
                    int_list(list.as_deref())
                }

                /// Adds the period condition on `col` when the scope has a period.
                pub(crate) fn in_period(
                    qb: &mut QueryBuilder<'static, sqlx::$db>,
                    scope: &ReportScope,
                    col: &str,
                ) {
                    if let Some(p) = &scope.period {
                        push_period(qb, col, p);
                    }
                }
            }

            $crate::report_funnel_queries!($store, $db, $read);
            $crate::report_deal_queries!($store, $db, $read);
            $crate::report_people_queries!($store, $db, $read);
            $crate::report_money_queries!($store, $db, $read, $write);
            $crate::forecast_queries!($store, $db, $read, $write);
        }
    };
}
