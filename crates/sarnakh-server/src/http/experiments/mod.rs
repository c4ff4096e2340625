//! `/api/v1/experiments`: A/B experiments (marketing, managers and admins define, start,
//! stop and assign; everyone signed in reads them), and the experiment report at
//! `/api/v1/experiments/{id}/report` and `/api/v1/reports/experiment?experiment=ID_OR_KEY`.
//! `{id}` is an experiment's id or key.

pub mod wire;

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::AssignInput;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::{
    ExperimentAssignJson, ExperimentAssignRequest, ExperimentJson, ExperimentListJson,
    ExperimentReportJson, ExperimentRequest,
};

/// Parameters of the experiment report (the lead filters of the other reports; the period
/// filters the assignment time).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExperimentReportParams {
    /// The experiment's id or key (`/api/v1/reports/experiment` only; required there).
    pub experiment: Option<String>,
    /// First day of assignment, `YYYY-MM-DD` (default: no limit).
    pub from: Option<String>,
    /// Last day of assignment, inclusive.
    pub to: Option<String>,
    /// Only leads of this owner (user id).
    pub owner: Option<String>,
    /// Only leads owned by this team's members (team id).
    pub team: Option<String>,
    /// Only leads of this source.
    pub source: Option<String>,
    /// Only leads of this campaign.
    pub campaign: Option<String>,
    /// Only leads of this country.
    pub country: Option<String>,
}

impl From<ExperimentReportParams> for ReportQuery {
    fn from(p: ExperimentReportParams) -> Self {
        Self {
            from: p.from,
            to: p.to,
            owner: p.owner,
            team: p.team,
            source: p.source,
            campaign: p.campaign,
            country: p.country,
            ..Self::default()
        }
    }
}

/// The experiment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_experiments, create_experiment))
        .routes(routes!(get_experiment, replace_experiment))
        .routes(routes!(start_experiment))
        .routes(routes!(stop_experiment))
        .routes(routes!(assign_experiment))
        .routes(routes!(experiment_report))
        .routes(routes!(experiment_report_by_query))
}

/// Every experiment, newest first.
#[utoipa::path(get, path = "/api/v1/experiments", tag = "experiments", responses((status = 200, body = ExperimentListJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_experiments(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<ExperimentListJson>> {
    let items = app.services.list_experiments(&actor).await?;
    Ok(axum::Json(ExperimentListJson {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Define a draft experiment (marketing, sales managers, admins).
#[utoipa::path(post, path = "/api/v1/experiments", tag = "experiments", request_body = ExperimentRequest,
    responses((status = 201, body = ExperimentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<ExperimentRequest>,
) -> ApiResult<impl IntoResponse> {
    let x = app.services.create_experiment(&actor, &body.into()).await?;
    Ok((
        StatusCode::CREATED,
        etag(x.version),
        axum::Json(ExperimentJson::from(x)),
    ))
}

/// One experiment, by id or key.
#[utoipa::path(get, path = "/api/v1/experiments/{id}", tag = "experiments", params(("id" = String, Path)),
    responses((status = 200, body = ExperimentJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let x = app.services.get_experiment(&actor, &id).await?;
    Ok((etag(x.version), axum::Json(ExperimentJson::from(x))))
}

/// Replace an experiment's definition (only name and description once it has started).
#[utoipa::path(put, path = "/api/v1/experiments/{id}", tag = "experiments", params(("id" = String, Path)), request_body = ExperimentRequest,
    responses((status = 200, body = ExperimentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn replace_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ExperimentRequest>,
) -> ApiResult<impl IntoResponse> {
    let x = app
        .services
        .update_experiment(&actor, &id, &body.into(), if_match(&headers)?)
        .await?;
    Ok((etag(x.version), axum::Json(ExperimentJson::from(x))))
}

/// Start a draft: every new matching lead gets a variant from now on.
#[utoipa::path(post, path = "/api/v1/experiments/{id}/start", tag = "experiments", params(("id" = String, Path)),
    responses((status = 200, body = ExperimentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn start_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let x = app
        .services
        .start_experiment(&actor, &id, if_match(&headers)?)
        .await?;
    Ok((etag(x.version), axum::Json(ExperimentJson::from(x))))
}

/// Stop a running experiment: nobody is assigned any more; the report stays.
#[utoipa::path(post, path = "/api/v1/experiments/{id}/stop", tag = "experiments", params(("id" = String, Path)),
    responses((status = 200, body = ExperimentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn stop_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let x = app
        .services
        .stop_experiment(&actor, &id, if_match(&headers)?)
        .await?;
    Ok((etag(x.version), axum::Json(ExperimentJson::from(x))))
}

/// Assign leads by the experiment's own rule: some by id, or every lead created since the
/// start (a backfill). Nobody chooses a lead's variant.
#[utoipa::path(post, path = "/api/v1/experiments/{id}/assign", tag = "experiments", params(("id" = String, Path)), request_body = ExperimentAssignRequest,
    responses((status = 200, body = ExperimentAssignJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn assign_experiment(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ExperimentAssignRequest>,
) -> ApiResult<axum::Json<ExperimentAssignJson>> {
    let input = AssignInput {
        lead_ids: body.lead_ids,
        since_start: body.since_start,
    };
    let out = app
        .services
        .assign_to_experiment(&actor, &id, &input)
        .await?;
    Ok(axum::Json(out.into()))
}

/// Per variant: exposure and conversion to prospect, opportunity and won with 95 % Wilson
/// intervals, a z-test of each variant against the control with a verdict, and chi-square.
#[utoipa::path(get, path = "/api/v1/experiments/{id}/report", tag = "reports", params(("id" = String, Path), ExperimentReportParams),
    responses((status = 200, body = ExperimentReportJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn experiment_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ExperimentReportParams>,
) -> ApiResult<axum::Json<ExperimentReportJson>> {
    let report = app
        .services
        .experiment_report(&actor, &id, &q.into())
        .await?;
    Ok(axum::Json(report.into()))
}

/// The experiment report, the experiment named by `experiment` (id or key).
#[utoipa::path(get, path = "/api/v1/reports/experiment", tag = "reports", params(ExperimentReportParams),
    responses((status = 200, body = ExperimentReportJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn experiment_report_by_query(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ExperimentReportParams>,
) -> ApiResult<axum::Json<ExperimentReportJson>> {
    let Some(id) = q.experiment.clone().filter(|e| !e.trim().is_empty()) else {
        return Err(ApiError::bad_request(
            "invalid_query",
            "experiment",
            "name the experiment by id or key",
        ));
    };
    let report = app
        .services
        .experiment_report(&actor, &id, &q.into())
        .await?;
    Ok(axum::Json(report.into()))
}
