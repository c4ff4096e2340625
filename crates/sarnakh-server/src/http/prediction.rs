//! Predictive win probability: `/api/v1/settings/win-model` (the model in force and its
//! held-out figures; managers and admins train a new one) and
//! `/api/v1/{leads,opportunities}/{id}/prediction` (a record's probability and its reasons).

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::parse_id;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::predict::{MIN_CLOSED, Metrics, Reason};
use sarnakh_core::service::WinPrediction;
use sarnakh_core::store::WinModel;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One bin of the calibration table: predicted against observed win rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalibrationBinJson {
    pub lower: f64,
    pub upper: f64,
    pub count: usize,
    pub mean_predicted: f64,
    pub observed_rate: f64,
}

/// An algorithm's figures on the held-out newest 20 % of the closed history.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricsJson {
    /// Area under the ROC curve (0.5: no better than chance).
    pub auc: f64,
    /// Mean binary cross-entropy (lower is better).
    pub log_loss: f64,
    /// Training and held-out examples: each closed record once per stage it passed.
    pub train_examples: usize,
    pub test_examples: usize,
    pub calibration: Vec<CalibrationBinJson>,
}

impl From<Metrics> for MetricsJson {
    fn from(m: Metrics) -> Self {
        Self {
            auc: m.auc,
            log_loss: m.log_loss,
            train_examples: m.train_examples,
            test_examples: m.test_examples,
            calibration: m
                .calibration
                .into_iter()
                .map(|b| CalibrationBinJson {
                    lower: b.lower,
                    upper: b.upper,
                    count: b.count,
                    mean_predicted: b.mean_predicted,
                    observed_rate: b.observed_rate,
                })
                .collect(),
        }
    }
}

/// A trained win model.
#[derive(Debug, Serialize, ToSchema)]
pub struct WinModelJson {
    pub version: i64,
    /// `naive_bayes` or `logistic`: the one with the higher held-out AUC.
    pub algorithm: String,
    pub trained_at: DateTime<Utc>,
    /// Who trained it (null: the server's schedule).
    pub trained_by: Option<Uuid>,
    /// Closed records learnt from, and how many of them were won.
    pub examples: usize,
    pub won: usize,
    pub naive_bayes: MetricsJson,
    pub logistic: MetricsJson,
}

impl From<WinModel> for WinModelJson {
    fn from(m: WinModel) -> Self {
        Self {
            version: m.version,
            algorithm: m.model.algorithm.as_str().to_owned(),
            trained_at: m.trained_at,
            trained_by: m.trained_by.map(|u| u.as_uuid()),
            examples: m.examples,
            won: m.won,
            naive_bayes: m.naive_bayes.into(),
            logistic: m.logistic.into(),
        }
    }
}

/// The model in force, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct WinModelStatusJson {
    /// Null until a model has been trained.
    pub model: Option<WinModelJson>,
    /// Closed records (won or lost deals, disqualified leads) training needs at least.
    pub min_closed: usize,
}

/// One feature's effect on a probability.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonJson {
    /// Feature name, e.g. `source`.
    pub feature: String,
    /// Its value on this record, e.g. `webinar`.
    pub value: String,
    /// Percentage points the feature adds (negative: removes).
    pub points: i32,
}

impl From<Reason> for ReasonJson {
    fn from(r: Reason) -> Self {
        Self {
            feature: r.feature,
            value: r.value,
            points: r.points,
        }
    }
}

/// A record's probability of ending in a won deal.
#[derive(Debug, Serialize, ToSchema)]
pub struct PredictionJson {
    /// 0..1; null when nothing can be said (a lead before any model exists).
    pub probability: Option<f64>,
    /// `model`, `stage` (no model yet: the deal's stage probability), `closed` or `none`.
    pub method: String,
    /// The features that moved the probability most.
    pub reasons: Vec<ReasonJson>,
    pub model_version: Option<i64>,
    pub trained_at: Option<DateTime<Utc>>,
    /// Why there is no model-based figure, when there is none.
    pub note: Option<String>,
}

impl From<WinPrediction> for PredictionJson {
    fn from(p: WinPrediction) -> Self {
        Self {
            probability: p.probability,
            method: p.method.as_str().to_owned(),
            reasons: p.reasons.into_iter().map(Into::into).collect(),
            model_version: p.model_version,
            trained_at: p.trained_at,
            note: p.note,
        }
    }
}

/// The prediction routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_win_model))
        .routes(routes!(train_win_model))
        .routes(routes!(lead_prediction))
        .routes(routes!(opportunity_prediction))
}

/// The win model in force and its held-out figures.
#[utoipa::path(get, path = "/api/v1/settings/win-model", tag = "playbook",
    responses((status = 200, body = WinModelStatusJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_win_model(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<WinModelStatusJson>> {
    Ok(axum::Json(WinModelStatusJson {
        model: app.services.win_model().await?.map(Into::into),
        min_closed: MIN_CLOSED,
    }))
}

/// Train a new win model from the closed history now (sales managers, admins). Both
/// algorithms are scored on the newest 20 %; the better one is kept and used everywhere.
#[utoipa::path(post, path = "/api/v1/settings/win-model/train", tag = "playbook",
    responses((status = 201, body = WinModelJson), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "too little closed history (insufficient_history)", body = Problem, content_type = "application/problem+json")))]
pub async fn train_win_model(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<(StatusCode, axum::Json<WinModelJson>)> {
    let model = app.services.train_win_model(&actor).await?;
    Ok((StatusCode::CREATED, axum::Json(model.into())))
}

/// A lead's probability of ending in a won deal, with its top reasons.
#[utoipa::path(get, path = "/api/v1/leads/{id}/prediction", tag = "playbook", params(("id" = String, Path)),
    responses((status = 200, body = PredictionJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_prediction(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PredictionJson>> {
    let id = parse_id(&id, "lead")?;
    Ok(axum::Json(
        app.services.lead_prediction(&actor, id).await?.into(),
    ))
}

/// A deal's probability of being won, with its top reasons.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}/prediction", tag = "playbook", params(("id" = String, Path)),
    responses((status = 200, body = PredictionJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn opportunity_prediction(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PredictionJson>> {
    let id = parse_id(&id, "opportunity")?;
    Ok(axum::Json(
        app.services
            .opportunity_prediction(&actor, id)
            .await?
            .into(),
    ))
}
