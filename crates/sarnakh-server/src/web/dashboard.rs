//! The dashboard: the funnel of the last 90 days (or the period asked for) as an SVG bar
//! chart with the conversion rate between stages, why leads were disqualified and deals
//! lost, the open pipeline by stage with counts and stuck deals (`pipeline_stage_counts`), and (from
//! `dashboard_forecast`) the forecast against its targets, forecast accuracy and source
//! effectiveness. The figures are the
//! reports' own (the same services as `GET /api/v1/reports/...`; the funnel and the sources
//! come from one read of the period's cohort, `cohort_summary`), so they respect what the
//! user may see. Charts are SVG drawn by the server; bars grow from the inline start, so
//! they read in both directions.

use super::dashboard_forecast::{MoneyParts, SourceLine, money_parts, source_lines};
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::report_figures::StageCount;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

/// One bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: String,
    /// Width in percent of the widest bar (at least 1 when the value is not 0).
    pub width: u64,
    /// Vertical position in the SVG.
    pub y: u64,
    /// The note after it (a conversion rate, a stuck count).
    pub note: String,
}

fn bars(items: Vec<(String, u64, String)>, tr: Tr) -> Vec<Bar> {
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (label, n, note))| Bar {
            label,
            value: tr.num(i64::try_from(n).unwrap_or(i64::MAX)),
            width: if n == 0 { 0 } else { (n * 100 / max).max(1) },
            y: i as u64 * 36,
            note,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    frame: Frame,
    from: String,
    to: String,
    funnel: Vec<Bar>,
    funnel_height: u64,
    disqualified: Vec<(String, String)>,
    lost: Vec<(String, String)>,
    pipeline: Vec<Bar>,
    pipeline_height: u64,
    /// The period's lead sources (from the cohort summary).
    sources: Vec<SourceLine>,
    money: MoneyParts,
}

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

fn percent(tr: Tr, rate: Option<f64>) -> String {
    rate.map(|r| tr.t1("dashboard-rate", "rate", tr.num((r * 100.0).round() as i64)))
        .unwrap_or_default()
}

async fn dashboard(
    State(app): State<AppState>,
    user: WebUser,
    Query(p): Query<Period>,
) -> Response {
    let tr = user.tr;
    let today = chrono::Utc::now().date_naive();
    let from = p
        .from
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| (today - chrono::Duration::days(90)).to_string());
    let to =
        p.to.filter(|t| !t.is_empty())
            .unwrap_or_else(|| today.to_string());
    let q = ReportQuery {
        from: Some(from.clone()),
        to: Some(to.clone()),
        ..ReportQuery::default()
    };
    let s = &app.services;
    // The reports read on separate connections at once (SQLite's readers and PostgreSQL's
    // pool both serve them in parallel).
    let everything = ReportQuery::default();
    let loaded = tokio::try_join!(
        s.cohort_summary(&user.actor, &q),
        s.pipeline_stage_counts(&user.actor, &everything),
        money_parts(s, &user.actor, &q, tr),
    );
    let (funnel, pipeline, money) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let t = &funnel.total;
    let rates = t.rates();
    let funnel_bars = bars(
        vec![
            (tr.t("stage-lead"), t.leads, String::new()),
            (tr.t("stage-prospect"), t.prospects, percent(tr, rates[0])),
            (
                tr.t("dashboard-opportunity"),
                t.opportunities,
                percent(tr, rates[1]),
            ),
            (tr.t("dashboard-won"), t.won, percent(tr, rates[2])),
        ],
        tr,
    );
    let stage_bars = bars(
        pipeline
            .into_iter()
            .map(|(stage, StageCount { count, stuck, .. })| {
                let note = if stuck > 0 {
                    tr.t1(
                        "dashboard-stuck",
                        "n",
                        tr.num(i64::try_from(stuck).unwrap_or(0)),
                    )
                } else {
                    String::new()
                };
                (stage.name, count, note)
            })
            .collect(),
        tr,
    );
    let reasons = |list: &[sarnakh_core::domain::report_figures::ReasonCount], prefix: &str| {
        list.iter()
            .map(|r| {
                (
                    tr.t(&format!("{prefix}-{}", r.reason)),
                    tr.num(i64::try_from(r.count).unwrap_or(0)),
                )
            })
            .collect()
    };
    let page = Dashboard {
        frame: Frame::of(&user, "dashboard"),
        funnel_height: funnel_bars.len() as u64 * 36,
        pipeline_height: stage_bars.len() as u64 * 36,
        funnel: funnel_bars,
        pipeline: stage_bars,
        disqualified: reasons(&funnel.disqualify_reasons, "reason"),
        lost: reasons(&funnel.loss_reasons, "loss"),
        sources: source_lines(tr, &funnel),
        money,
        from,
        to,
    };
    Page(StatusCode::OK, page).into_response()
}
