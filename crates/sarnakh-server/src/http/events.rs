//! `POST /api/v1/events`: batches of engagement events (page views, downloads, webinars ...)
//! for behaviour scoring. Bodies up to 8 MiB (10,000 events); bad events are listed by their
//! position, the others are recorded, and a batch sent twice is recorded once. Events of an
//! anonymous visitor wait under the visitor id until the visitor becomes a lead.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiResult, FieldErrorJson, Problem};
use super::extract::ApiJson;
use axum::extract::{DefaultBodyLimit, State};
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::service::IngestReport;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest events batch body, in bytes.
pub const EVENTS_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// One engagement event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// Your id for the event; sending it again records nothing new.
    pub id: Option<String>,
    /// page_view, content_download, webinar_registered, webinar_attended, email_opened,
    /// email_clicked, demo_requested, form_submitted, event_met or custom.
    pub kind: Option<String>,
    /// The lead, by id ...
    pub lead_id: Option<String>,
    /// ... or by email address ...
    pub email: Option<String>,
    /// ... or by anonymous visitor id (a website cookie): kept until the visitor becomes a
    /// lead (captured with this `visitor_id`), then it joins the lead and its score.
    pub visitor_id: Option<String>,
    /// The page or link.
    pub url: Option<String>,
    /// RFC 3339; default now.
    pub occurred_at: Option<String>,
}

/// A batch of events.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatchRequest {
    /// Up to 10,000 events.
    pub events: Vec<EventRequest>,
}

/// An event refused, by its position in the batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedEventJson {
    pub index: usize,
    pub errors: Vec<FieldErrorJson>,
}

/// What a batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestReportJson {
    /// Events recorded now.
    pub accepted: usize,
    /// Events recorded by an earlier batch (same id).
    pub duplicates: usize,
    /// Refused events; all others were recorded.
    pub rejected: Vec<RejectedEventJson>,
}

impl From<IngestReport> for IngestReportJson {
    fn from(r: IngestReport) -> Self {
        let rejected = r
            .rejected
            .into_iter()
            .map(|x| RejectedEventJson {
                index: x.index,
                errors: x
                    .errors
                    .into_iter()
                    .map(|e| FieldErrorJson {
                        field: e.field,
                        code: e.code.to_owned(),
                        message: e.message,
                    })
                    .collect(),
            })
            .collect();
        Self {
            accepted: r.accepted,
            duplicates: r.duplicates,
            rejected,
        }
    }
}

/// The events route, with its larger body limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest_events))
        .layer(DefaultBodyLimit::max(EVENTS_BODY_LIMIT))
}

/// Record a batch of engagement events; the leads they belong to are rescored.
#[utoipa::path(post, path = "/api/v1/events", tag = "playbook", request_body = EventBatchRequest,
    responses((status = 200, body = IngestReportJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn ingest_events(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<EventBatchRequest>,
) -> ApiResult<axum::Json<IngestReportJson>> {
    let drafts: Vec<EventDraft> = body
        .events
        .into_iter()
        .map(|e| EventDraft {
            id: e.id,
            kind: e.kind,
            lead_id: e.lead_id,
            email: e.email,
            visitor_id: e.visitor_id,
            url: e.url,
            occurred_at: e.occurred_at,
        })
        .collect();
    Ok(axum::Json(
        app.services.ingest_events(&actor, &drafts).await?.into(),
    ))
}
