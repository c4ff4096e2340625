//! `/api/v1/reports/forecast` and `/api/v1/reports/forecast-accuracy`, the stored forecast
//! snapshots (`/api/v1/forecast/snapshots`) and the targets
//! (`/api/v1/settings/forecast-targets`).

use super::super::AppState;
use super::super::auth::Authenticated;
use super::super::error::{ApiResult, Problem};
use super::super::extract::{ApiJson, ApiQuery, parse_id};
use super::ReportParams;
use super::wire_forecast::{
    AccuracyJson, ForecastJson, SnapshotJson, SnapshotsJson, TargetJson, TargetsJson,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sarnakh_core::service::TargetInput;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The forecast routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(forecast_report))
        .routes(routes!(forecast_accuracy_report))
        .routes(routes!(list_forecast_snapshots, take_forecast_snapshot))
        .routes(routes!(list_forecast_targets, set_forecast_target))
        .routes(routes!(delete_forecast_target))
}

/// Expected revenue per month or quarter (`interval`) from the open deals by expected
/// close date and forecast category, beside the deals won in each period and its target;
/// `from`/`to` (default: this period and the next five months or three quarters), deal
/// filters, `group_by`.
#[utoipa::path(get, path = "/api/v1/reports/forecast", tag = "reports", params(ReportParams),
    responses((status = 200, body = ForecastJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn forecast_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<ForecastJson>> {
    let report = app.services.forecast_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}

/// For each period (default: the last five and this one), the forecast of the last
/// snapshot taken on or before its first day beside what closed won in it; owner and team
/// filters, `group_by` owner or team.
#[utoipa::path(get, path = "/api/v1/reports/forecast-accuracy", tag = "reports", params(ReportParams),
    responses((status = 200, body = AccuracyJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn forecast_accuracy_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<AccuracyJson>> {
    let report = app
        .services
        .forecast_accuracy_report(&actor, &q.into())
        .await?;
    Ok(axum::Json(report.into()))
}

/// Every stored forecast snapshot, oldest first.
#[utoipa::path(get, path = "/api/v1/forecast/snapshots", tag = "reports",
    responses((status = 200, body = SnapshotsJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_forecast_snapshots(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<SnapshotsJson>> {
    let list = app.services.forecast_snapshots().await?;
    Ok(axum::Json(SnapshotsJson {
        snapshots: list.iter().map(SnapshotJson::from).collect(),
    }))
}

/// Take today's forecast snapshot now, replacing one taken earlier today (sales managers,
/// admins; `sarnakh serve` also takes one on a schedule).
#[utoipa::path(post, path = "/api/v1/forecast/snapshots", tag = "reports",
    responses((status = 201, body = SnapshotJson), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn take_forecast_snapshot(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<(StatusCode, axum::Json<SnapshotJson>)> {
    let s = app.services.take_forecast_snapshot(&actor).await?;
    Ok((StatusCode::CREATED, axum::Json(SnapshotJson::from(&s))))
}

/// The forecast targets the caller may see.
#[utoipa::path(get, path = "/api/v1/settings/forecast-targets", tag = "reports",
    responses((status = 200, body = TargetsJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_forecast_targets(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<TargetsJson>> {
    let list = app.services.forecast_targets(&actor).await?;
    Ok(axum::Json(TargetsJson {
        targets: list.iter().map(TargetJson::from).collect(),
    }))
}

/// A target to set: for the company (no team, no owner), a team or one owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    /// `month` or `quarter`.
    pub interval: Option<String>,
    /// The period's first day, `YYYY-MM-DD`.
    pub starts_on: Option<String>,
    pub team_id: Option<String>,
    pub owner_id: Option<String>,
    /// Decimal amount, e.g. `"50000.00"`.
    pub amount: Option<String>,
    pub currency: Option<String>,
}

/// Set a period's target, replacing the one for the same period and scope (admins any;
/// sales managers their team's and its members').
#[utoipa::path(put, path = "/api/v1/settings/forecast-targets", tag = "reports", request_body = TargetRequest,
    responses((status = 200, body = TargetJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_forecast_target(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<TargetRequest>,
) -> ApiResult<axum::Json<TargetJson>> {
    let input = TargetInput {
        interval: body.interval,
        starts_on: body.starts_on,
        team_id: body.team_id,
        owner_id: body.owner_id,
        amount: body.amount,
        currency: body.currency,
    };
    let t = app.services.set_forecast_target(&actor, &input).await?;
    Ok(axum::Json(TargetJson::from(&t)))
}

/// Remove a target.
#[utoipa::path(delete, path = "/api/v1/settings/forecast-targets/{id}", tag = "reports", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_forecast_target(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: uuid::Uuid = parse_id(&id, "forecast target")?;
    app.services.delete_forecast_target(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
