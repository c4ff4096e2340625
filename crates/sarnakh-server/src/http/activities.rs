//! `/api/v1/activities`, `/api/v1/tasks` and `/api/v1/users`: what happened, what to do
//! next and by whom.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match, parse_id};
use super::list::{enum_param, page_request, page_type};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::task::DueFilter;
use sarnakh_core::domain::{Activity, Task, User, UserId};
use sarnakh_core::service::{ActivityDraft, TaskDraft};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Something that happened on a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityJson {
    pub id: Uuid,
    /// `lead`, `contact`, `account` or `opportunity`.
    pub subject_type: String,
    pub subject_id: Uuid,
    /// call, email, meeting, demo or note.
    pub kind: String,
    /// connected, left_voicemail, no_answer, wrong_contact, completed or rescheduled.
    pub outcome: Option<String>,
    pub summary: String,
    pub body: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<Activity> for ActivityJson {
    fn from(a: Activity) -> Self {
        Self {
            id: a.id.as_uuid(),
            subject_type: a.subject.kind().to_owned(),
            subject_id: a.subject.uuid(),
            kind: a.kind.as_str().to_owned(),
            outcome: a.outcome.map(|o| o.as_str().to_owned()),
            summary: a.summary,
            body: a.body,
            occurred_at: a.occurred_at,
            owner_id: a.owner_id.map(|o| o.as_uuid()),
            created_at: a.created_at,
        }
    }
}

/// A follow-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskJson {
    pub id: Uuid,
    pub version: i64,
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub title: String,
    pub notes: Option<String>,
    pub due_at: DateTime<Utc>,
    pub owner_id: Uuid,
    pub completed_at: Option<DateTime<Utc>>,
    /// True when open and past due.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Task> for TaskJson {
    fn from(t: Task) -> Self {
        Self {
            id: t.id.as_uuid(),
            version: t.version,
            subject_type: t.subject.map(|s| s.kind().to_owned()),
            subject_id: t.subject.map(|s| s.uuid()),
            overdue: t.is_overdue(Utc::now()),
            title: t.title,
            notes: t.notes,
            due_at: t.due_at,
            owner_id: t.owner_id.as_uuid(),
            completed_at: t.completed_at,
            created_at: t.created_at,
        }
    }
}

/// A user (owner of records and tasks).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserJson {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// admin, sales_manager, sales_rep or marketing.
    pub role: String,
    /// The language of their pages and mails: en, fa or ro.
    pub locale: String,
    /// Their IANA time zone.
    pub time_zone: String,
    /// Whether they get the daily email digest (on `/api/v1/me` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_digest: Option<bool>,
}

impl From<User> for UserJson {
    fn from(u: User) -> Self {
        Self {
            id: u.id.as_uuid(),
            email: u.email,
            display_name: u.display_name,
            role: u.role.as_str().to_owned(),
            locale: u.locale.as_str().to_owned(),
            time_zone: u.time_zone,
            email_digest: None,
        }
    }
}

page_type!(TaskPage, TaskJson);

/// A new activity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivityRequest {
    /// `lead`, `contact`, `account` or `opportunity`.
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    /// call, email, meeting, demo or note.
    pub kind: Option<String>,
    /// connected, left_voicemail, no_answer, wrong_contact, completed or rescheduled.
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    /// RFC 3339; default now.
    pub occurred_at: Option<String>,
    pub owner_id: Option<Uuid>,
}

/// A new follow-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskRequest {
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub title: Option<String>,
    pub notes: Option<String>,
    /// RFC 3339 time, or YYYY-MM-DD (09:00 UTC that day).
    pub due_at: Option<String>,
    /// Who must do it.
    pub owner_id: Option<Uuid>,
}

/// Follow-up list parameters (soonest due first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListQuery {
    /// overdue, today, week, open (default) or done.
    pub due: Option<String>,
    pub owner: Option<Uuid>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The activity, task and user routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_activity))
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task))
        .routes(routes!(complete_task))
        .routes(routes!(reschedule_task))
        .routes(routes!(list_users))
}

/// Log a call, email, meeting, demo or note on any record.
#[utoipa::path(post, path = "/api/v1/activities", tag = "follow-ups", request_body = CreateActivityRequest,
    responses((status = 201, body = ActivityJson), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_activity(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(b): ApiJson<CreateActivityRequest>,
) -> ApiResult<impl IntoResponse> {
    let draft = ActivityDraft {
        subject_type: b.subject_type,
        subject_id: b.subject_id,
        kind: b.kind,
        outcome: b.outcome,
        summary: b.summary,
        body: b.body,
        occurred_at: b.occurred_at,
        owner_id: b.owner_id.map(UserId::from_uuid),
    };
    let activity = app.services.log_activity(&actor, &draft).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ActivityJson::from(activity)),
    ))
}

/// Follow-ups due overdue, today, this week, all open, or done.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "follow-ups", params(TaskListQuery), responses((status = 200, body = TaskPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list_tasks(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<TaskListQuery>,
) -> ApiResult<axum::Json<TaskPage>> {
    let due = enum_param(
        "due",
        q.due.as_deref(),
        DueFilter::parse,
        DueFilter::expected,
    )?
    .unwrap_or(DueFilter::Open);
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let tasks = app
        .services
        .list_tasks(&actor, due, q.owner.map(UserId::from_uuid), None, &page)
        .await?;
    Ok(axum::Json(TaskPage::from_page(tasks)))
}

/// Schedule a follow-up ("call Ali again in a month").
#[utoipa::path(post, path = "/api/v1/tasks", tag = "follow-ups", request_body = CreateTaskRequest, responses((status = 201, body = TaskJson), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_task(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(b): ApiJson<CreateTaskRequest>,
) -> ApiResult<impl IntoResponse> {
    let draft = TaskDraft {
        subject_type: b.subject_type,
        subject_id: b.subject_id,
        title: b.title,
        notes: b.notes,
        due_at: b.due_at,
        owner_id: b.owner_id.map(UserId::from_uuid),
    };
    let task = app.services.create_task(&actor, &draft).await?;
    Ok((
        StatusCode::CREATED,
        etag(task.version),
        axum::Json(TaskJson::from(task)),
    ))
}

/// Read a follow-up.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200, body = TaskJson), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_task(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let task = app
        .services
        .get_task(&actor, parse_id(&id, "task")?)
        .await?;
    Ok((etag(task.version), axum::Json(TaskJson::from(task))))
}

/// Mark a follow-up done.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/complete", tag = "follow-ups", params(("id" = String, Path)),
    responses((status = 200, body = TaskJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json")))]
pub async fn complete_task(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let task = app
        .services
        .complete_task(&actor, parse_id(&id, "task")?, if_match(&headers)?)
        .await?;
    Ok((etag(task.version), axum::Json(TaskJson::from(task))))
}

/// A follow-up's new due date or time.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleRequest {
    /// `YYYY-MM-DD` (09:00 UTC) or an RFC 3339 time.
    pub due_at: Option<String>,
}

/// Move an open follow-up to another due date or time.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reschedule", tag = "follow-ups", params(("id" = String, Path)), request_body = RescheduleRequest,
    responses((status = 200, body = TaskJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reschedule_task(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RescheduleRequest>,
) -> ApiResult<impl IntoResponse> {
    let due = body.due_at.unwrap_or_default();
    let task = app
        .services
        .reschedule_task(&actor, parse_id(&id, "task")?, &due, if_match(&headers)?)
        .await?;
    Ok((etag(task.version), axum::Json(TaskJson::from(task))))
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/users", tag = "follow-ups", responses((status = 200, body = Vec<UserJson>)))]
pub async fn list_users(
    State(app): State<AppState>,
    Authenticated(_actor): Authenticated,
) -> ApiResult<axum::Json<Vec<UserJson>>> {
    Ok(axum::Json(
        app.services
            .list_users()
            .await?
            .into_iter()
            .map(UserJson::from)
            .collect(),
    ))
}
