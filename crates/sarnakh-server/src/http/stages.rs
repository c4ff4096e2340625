//! `/api/v1/settings/stages`: the pipeline's stages as settings. Sales managers and admins
//! read them (with the deals in each, and the change log); admins replace the list with
//! `If-Match` set to the version read. Rules in `sarnakh_core::domain::stage_settings`.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, etag, if_match};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::stage_settings::StageInput;
use sarnakh_core::service::StageSettings;
use sarnakh_core::store::StageVersion;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One stage with its settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageSettingJson {
    pub key: String,
    /// The name shown where no label of the reader's language exists.
    pub name: String,
    /// Names by language (`fa`, `ro`, `en`).
    pub labels: BTreeMap<String, String>,
    /// Win probability in percent.
    pub probability: u8,
    pub position: i32,
    /// `open`, `won` or `lost`.
    pub kind: String,
    /// The default forecast category of its deals.
    pub forecast_category: String,
    /// When it was retired (no deal enters it any more).
    pub retired_at: Option<DateTime<Utc>>,
    /// Deals in it, any status.
    pub deals: u64,
}

/// The pipeline's stages and the version to send back as `If-Match`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageSettingsJson {
    pub version: i64,
    pub stages: Vec<StageSettingJson>,
}

impl From<StageSettings> for StageSettingsJson {
    fn from(s: StageSettings) -> Self {
        let stages = s
            .stages
            .into_iter()
            .map(|st| StageSettingJson {
                deals: s.deals.get(&st.key).copied().unwrap_or(0),
                forecast_category: st.forecast_category.as_str().to_owned(),
                kind: st.kind.as_str().to_owned(),
                key: st.key,
                name: st.name,
                labels: st.labels,
                probability: st.probability,
                position: st.position,
                retired_at: st.retired_at,
            })
            .collect();
        Self {
            version: s.version,
            stages,
        }
    }
}

/// One stage of a new list: a known key changes that stage, an unknown one adds an open
/// stage, a stage left out is removed (refused if it has deals: retire it instead).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageSettingRequest {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// 0-100; required for open stages, fixed for won (100) and lost (0).
    pub probability: Option<i64>,
    /// `pipeline`, `best_case`, `commit` or `omitted`; default from the probability.
    pub forecast_category: Option<String>,
    #[serde(default)]
    pub retired: bool,
}

/// A new stage list, open stages in board order (won and lost stay last).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageSettingsRequest {
    pub stages: Vec<StageSettingRequest>,
}

/// One changed attribute.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageChangeJson {
    /// `stages.demo.probability`, `stages.order` ...
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One saved version of the pipeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageVersionJson {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub by: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub removed: Vec<String>,
    pub changes: Vec<StageChangeJson>,
}

impl From<StageVersion> for StageVersionJson {
    fn from(v: StageVersion) -> Self {
        Self {
            version: v.version,
            at: v.at,
            by: v.by.map(|u| u.as_uuid()),
            token_id: v.token_id.map(|t| t.as_uuid()),
            removed: v.removed,
            changes: v
                .changes
                .into_iter()
                .map(|c| StageChangeJson {
                    field: c.field,
                    old: c.old,
                    new: c.new,
                })
                .collect(),
        }
    }
}

/// The stage settings routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_stage_settings, set_stage_settings))
        .routes(routes!(stage_settings_history))
}

/// The pipeline's stages with their settings and deals (sales managers and admins).
#[utoipa::path(get, path = "/api/v1/settings/stages", tag = "opportunities",
    responses((status = 200, body = StageSettingsJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn get_stage_settings(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<impl IntoResponse> {
    let settings = app.services.stage_settings(&actor).await?;
    Ok((
        etag(settings.version),
        axum::Json(StageSettingsJson::from(settings)),
    ))
}

/// Replace the stage list (admins) as one new version; `If-Match` refuses a lost update.
#[utoipa::path(put, path = "/api/v1/settings/stages", tag = "opportunities", request_body = StageSettingsRequest,
    responses((status = 200, body = StageSettingsJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_stage_settings(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StageSettingsRequest>,
) -> ApiResult<impl IntoResponse> {
    let input: Vec<StageInput> = body
        .stages
        .into_iter()
        .map(|s| StageInput {
            key: s.key,
            name: s.name,
            labels: s.labels,
            probability: s.probability,
            forecast_category: s.forecast_category,
            retired: s.retired,
        })
        .collect();
    let settings = app
        .services
        .set_stages(&actor, &input, if_match(&headers)?)
        .await?;
    Ok((
        etag(settings.version),
        axum::Json(StageSettingsJson::from(settings)),
    ))
}

/// The pipeline's change log, newest first (sales managers and admins).
#[utoipa::path(get, path = "/api/v1/settings/stages/history", tag = "opportunities",
    responses((status = 200, body = Vec<StageVersionJson>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn stage_settings_history(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<Vec<StageVersionJson>>> {
    let versions = app.services.stage_versions(&actor, 100).await?;
    Ok(axum::Json(versions.into_iter().map(Into::into).collect()))
}
