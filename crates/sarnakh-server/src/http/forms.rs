//! `/api/v1/forms`: web-to-lead forms (marketing, managers and admins define them; everyone
//! signed in reads them), their spam and held submissions for review, the embeddable
//! snippet in English, Persian and Romanian, and `/api/v1/leads/{id}/origin` (the form
//! submission a lead came from, with the visit's UTM parameters).

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match, parse_id};
use super::snippet;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::TeamId;
use sarnakh_core::domain::form::{FormDraft, Submission, SubmissionStatus, WebForm};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One field of a form.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormFieldJson {
    /// first_name, last_name, email, phone, job_title, company, country, company_size,
    /// industry, need or notes.
    pub field: String,
    #[serde(default)]
    pub required: bool,
}

/// A form definition (create, or replace with PUT).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormRequest {
    pub name: Option<String>,
    /// Fields in display order; first_name and email or phone are needed.
    #[serde(default)]
    pub fields: Vec<FormFieldJson>,
    /// Campaign of the form's leads (else the visit's utm_campaign).
    pub campaign: Option<String>,
    #[serde(default)]
    pub products: Vec<String>,
    /// Where the visitor goes after submitting ...
    pub thank_you_url: Option<String>,
    /// ... or what they read.
    pub thank_you_message: Option<String>,
    /// Origins whose pages may post the form from a browser, e.g. `https://www.example.ro`.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Submissions a day that become leads at once (default 1,000); later ones are held for review.
    pub daily_cap: Option<i64>,
    /// Seconds a person needs at least to fill the form (default 3; 0 turns the check off).
    pub min_fill_seconds: Option<i64>,
    /// Team whose queue the leads join.
    pub team_id: Option<Uuid>,
    /// Whether it takes submissions (default true).
    pub active: Option<bool>,
}

impl From<FormRequest> for FormDraft {
    fn from(r: FormRequest) -> Self {
        Self {
            name: r.name,
            fields: r
                .fields
                .into_iter()
                .map(|f| (f.field, f.required))
                .collect(),
            campaign: r.campaign,
            products: r.products,
            thank_you_url: r.thank_you_url,
            thank_you_message: r.thank_you_message,
            allowed_origins: r.allowed_origins,
            daily_cap: r.daily_cap,
            min_fill_seconds: r.min_fill_seconds,
            team_id: r.team_id.map(TeamId::from_uuid),
            active: r.active,
        }
    }
}

/// A stored form.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormJson {
    pub id: Uuid,
    /// Public key: the form posts to `/f/{key}`.
    pub key: String,
    /// The public address path.
    pub action: String,
    pub name: String,
    pub fields: Vec<FormFieldJson>,
    pub campaign: Option<String>,
    pub products: Vec<String>,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
    pub allowed_origins: Vec<String>,
    pub daily_cap: u32,
    pub min_fill_seconds: u32,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<WebForm> for FormJson {
    fn from(f: WebForm) -> Self {
        let s = f.settings;
        Self {
            id: f.id.as_uuid(),
            action: format!("/f/{}", f.key),
            key: f.key,
            name: s.name,
            fields: s
                .fields
                .into_iter()
                .map(|x| FormFieldJson {
                    field: x.field.as_str().to_owned(),
                    required: x.required,
                })
                .collect(),
            campaign: s.campaign,
            products: s.products,
            thank_you_url: s.thank_you_url,
            thank_you_message: s.thank_you_message,
            allowed_origins: s.allowed_origins,
            daily_cap: s.daily_cap,
            min_fill_seconds: s.min_fill_seconds,
            team_id: s.team_id.map(|t| t.as_uuid()),
            active: s.active,
            created_by: f.created_by.map(|u| u.as_uuid()),
            created_at: f.created_at,
            updated_at: f.updated_at,
            version: f.version,
        }
    }
}

/// Forms, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormListJson {
    pub items: Vec<FormJson>,
}

/// A submission as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionJson {
    pub id: Uuid,
    pub form_id: Uuid,
    /// accepted, spam or held.
    pub status: String,
    /// Why it is spam or held: honeypot, too_fast, no_timing, daily_cap.
    pub reason: Option<String>,
    pub lead_id: Option<Uuid>,
    /// The visitor's answers.
    pub payload: BTreeMap<String, String>,
    pub visitor_id: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    pub referrer: Option<String>,
    pub landing_page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub received_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<Uuid>,
}

impl From<Submission> for SubmissionJson {
    fn from(s: Submission) -> Self {
        let c = s.context;
        Self {
            id: s.id.as_uuid(),
            form_id: s.form_id.as_uuid(),
            status: s.status.as_str().to_owned(),
            reason: s.reason,
            lead_id: s.lead_id.map(|l| l.as_uuid()),
            payload: s.payload,
            visitor_id: c.visitor_id,
            utm_source: c.utm_source,
            utm_medium: c.utm_medium,
            utm_campaign: c.utm_campaign,
            utm_term: c.utm_term,
            utm_content: c.utm_content,
            referrer: c.referrer,
            landing_page: c.landing_page,
            ip: c.ip,
            user_agent: c.user_agent,
            received_at: s.received_at,
            reviewed_at: s.reviewed_at,
            reviewed_by: s.reviewed_by.map(|u| u.as_uuid()),
        }
    }
}

/// Submissions, newest first (at most 500).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionListJson {
    pub items: Vec<SubmissionJson>,
}

/// Which submissions to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionQuery {
    /// `spam`, `held` (default) or `accepted`.
    pub status: Option<String>,
}

/// Which snippet to render.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SnippetQuery {
    /// `en` (default), `fa` or `ro`.
    pub lang: Option<String>,
    /// The address visitors reach Sarnakh at, e.g. `https://crm.example.ro` (default: this
    /// request's host).
    pub base: Option<String>,
}

/// The forms routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_forms, create_form))
        .routes(routes!(get_form, replace_form))
        .routes(routes!(form_submissions))
        .routes(routes!(accept_submission))
        .routes(routes!(form_snippet))
        .routes(routes!(lead_origin))
}

/// Every form, newest first.
#[utoipa::path(get, path = "/api/v1/forms", tag = "forms", responses((status = 200, body = FormListJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_forms(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<FormListJson>> {
    let items = app.services.list_forms(&actor).await?;
    Ok(axum::Json(FormListJson {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Define a web form (marketing, sales managers, admins).
#[utoipa::path(post, path = "/api/v1/forms", tag = "forms", request_body = FormRequest,
    responses((status = 201, body = FormJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_form(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<FormRequest>,
) -> ApiResult<impl IntoResponse> {
    let form = app.services.create_form(&actor, &body.into()).await?;
    Ok((
        StatusCode::CREATED,
        etag(form.version),
        axum::Json(FormJson::from(form)),
    ))
}

/// One form.
#[utoipa::path(get, path = "/api/v1/forms/{id}", tag = "forms", params(("id" = String, Path)),
    responses((status = 200, body = FormJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_form(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let form = app
        .services
        .get_form(&actor, parse_id(&id, "form")?)
        .await?;
    Ok((etag(form.version), axum::Json(FormJson::from(form))))
}

/// Replace a form's settings (its key and address stay). `If-Match` guards against
/// overwriting someone else's change.
#[utoipa::path(put, path = "/api/v1/forms/{id}", tag = "forms", params(("id" = String, Path)), request_body = FormRequest,
    responses((status = 200, body = FormJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn replace_form(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FormRequest>,
) -> ApiResult<impl IntoResponse> {
    let form = app
        .services
        .update_form(
            &actor,
            parse_id(&id, "form")?,
            &body.into(),
            if_match(&headers)?,
        )
        .await?;
    Ok((etag(form.version), axum::Json(FormJson::from(form))))
}

/// A form's held (default), spam or accepted submissions, for review.
#[utoipa::path(get, path = "/api/v1/forms/{id}/submissions", tag = "forms", params(("id" = String, Path), SubmissionQuery),
    responses((status = 200, body = SubmissionListJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn form_submissions(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubmissionQuery>,
) -> ApiResult<axum::Json<SubmissionListJson>> {
    let status = match q.status.as_deref() {
        None => SubmissionStatus::Held,
        Some(raw) => SubmissionStatus::parse(raw).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                "status",
                format!("{raw:?} is not one of: {}", SubmissionStatus::expected()),
            )
        })?,
    };
    let items = app
        .services
        .form_submissions(&actor, parse_id(&id, "form")?, status)
        .await?;
    Ok(axum::Json(SubmissionListJson {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Make a lead of a held or spam submission after review.
#[utoipa::path(post, path = "/api/v1/form-submissions/{id}/accept", tag = "forms", params(("id" = String, Path)),
    responses((status = 201, description = "the lead made; see /api/v1/leads/{id}"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn accept_submission(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let lead = app
        .services
        .accept_submission(&actor, parse_id(&id, "submission")?)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "lead_id": lead.id.as_uuid() })),
    ))
}

/// The form as HTML to paste into a web page: the fields with labels in the chosen language
/// (Persian right to left), the spam trap, and a small script that records when the form was
/// shown, the visit's UTM parameters, referrer and landing page, and the visitor id cookie.
#[utoipa::path(get, path = "/api/v1/forms/{id}/snippet", tag = "forms", params(("id" = String, Path), SnippetQuery),
    responses((status = 200, description = "HTML to copy (sent as text/plain)", content_type = "text/plain"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn form_snippet(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SnippetQuery>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let form = app
        .services
        .get_form(&actor, parse_id(&id, "form")?)
        .await?;
    let lang = snippet::Lang::parse(q.lang.as_deref().unwrap_or("en"))
        .ok_or_else(|| ApiError::bad_request("invalid_query", "lang", "one of: en, fa, ro"))?;
    let base = match q.base {
        Some(base) => snippet::base_url(&base).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                "base",
                "an http(s) address such as https://crm.example.ro",
            )
        })?,
        None => format!(
            "http://{}",
            headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1:8080")
        ),
    };
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        snippet::render(&form, lang, &base),
    ))
}

/// Where a lead came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginJson {
    /// The web form submission that made the lead; null if it did not come from a form.
    pub submission: Option<SubmissionJson>,
}

/// The web form submission a lead came from, with the visit's UTM parameters.
#[utoipa::path(get, path = "/api/v1/leads/{id}/origin", tag = "forms", params(("id" = String, Path)),
    responses((status = 200, body = OriginJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lead_origin(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<OriginJson>> {
    let id = parse_id(&id, "lead")?;
    let submission = app.services.lead_origin(&actor, id).await?;
    Ok(axum::Json(OriginJson {
        submission: submission.map(Into::into),
    }))
}
