//! `/api/v1/webhooks`: subscriptions (admins only) with a signing secret shown once, at
//! creation and rotation; a subscription's deliveries (`?status=dead`: the dead-letter list)
//! and manual replay of one delivery. Sending is the relay job's (`crate::webhooks`).

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, ApiQuery, etag, if_match, parse_id};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::webhook::{Delivery, DeliveryStatus, Webhook, WebhookDraft};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A subscription to add, or the fields to change (PATCH: only those given).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// http or https URL; loopback, private and link-local targets are refused.
    pub url: Option<String>,
    /// Event types (`lead.created`, `opportunity.won`, `task.overdue` ...) or `["*"]`.
    pub events: Option<Vec<String>>,
    /// Default true.
    pub active: Option<bool>,
    /// A note for the admins (empty clears it).
    pub description: Option<String>,
}

impl From<WebhookRequest> for WebhookDraft {
    fn from(r: WebhookRequest) -> Self {
        Self {
            url: r.url,
            events: r.events,
            active: r.active,
            description: r.description,
        }
    }
}

/// A subscription. `secret` only in the answers of creation and rotation.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookJson {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub description: Option<String>,
    /// The HMAC-SHA256 signing secret: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl WebhookJson {
    /// The wire form; `with_secret` only when the secret is shown (creation, rotation).
    pub fn new(w: Webhook, with_secret: bool) -> Self {
        Self {
            id: w.id.as_uuid(),
            url: w.url,
            events: w.events,
            active: w.active,
            description: w.description,
            secret: with_secret.then_some(w.secret),
            created_by: w.created_by.map(|u| u.as_uuid()),
            created_at: w.created_at,
            updated_at: w.updated_at,
            version: w.version,
        }
    }
}

/// Every subscription, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookListJson {
    pub items: Vec<WebhookJson>,
}

/// One event's delivery to one subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryJson {
    /// Also the `Sarnakh-Delivery` header: the same on every retry (idempotency key).
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    /// pending, delivering, delivered or dead.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub response_code: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The JSON body sent.
    pub payload: serde_json::Value,
}

impl From<Delivery> for WebhookDeliveryJson {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id.as_uuid(),
            webhook_id: d.webhook_id.as_uuid(),
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error,
            response_code: d.response_code,
            created_at: d.created_at,
            updated_at: d.updated_at,
            delivered_at: d.delivered_at,
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A subscription's deliveries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryListJson {
    pub items: Vec<WebhookDeliveryJson>,
}

/// Which deliveries to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only this status: pending, delivering, delivered or dead (the dead-letter list).
    pub status: Option<String>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<u32>,
}

/// The webhook routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(replay_webhook_delivery))
}

/// Every subscription (admins).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = WebhookListJson), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_webhooks(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<WebhookListJson>> {
    let items = app.services.list_webhooks(&actor).await?;
    Ok(axum::Json(WebhookListJson {
        items: items
            .into_iter()
            .map(|w| WebhookJson::new(w, false))
            .collect(),
    }))
}

/// Add a subscription (admins); the answer holds the signing secret, shown once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookRequest,
    responses((status = 201, body = WebhookJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_webhook(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<impl IntoResponse> {
    let hook = app.services.create_webhook(&actor, &body.into()).await?;
    Ok((
        StatusCode::CREATED,
        etag(hook.version),
        axum::Json(WebhookJson::new(hook, true)),
    ))
}

/// One subscription (without its secret).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = WebhookJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_webhook(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let hook = app
        .services
        .get_webhook(&actor, parse_id(&id, "webhook")?)
        .await?;
    Ok((
        etag(hook.version),
        axum::Json(WebhookJson::new(hook, false)),
    ))
}

/// Change a subscription's url, events, active flag or description (`If-Match` guards
/// against lost updates).
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)), request_body = WebhookRequest,
    responses((status = 200, body = WebhookJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_webhook(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<WebhookRequest>,
) -> ApiResult<impl IntoResponse> {
    let id = parse_id(&id, "webhook")?;
    let hook = app
        .services
        .update_webhook(&actor, id, &body.into(), if_match(&headers)?)
        .await?;
    Ok((
        etag(hook.version),
        axum::Json(WebhookJson::new(hook, false)),
    ))
}

/// Remove a subscription and its deliveries.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_webhook(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.services
        .delete_webhook(&actor, parse_id(&id, "webhook")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the signing secret; the answer holds the new one, shown once.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = WebhookJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn rotate_webhook_secret(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let hook = app
        .services
        .rotate_webhook_secret(&actor, parse_id(&id, "webhook")?)
        .await?;
    Ok((etag(hook.version), axum::Json(WebhookJson::new(hook, true))))
}

/// A subscription's deliveries, newest first; `?status=dead` is the dead-letter list.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = String, Path), DeliveryQuery),
    responses((status = 200, body = WebhookDeliveryListJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_webhook_deliveries(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> ApiResult<axum::Json<WebhookDeliveryListJson>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(DeliveryStatus::parse(raw).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                "status",
                format!("{raw:?} is not one of: {}", DeliveryStatus::expected()),
            )
        })?),
    };
    let items = app
        .services
        .list_webhook_deliveries(
            &actor,
            parse_id(&id, "webhook")?,
            status,
            q.limit.unwrap_or(100),
        )
        .await?;
    Ok(axum::Json(WebhookDeliveryListJson {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Send a dead (or delivered) delivery again, with the same delivery id and body.
#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/replay", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = WebhookDeliveryJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn replay_webhook_delivery(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<WebhookDeliveryJson>> {
    let d = app
        .services
        .replay_webhook_delivery(&actor, parse_id(&id, "delivery")?)
        .await?;
    Ok(axum::Json(d.into()))
}
