//! `/api/v1/leads`: capture, read, edit and list leads, and move them through the
//! lifecycle (qualify, convert, disqualify, nurture, reopen).

mod wire;

pub use wire::*;

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match, parse_id};
use super::list::{enum_param, page_request, page_type, sort_param};
use super::timeline::{HistoryJson, TimelineJson};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::page::SortDir;
use sarnakh_core::domain::{LeadId, LeadSource, RecordRef, UserId};
use sarnakh_core::service::{Actor, ConvertDraft, LifecycleInput};
use sarnakh_core::store::{LeadFilter, LeadSortField};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

page_type!(LeadPage, LeadJson);

/// The lead routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(get_lead, update_lead))
        .routes(routes!(qualify_lead))
        .routes(routes!(convert_lead))
        .routes(routes!(disqualify_lead))
        .routes(routes!(nurture_lead))
        .routes(routes!(reopen_lead))
        .routes(routes!(lead_timeline))
        .routes(routes!(lead_history))
}

/// List leads with filters, search, sort and cursor pagination.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadListQuery),
    responses((status = 200, body = LeadPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_leads(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<LeadListQuery>,
) -> ApiResult<axum::Json<LeadPage>> {
    let (sort, dir) = sort_param(
        q.sort.as_deref(),
        LeadSortField::parse,
        (LeadSortField::CreatedAt, SortDir::Desc),
        "created_at, updated_at, name, score",
    )?;
    let filter = LeadFilter {
        stage: enum_param(
            "stage",
            q.stage.as_deref(),
            LeadStage::parse,
            LeadStage::expected,
        )?,
        status: enum_param(
            "status",
            q.status.as_deref(),
            LeadStatus::parse,
            LeadStatus::expected,
        )?,
        source: enum_param(
            "source",
            q.source.as_deref(),
            LeadSource::parse,
            LeadSource::expected,
        )?,
        grade: enum_param(
            "grade",
            q.grade.as_deref(),
            sarnakh_core::domain::scoring::Grade::parse,
            sarnakh_core::domain::scoring::Grade::expected,
        )?,
        owner: q.owner.map(UserId::from_uuid),
        q: q.q,
        sort,
        dir,
        email: None,
        visibility: Default::default(),
    };
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(LeadPage::from_page(
        app.services.list_leads(&actor, &filter, &page).await?,
    )))
}

/// Capture a lead.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = CreateLeadRequest,
    responses((status = 201, body = LeadJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 409, description = "duplicate policy `block`: the look-alikes are in `duplicates`", body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<CreateLeadRequest>,
) -> ApiResult<impl IntoResponse> {
    let (lead, duplicates) = app
        .services
        .capture_lead_checked(&actor, &body.into())
        .await?;
    let version = lead.version;
    let mut json = LeadJson::from(lead);
    if !duplicates.is_empty() {
        json.duplicates = Some(duplicates.into_iter().map(Into::into).collect());
    }
    Ok((StatusCode::CREATED, etag(version), axum::Json(json)))
}

/// Read a lead; the `ETag` carries its version.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = String, Path)),
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let lead = app
        .services
        .get_lead(&actor, parse_id(&id, "lead")?)
        .await?;
    Ok((etag(lead.version), axum::Json(LeadJson::from(lead))))
}

/// Edit a lead's fields (omit to keep, null to clear). Send `If-Match` to refuse lost updates.
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = String, Path)), request_body = UpdateLeadRequest,
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateLeadRequest>,
) -> ApiResult<impl IntoResponse> {
    let id: LeadId = parse_id(&id, "lead")?;
    let lead = app
        .services
        .update_lead(&actor, id, body.into(), if_match(&headers)?)
        .await?;
    Ok((etag(lead.version), axum::Json(LeadJson::from(lead))))
}

async fn transition(
    app: &AppState,
    actor: &Actor,
    id: &str,
    headers: &HeaderMap,
    body: Option<TransitionRequest>,
    action: Action,
) -> ApiResult<impl IntoResponse + use<>> {
    let id: LeadId = parse_id(id, "lead")?;
    let body = body.unwrap_or_default();
    let input = LifecycleInput {
        expected_version: if_match(headers)?,
        reason: body.reason,
        note: body.note,
        until: body.until,
        override_reason: body.override_reason,
    };
    let s = &app.services;
    let lead = match action {
        Action::Qualify => s.qualify_lead(actor, id, &input).await?,
        Action::Disqualify => s.disqualify_lead(actor, id, &input).await?,
        Action::Nurture => s.nurture_lead(actor, id, &input).await?,
        Action::Reopen => s.reopen_lead(actor, id, &input).await?,
    };
    Ok((etag(lead.version), axum::Json(LeadJson::from(lead))))
}

enum Action {
    Qualify,
    Disqualify,
    Nurture,
    Reopen,
}

/// Qualify a lead into a prospect. Refused with 422 and the unmet criteria when fit facts are missing.
#[utoipa::path(post, path = "/api/v1/leads/{id}/qualify", tag = "lifecycle", params(("id" = String, Path)), request_body(content = Option<TransitionRequest>),
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn qualify_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Option<ApiJson<TransitionRequest>>,
) -> ApiResult<impl IntoResponse> {
    transition(
        &app,
        &actor,
        &id,
        &headers,
        body.map(|b| b.0),
        Action::Qualify,
    )
    .await
}

/// Disqualify a lead or prospect with a reason.
#[utoipa::path(post, path = "/api/v1/leads/{id}/disqualify", tag = "lifecycle", params(("id" = String, Path)), request_body = TransitionRequest,
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn disqualify_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> ApiResult<impl IntoResponse> {
    transition(&app, &actor, &id, &headers, Some(body), Action::Disqualify).await
}

/// Park a lead or prospect until a date (`until`).
#[utoipa::path(post, path = "/api/v1/leads/{id}/nurture", tag = "lifecycle", params(("id" = String, Path)), request_body = TransitionRequest,
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn nurture_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> ApiResult<impl IntoResponse> {
    transition(&app, &actor, &id, &headers, Some(body), Action::Nurture).await
}

/// Reopen a disqualified or nurtured lead.
#[utoipa::path(post, path = "/api/v1/leads/{id}/reopen", tag = "lifecycle", params(("id" = String, Path)), request_body(content = Option<TransitionRequest>),
    responses((status = 200, body = LeadJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json")))]
pub async fn reopen_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Option<ApiJson<TransitionRequest>>,
) -> ApiResult<impl IntoResponse> {
    transition(
        &app,
        &actor,
        &id,
        &headers,
        body.map(|b| b.0),
        Action::Reopen,
    )
    .await
}

/// Convert a prospect into an account, a contact and one or more opportunities, atomically.
#[utoipa::path(post, path = "/api/v1/leads/{id}/convert", tag = "lifecycle", params(("id" = String, Path)), request_body = ConvertRequest,
    responses((status = 201, body = ConvertResponse), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn convert_lead(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ConvertRequest>,
) -> ApiResult<impl IntoResponse> {
    let id: LeadId = parse_id(&id, "lead")?;
    let draft = ConvertDraft {
        expected_version: if_match(&headers)?,
        account_id: body
            .account_id
            .map(sarnakh_core::domain::AccountId::from_uuid),
        opportunities: body.opportunities.into_iter().map(Into::into).collect(),
        note: body.note,
        override_reason: body.override_reason,
    };
    let outcome = app.services.convert_lead(&actor, id, &draft).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ConvertResponse::from(outcome)),
    ))
}

/// A lead's activities, follow-ups and changes in time order.
#[utoipa::path(get, path = "/api/v1/leads/{id}/timeline", tag = "leads", params(("id" = String, Path)),
    responses((status = 200, body = TimelineJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_timeline(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TimelineJson>> {
    let subject = RecordRef::Lead(parse_id(&id, "lead")?);
    Ok(axum::Json(TimelineJson::from(
        app.services.timeline(&actor, subject).await?,
    )))
}

/// The lead's audit trail: every accepted change with who, when, the token used and the fields changed.
#[utoipa::path(get, path = "/api/v1/leads/{id}/history", tag = "leads", params(("id" = String, Path)),
    responses((status = 200, body = HistoryJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_history(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<HistoryJson>> {
    let subject = RecordRef::Lead(parse_id(&id, "lead")?);
    Ok(axum::Json(HistoryJson::from(
        app.services.history(&actor, subject).await?,
    )))
}
