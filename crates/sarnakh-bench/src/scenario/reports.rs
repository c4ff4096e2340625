//! Scenario 5, reports: each report over HTTP (funnel in both modes and grouped, pipeline
//! whole and by owner and source, win/loss by product and by source, sources by campaign,
//! activity, forecast, forecast accuracy), one client, a year or a month of data.
//!
//! Limit: a raw `select <column>, count(*) ... group by <column>` over the same rows (the
//! leads created in the same period, the open or closed deals (joined to their leads when
//! grouped by a lead column), or for the activity report the period's activities), the cheapest aggregate a report on those rows could run.

use super::{CaseResult, Ctx, RatioBasis};
use crate::db::{Stmt, Value};
use crate::measure::{Pace, drive};
use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use std::sync::Arc;

/// One report request and its raw limit.
struct ReportCase {
    name: &'static str,
    path: String,
    limit: Stmt,
}

fn cases() -> Vec<ReportCase> {
    let today = Utc::now().date_naive();
    let (year, month) = (today - Duration::days(364), today - Duration::days(29));
    let midnight = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    let (end, tomorrow) = (today.to_string(), midnight(today) + Duration::days(1));
    let leads_since = |since: chrono::NaiveDate| {
        Stmt::new(
            "select source, count(*) from leads where created_at >= $1 and created_at < $2 group by source",
            vec![Value::Time(midnight(since)), Value::Time(tomorrow)],
        )
    };
    let open = || {
        Stmt::new(
            "select stage, count(*) from opportunities where status = 'open' group by stage",
            vec![],
        )
    };
    let closed = Stmt::new(
        "select product, count(*) from opportunities where status in ('won', 'lost') and closed_at >= $1 and closed_at < $2 group by product",
        vec![Value::Time(midnight(year)), Value::Time(tomorrow)],
    );
    // The same deals' leads, for a deal report grouped by a lead column.
    let open_by_source = Stmt::new(
        "select l.source, count(*) from opportunities o join leads l on l.id = o.lead_id where o.status = 'open' group by l.source",
        vec![],
    );
    let closed_by_source = Stmt::new(
        "select l.source, count(*) from opportunities o join leads l on l.id = o.lead_id where o.status in ('won', 'lost') and o.closed_at >= $1 and o.closed_at < $2 group by l.source",
        vec![Value::Time(midnight(year)), Value::Time(tomorrow)],
    );
    let q = |report: &str, from: chrono::NaiveDate, extra: &str| {
        format!("/api/v1/reports/{report}?from={from}&to={end}{extra}")
    };
    vec![
        ReportCase {
            name: "funnel, cohort, 30 days",
            path: q("funnel", month, ""),
            limit: leads_since(month),
        },
        ReportCase {
            name: "funnel, cohort, 1 year",
            path: q("funnel", year, ""),
            limit: leads_since(year),
        },
        ReportCase {
            name: "funnel, activity, 1 year, by source",
            path: q("funnel", year, "&mode=activity&group_by=source"),
            limit: leads_since(year),
        },
        ReportCase {
            name: "pipeline, open deals",
            path: "/api/v1/reports/pipeline".into(),
            limit: open(),
        },
        ReportCase {
            name: "pipeline, by owner",
            path: "/api/v1/reports/pipeline?group_by=owner".into(),
            limit: open(),
        },
        ReportCase {
            name: "pipeline, by source",
            path: "/api/v1/reports/pipeline?group_by=source".into(),
            limit: open_by_source,
        },
        ReportCase {
            name: "win-loss, 1 year, by product",
            path: q("win-loss", year, "&group_by=product"),
            limit: closed.clone(),
        },
        ReportCase {
            name: "win-loss, 1 year, by source",
            path: q("win-loss", year, "&group_by=source"),
            limit: closed_by_source,
        },
        ReportCase {
            name: "forecast, 6 months",
            path: "/api/v1/reports/forecast".into(),
            limit: open(),
        },
        ReportCase {
            name: "forecast, 4 quarters, by owner",
            path: "/api/v1/reports/forecast?interval=quarter&group_by=owner".into(),
            limit: open(),
        },
        ReportCase {
            name: "forecast accuracy, 6 months, by owner",
            path: "/api/v1/reports/forecast-accuracy?group_by=owner".into(),
            limit: closed,
        },
        ReportCase {
            name: "sources, 1 year, by campaign",
            path: q("sources", year, "&group_by=campaign"),
            limit: leads_since(year),
        },
        ReportCase {
            name: "activity, 30 days",
            path: q("activity", month, ""),
            // Its biggest read: the month's activities per rep and kind (at 1M leads about
            // 280,000 rows, against 41,000 leads created in the month).
            limit: Stmt::new(
                "select owner_id, kind, count(*) from activities where occurred_at >= $1 and occurred_at < $2 group by owner_id, kind",
                vec![Value::Time(midnight(month)), Value::Time(tomorrow)],
            ),
        },
    ]
}

/// Every report case's request path, for the server probe.
pub fn paths() -> Vec<String> {
    cases().into_iter().map(|c| c.path).collect()
}

/// Runs every report case over HTTP and its raw limit, one client each.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let raw = ctx.target.raw_reader().await?;
    let api = ctx.api(1)?;
    let per_case = ctx.opts.requests.div_ceil(40).max(5);
    let mut out = Vec::new();
    for case in cases() {
        let first = api.get_json(&case.path).await.with_context(|| case.name)?;
        anyhow::ensure!(first.is_object(), "{}: not a report: {first}", case.name);
        let path: Arc<str> = case.path.as_str().into();
        let app = {
            let api = api.clone();
            drive(1, per_case, ctx.budget(), Pace::Closed, move |_| {
                let (api, path) = (api.clone(), path.clone());
                async move { api.get_bytes(&path).await.map(|_| ()) }
            })
            .await
        };
        let stmt = Arc::new(case.limit);
        let limit = {
            let raw = raw.clone();
            drive(1, per_case, ctx.budget(), Pace::Closed, move |_| {
                let (raw, stmt) = (raw.clone(), stmt.clone());
                async move { raw.fetch_count(&stmt).await.map(|_| ()) }
            })
            .await
        };
        out.push(CaseResult::new(
            "reports",
            case.name.into(),
            1,
            app,
            Some(limit),
            RatioBasis::P50,
        ));
    }
    raw.close().await;
    Ok(out)
}
