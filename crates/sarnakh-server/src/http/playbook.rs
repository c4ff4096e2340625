//! `/api/v1/settings/playbook` (the shared definition of "qualified": everyone reads it,
//! sales managers and admins save new versions) and `/api/v1/leads/{id}/readiness` (which
//! criteria of the lead's next transition hold).

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, parse_id};
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::playbook::{Playbook, PlaybookRules};
use sarnakh_core::domain::scoring::ScoringRules;
use sarnakh_core::service::LeadReadiness;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A playbook version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaybookJson {
    /// Version; 0 is the shipped default.
    pub version: i64,
    /// The criteria per transition, in the format of docs/PLAYBOOK.md.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

impl From<Playbook> for PlaybookJson {
    fn from(p: Playbook) -> Self {
        let rules = serde_json::to_value(&p.rules).unwrap_or_default();
        Self {
            version: p.version,
            rules,
            created_at: p.created_at,
            created_by: p.created_by.map(|u| u.as_uuid()),
        }
    }
}

/// One criterion's state on a lead.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckJson {
    pub code: String,
    pub message: String,
    pub met: bool,
}

/// What a lead needs for its next transition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessJson {
    /// `qualify`, `convert`, or null when neither applies now.
    pub next: Option<String>,
    pub playbook_version: i64,
    /// True when every criterion holds.
    pub ready: bool,
    pub checks: Vec<CheckJson>,
}

impl From<LeadReadiness> for ReadinessJson {
    fn from(r: LeadReadiness) -> Self {
        Self {
            ready: r.ready(),
            next: r.next.map(str::to_owned),
            playbook_version: r.playbook_version,
            checks: r
                .checks
                .into_iter()
                .map(|c| CheckJson {
                    code: c.code,
                    message: c.message,
                    met: c.met,
                })
                .collect(),
        }
    }
}

/// Scoring rules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoringJson {
    /// Version; 0 is the shipped default.
    pub version: i64,
    /// `{"fit": [rule with points], "grades": {"a", "b", "c"}}`; see docs/PLAYBOOK.md.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    /// Leads rescored by this change (on save).
    pub rescored: Option<usize>,
}

/// The playbook and scoring routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_playbook, set_playbook))
        .routes(routes!(lead_readiness))
        .routes(routes!(get_scoring, set_scoring))
}

/// The lead scoring rules in force.
#[utoipa::path(get, path = "/api/v1/settings/scoring", tag = "playbook", responses((status = 200, body = ScoringJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_scoring(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<ScoringJson>> {
    let (version, rules) = app.services.scoring().await?;
    Ok(axum::Json(ScoringJson {
        version,
        rules: serde_json::to_value(&rules).unwrap_or_default(),
        rescored: None,
    }))
}

/// Save new scoring rules (marketing, sales managers, admins); every lead is rescored.
#[utoipa::path(put, path = "/api/v1/settings/scoring", tag = "playbook", request_body(content = Object, description = "fit rules with points, and grade thresholds a > b > c; see docs/PLAYBOOK.md"),
    responses((status = 200, body = ScoringJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_scoring(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<axum::Json<ScoringJson>> {
    let rules = ScoringRules::from_json(&body.to_string())
        .map_err(|e| sarnakh_core::Error::Validation(vec![e]))?;
    let (version, rescored) = app.services.set_scoring(&actor, rules.clone()).await?;
    Ok(axum::Json(ScoringJson {
        version,
        rules: serde_json::to_value(&rules).unwrap_or_default(),
        rescored: Some(rescored),
    }))
}

/// The playbook in force.
#[utoipa::path(get, path = "/api/v1/settings/playbook", tag = "playbook", responses((status = 200, body = PlaybookJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_playbook(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<PlaybookJson>> {
    Ok(axum::Json(app.services.playbook().await?.into()))
}

/// Save a new playbook version (sales managers and admins). Transitions record the version
/// that allowed them.
#[utoipa::path(put, path = "/api/v1/settings/playbook", tag = "playbook", request_body(content = Object, description = "{\"qualify\": [criterion], \"convert\": [criterion]}; see docs/PLAYBOOK.md"),
    responses((status = 200, body = PlaybookJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_playbook(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<axum::Json<PlaybookJson>> {
    let rules = PlaybookRules::from_json(&body.to_string())
        .map_err(|e| sarnakh_core::Error::Validation(vec![e]))?;
    Ok(axum::Json(
        app.services.set_playbook(&actor, rules).await?.into(),
    ))
}

/// Which criteria of the lead's next transition hold, for a checklist.
#[utoipa::path(get, path = "/api/v1/leads/{id}/readiness", tag = "playbook", params(("id" = String, Path)),
    responses((status = 200, body = ReadinessJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_readiness(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ReadinessJson>> {
    Ok(axum::Json(
        app.services
            .readiness(&actor, parse_id(&id, "lead")?)
            .await?
            .into(),
    ))
}
