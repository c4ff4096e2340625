//! Duplicates: `/api/v1/settings/duplicates` (the policy: allow, warn or block),
//! `/api/v1/duplicates` (probable duplicate pairs, and marking a pair "not the same
//! person") and `POST /api/v1/leads/{id}/merge`.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, etag, if_match, parse_id};
use super::leads::LeadJson;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::duplicate::{
    DuplicateAction, DuplicateMatch, DuplicateSettings, PersonRecord,
};
use sarnakh_core::service::{DuplicatePair, MergeInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A lead or contact as duplicate detection sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonJson {
    /// `lead` or `contact`.
    pub record_type: String,
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub owner_id: Option<Uuid>,
}

impl From<PersonRecord> for PersonJson {
    fn from(p: PersonRecord) -> Self {
        Self {
            record_type: p.record.kind().to_owned(),
            id: p.record.uuid(),
            name: p.name(),
            email: p.email,
            phone: p.phone,
            company: p.company,
            owner_id: p.owner_id.map(|u| u.as_uuid()),
        }
    }
}

/// A record that looks like the one captured.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateJson {
    /// The look-alike; null when it is a record you may not see.
    pub person: Option<PersonJson>,
    /// `same_email`, `same_phone` or `similar_name_same_company`.
    pub reason: String,
    /// 0..1.
    pub confidence: f64,
}

impl From<DuplicateMatch> for DuplicateJson {
    fn from(m: DuplicateMatch) -> Self {
        Self {
            person: m.person.map(Into::into),
            reason: m.reason.as_str().to_owned(),
            confidence: m.confidence,
        }
    }
}

/// A probable duplicate pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairJson {
    pub first: PersonJson,
    pub second: PersonJson,
    pub reason: String,
    pub confidence: f64,
}

impl From<DuplicatePair> for PairJson {
    fn from(p: DuplicatePair) -> Self {
        Self {
            first: p.first.into(),
            second: p.second.into(),
            reason: p.reason.as_str().to_owned(),
            confidence: p.confidence,
        }
    }
}

/// Probable duplicate lead pairs, most certain first (at most 200).
#[derive(Debug, Serialize, ToSchema)]
pub struct PairListJson {
    pub items: Vec<PairJson>,
}

/// Two leads that are not the same person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissRequest {
    pub first_id: Uuid,
    pub second_id: Uuid,
}

/// How to merge another lead into this one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The lead merged away (closed as a duplicate; its history stays).
    pub other_id: Option<Uuid>,
    /// Fields to take from the other lead; otherwise this lead's value wins, and the other's
    /// fills gaps. Products and checklist evidence are united unless taken.
    #[serde(default)]
    pub take: Vec<String>,
    /// The other lead's version you saw (this lead's goes in `If-Match`).
    pub other_version: Option<i64>,
}

/// The duplicate policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateSettingsJson {
    /// `allow`, `warn` (default: capture answers with the look-alikes) or `block` (capture
    /// is refused with 409; web forms hold the submission for review).
    pub action: String,
    /// Least name similarity (0.5-1, default 0.92) for two people at one company.
    pub name_similarity: f64,
}

/// The duplicates routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, set_settings))
        .routes(routes!(list_pairs))
        .routes(routes!(dismiss_pair))
        .routes(routes!(merge_lead))
}

/// The duplicate policy in force.
#[utoipa::path(get, path = "/api/v1/settings/duplicates", tag = "leads", responses((status = 200, body = DuplicateSettingsJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn get_settings(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<DuplicateSettingsJson>> {
    let s = app.services.duplicate_settings().await?;
    Ok(axum::Json(DuplicateSettingsJson {
        action: s.action.as_str().to_owned(),
        name_similarity: s.name_similarity,
    }))
}

/// Change the duplicate policy (sales managers, admins).
#[utoipa::path(put, path = "/api/v1/settings/duplicates", tag = "leads", request_body = DuplicateSettingsJson,
    responses((status = 200, body = DuplicateSettingsJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_settings(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<DuplicateSettingsJson>,
) -> ApiResult<axum::Json<DuplicateSettingsJson>> {
    let action = DuplicateAction::parse(&body.action).ok_or_else(|| {
        sarnakh_core::Error::field(
            "action",
            "unknown_value",
            format!(
                "{:?} is not one of: {}",
                body.action,
                DuplicateAction::expected()
            ),
        )
    })?;
    let s = app
        .services
        .set_duplicate_settings(
            &actor,
            DuplicateSettings {
                action,
                name_similarity: body.name_similarity,
            },
        )
        .await?;
    Ok(axum::Json(DuplicateSettingsJson {
        action: s.action.as_str().to_owned(),
        name_similarity: s.name_similarity,
    }))
}

/// Probable duplicate lead pairs you can see both sides of.
#[utoipa::path(get, path = "/api/v1/duplicates", tag = "leads", responses((status = 200, body = PairListJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_pairs(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<PairListJson>> {
    let pairs = app.services.duplicate_pairs(&actor).await?;
    Ok(axum::Json(PairListJson {
        items: pairs.into_iter().map(Into::into).collect(),
    }))
}

/// Mark two leads "not the same person"; the pair leaves the list.
#[utoipa::path(post, path = "/api/v1/duplicates/dismiss", tag = "leads", request_body = DismissRequest,
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn dismiss_pair(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<DismissRequest>,
) -> ApiResult<StatusCode> {
    app.services
        .dismiss_duplicate(
            &actor,
            LeadId::from_uuid(body.first_id),
            LeadId::from_uuid(body.second_id),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merge another lead into this one: activities, follow-ups, events, deals and form
/// submissions move here, the other lead is closed as a duplicate, both histories stay.
#[utoipa::path(post, path = "/api/v1/leads/{id}/merge", tag = "leads", params(("id" = String, Path)), request_body = MergeRequest,
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn merge_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MergeRequest>,
) -> ApiResult<impl IntoResponse> {
    let input = MergeInput {
        other: body.other_id.map(LeadId::from_uuid),
        take: body.take,
        expected_version: if_match(&headers)?,
        other_expected_version: body.other_version,
    };
    let lead = app
        .services
        .merge_leads(&actor, parse_id(&id, "lead")?, &input)
        .await?;
    Ok((etag(lead.version), axum::Json(LeadJson::from(lead))))
}
