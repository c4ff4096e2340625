//! `/api/v1/content`: the nurture content library (marketing, managers and admins write;
//! everyone signed in reads), the next suggested content of a lead or a deal, sending an
//! item (logs an email activity), and the content report at `/api/v1/reports/content`.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match, parse_id};
use super::reports::ReportParams;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::content::{ContentDraft, ContentItem, ContentStage};
use sarnakh_core::domain::{ContentId, RecordRef};
use sarnakh_core::service::{ContentReport, NextContent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A content item (create, or replace with PUT).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentRequest {
    pub title: Option<String>,
    /// An http or https URL.
    pub url: Option<String>,
    /// lead, prospect or opportunity.
    pub stage: Option<String>,
    /// Products it is about (none: any).
    #[serde(default)]
    pub products: Vec<String>,
    /// ISO 639-1 code (default en).
    pub language: Option<String>,
    /// Default true.
    pub active: Option<bool>,
}

impl From<ContentRequest> for ContentDraft {
    fn from(r: ContentRequest) -> Self {
        Self {
            title: r.title,
            url: r.url,
            stage: r.stage,
            products: r.products,
            language: r.language,
            active: r.active,
        }
    }
}

/// A stored content item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentJson {
    pub id: Uuid,
    pub title: String,
    pub url: String,
    pub stage: String,
    pub products: Vec<String>,
    pub language: String,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<ContentItem> for ContentJson {
    fn from(c: ContentItem) -> Self {
        Self {
            id: c.id.as_uuid(),
            title: c.title,
            url: c.url,
            stage: c.stage.as_str().to_owned(),
            products: c.products,
            language: c.language,
            active: c.active,
            created_by: c.created_by.map(|u| u.as_uuid()),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// Content items, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentListJson {
    pub items: Vec<ContentJson>,
}

/// Which items to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// Only this stage's items: lead, prospect or opportunity.
    pub stage: Option<String>,
    /// `true`: only active items.
    pub active: Option<bool>,
}

/// The suggestions for a record: the first item is the next one to send.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextContentJson {
    pub subject_type: String,
    pub subject_id: Uuid,
    /// The stage whose content fits the record.
    pub stage: String,
    /// The language preferred for the record (its country, else its owner's language).
    pub language: Option<String>,
    pub next: Option<ContentJson>,
    /// Up to five, best first (`next` is the first).
    pub items: Vec<ContentJson>,
}

impl From<NextContent> for NextContentJson {
    fn from(n: NextContent) -> Self {
        Self {
            subject_type: n.subject.kind().to_owned(),
            subject_id: n.subject.uuid(),
            stage: n.stage.as_str().to_owned(),
            language: n.language,
            next: n.items.first().cloned().map(Into::into),
            items: n.items.into_iter().map(Into::into).collect(),
        }
    }
}

/// A sending: the email activity logged on the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentSentJson {
    pub activity_id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub content: ContentJson,
    pub sent_at: DateTime<Utc>,
}

/// One content item's line of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentReportRowJson {
    pub content: ContentJson,
    /// Sendings in the period.
    pub sends: u64,
    /// Leads that received it.
    pub leads: u64,
    /// Of those: qualified, converted, won a deal at or after their first sending.
    pub qualified: u64,
    pub converted: u64,
    pub won: u64,
    pub qualified_rate: Option<f64>,
    pub converted_rate: Option<f64>,
    pub won_rate: Option<f64>,
}

/// The content report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentReportJson {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<ContentReportRowJson>,
}

impl From<ContentReport> for ContentReportJson {
    fn from(r: ContentReport) -> Self {
        Self {
            from: r.period.first_day,
            to: r.period.last_day,
            rows: r
                .rows
                .into_iter()
                .map(|row| ContentReportRowJson {
                    sends: row.counts.sends,
                    leads: row.counts.leads,
                    qualified: row.counts.qualified,
                    converted: row.counts.converted,
                    won: row.counts.won,
                    qualified_rate: row.rates[0],
                    converted_rate: row.rates[1],
                    won_rate: row.rates[2],
                    content: row.item.into(),
                })
                .collect(),
        }
    }
}

/// The content routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_content, create_content))
        .routes(routes!(get_content, replace_content))
        .routes(routes!(lead_next_content))
        .routes(routes!(opportunity_next_content))
        .routes(routes!(send_lead_content))
        .routes(routes!(send_opportunity_content))
        .routes(routes!(content_report))
}

/// The library, oldest first.
#[utoipa::path(get, path = "/api/v1/content", tag = "content", params(ContentQuery),
    responses((status = 200, body = ContentListJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ContentQuery>,
) -> ApiResult<axum::Json<ContentListJson>> {
    let stage = match q.stage.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(ContentStage::parse(raw).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                "stage",
                format!("{raw:?} is not one of: {}", ContentStage::expected()),
            )
        })?),
    };
    let items = app
        .services
        .list_content(&actor, stage, q.active.unwrap_or(false))
        .await?;
    Ok(axum::Json(ContentListJson {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Add an item (marketing, sales managers, admins).
#[utoipa::path(post, path = "/api/v1/content", tag = "content", request_body = ContentRequest,
    responses((status = 201, body = ContentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<ContentRequest>,
) -> ApiResult<impl IntoResponse> {
    let item = app.services.create_content(&actor, &body.into()).await?;
    Ok((
        StatusCode::CREATED,
        etag(item.version),
        axum::Json(ContentJson::from(item)),
    ))
}

/// One item.
#[utoipa::path(get, path = "/api/v1/content/{id}", tag = "content", params(("id" = String, Path)),
    responses((status = 200, body = ContentJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let item = app
        .services
        .get_content(&actor, parse_id(&id, "content")?)
        .await?;
    Ok((etag(item.version), axum::Json(ContentJson::from(item))))
}

/// Replace an item (`If-Match` guards against lost updates); `active: false` retires it.
#[utoipa::path(put, path = "/api/v1/content/{id}", tag = "content", params(("id" = String, Path)), request_body = ContentRequest,
    responses((status = 200, body = ContentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn replace_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ContentRequest>,
) -> ApiResult<impl IntoResponse> {
    let item = app
        .services
        .update_content(
            &actor,
            parse_id(&id, "content")?,
            &body.into(),
            if_match(&headers)?,
        )
        .await?;
    Ok((etag(item.version), axum::Json(ContentJson::from(item))))
}

/// The next content for a lead (lead or prospect stage by its status; opportunity once
/// converted), not sent to it yet, its products and language first.
#[utoipa::path(get, path = "/api/v1/leads/{id}/next-content", tag = "content", params(("id" = String, Path)),
    responses((status = 200, body = NextContentJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_next_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<NextContentJson>> {
    let next = app
        .services
        .lead_next_content(&actor, parse_id(&id, "lead")?)
        .await?;
    Ok(axum::Json(next.into()))
}

/// The next opportunity-stage content for a deal.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}/next-content", tag = "content", params(("id" = String, Path)),
    responses((status = 200, body = NextContentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn opportunity_next_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<NextContentJson>> {
    let next = app
        .services
        .opportunity_next_content(&actor, parse_id(&id, "opportunity")?)
        .await?;
    Ok(axum::Json(next.into()))
}

async fn send(
    app: &AppState,
    actor: &sarnakh_core::service::Actor,
    subject: RecordRef,
    content: &str,
) -> ApiResult<(StatusCode, axum::Json<ContentSentJson>)> {
    let content: ContentId = parse_id(content, "content")?;
    let (activity, item) = app.services.send_content(actor, subject, content).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ContentSentJson {
            activity_id: activity.id.as_uuid(),
            subject_type: subject.kind().to_owned(),
            subject_id: subject.uuid(),
            content: item.into(),
            sent_at: activity.occurred_at,
        }),
    ))
}

/// Send a content item to a lead: logs an email activity referring to it.
#[utoipa::path(post, path = "/api/v1/leads/{id}/content/{content_id}/send", tag = "content", params(("id" = String, Path), ("content_id" = String, Path)),
    responses((status = 201, body = ContentSentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn send_lead_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, content_id)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let subject = RecordRef::Lead(parse_id(&id, "lead")?);
    send(&app, &actor, subject, &content_id).await
}

/// Send a content item to a deal: logs an email activity referring to it.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/content/{content_id}/send", tag = "content", params(("id" = String, Path), ("content_id" = String, Path)),
    responses((status = 201, body = ContentSentJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn send_opportunity_content(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, content_id)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let subject = RecordRef::Opportunity(parse_id(&id, "opportunity")?);
    send(&app, &actor, subject, &content_id).await
}

/// Per content item: the period's sendings, the leads that received it and how many of
/// them later qualified, converted and won (lead filters: owner, team, source, campaign,
/// country).
#[utoipa::path(get, path = "/api/v1/reports/content", tag = "reports", params(ReportParams),
    responses((status = 200, body = ContentReportJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn content_report(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<axum::Json<ContentReportJson>> {
    let report = app.services.content_report(&actor, &q.into()).await?;
    Ok(axum::Json(report.into()))
}
