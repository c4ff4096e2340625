//! `/api/v1/reports/{funnel,pipeline,win-loss,sources,activity}`: the insight reports over
//! a period, filters and a grouping, restricted to what the caller may see. Handlers only
//! parse the query, call the report's service function and map the result to its wire type.
//! Rates and campaign costs, which the reports use, are in `settings`.

pub mod forecast;
pub mod settings;
pub mod wire;
pub mod wire_forecast;
pub mod wire_people;

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::ApiQuery;
use axum::extract::State;
use sarnakh_core::domain::report::ReportQuery;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::{FunnelJson, PipelineJson, WinLossJson};
use wire_people::{ActivityReportJson, SourcesJson};

/// Parameters every report takes (each report documents which apply).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First day, `YYYY-MM-DD` (default: 29 days before `to`).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive (default: today).
    pub to: Option<String>,
    /// Only records of this owner (user id).
    pub owner: Option<String>,
    /// Only records owned by this team's members (team id).
    pub team: Option<String>,
    /// Only leads of this source.
    pub source: Option<String>,
    /// Only leads of this campaign.
    pub campaign: Option<String>,
    /// Only deals of this product (deal reports).
    pub product: Option<String>,
    /// Only leads of this country (ISO code).
    pub country: Option<String>,
    /// `source`, `campaign`, `owner`, `country`, or (deal reports) `product`.
    pub group_by: Option<String>,
    /// Funnel: `cohort` (default) or `activity`.
    pub mode: Option<String>,
    /// Pipeline: days without activity or change that make a deal stuck (default 14).
    pub stuck_days: Option<String>,
    /// Reporting currency of the converted totals (default: the base of the exchange rates).
    pub currency: Option<String>,
    /// Forecast and forecast accuracy: `month` (default) or `quarter`.
    pub interval: Option<String>,
}

impl From<ReportParams> for ReportQuery {
    fn from(p: ReportParams) -> Self {
        Self {
            from: p.from,
            to: p.to,
            owner: p.owner,
            team: p.team,
            source: p.source,
            campaign: p.campaign,
            product: p.product,
            country: p.country,
            group_by: p.group_by,
            mode: p.mode,
            stuck_days: p.stuck_days,
            currency: p.currency,
            interval: p.interval,
        }
    }
}

/// The report routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(funnel_report))
        .routes(routes!(pipeline_report))
        .routes(routes!(win_loss_report))
        .routes(routes!(sources_report))
        .routes(routes!(activity_report))
        .merge(settings::router())
        .merge(forecast::router())
}

/// The funnel: leads entering each stage, conversion between stages, disqualification and
/// loss reasons, median time in each stage; by cohort or by activity in the period.
#[utoipa::path(get, path = "/api/v1/reports/funnel", tag = "reports", params(ReportParams),
    responses((status = 200, body = FunnelJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn funnel_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<FunnelJson>> {
    let report = app.services.funnel_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}

/// Open deals by stage: count, total and stage-weighted amount per currency, ageing and
/// stuck deals (`from`/`to` filter the expected close date).
#[utoipa::path(get, path = "/api/v1/reports/pipeline", tag = "reports", params(ReportParams),
    responses((status = 200, body = PipelineJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pipeline_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<PipelineJson>> {
    let report = app.services.pipeline_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}

/// Deals closed in the period: win rate per group, won amounts and average deal per
/// currency, loss reasons, sales cycle quartiles.
#[utoipa::path(get, path = "/api/v1/reports/win-loss", tag = "reports", params(ReportParams),
    responses((status = 200, body = WinLossJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn win_loss_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<WinLossJson>> {
    let report = app.services.win_loss_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}

/// Per source or campaign: the period's leads and how far they got, won revenue, first
/// contact, and campaign cost per lead, per won deal and ROI.
#[utoipa::path(get, path = "/api/v1/reports/sources", tag = "reports", params(ReportParams),
    responses((status = 200, body = SourcesJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn sources_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<SourcesJson>> {
    let report = app.services.sources_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}

/// Per rep: activities by kind, time to first contact and speed-to-lead misses of the
/// period's leads, overdue follow-ups now (owner and team filters only).
#[utoipa::path(get, path = "/api/v1/reports/activity", tag = "reports", params(ReportParams),
    responses((status = 200, body = ActivityReportJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn activity_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<ActivityReportJson>> {
    let report = app.services.activity_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}
