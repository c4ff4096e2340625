//! The calendar feed: `POST /api/v1/me/calendar-token` makes (or replaces) the caller's
//! secret feed address, shown once; `DELETE` turns the feed off; `GET /calendar/{secret}.ics`
//! (no session: calendar apps cannot sign in) answers the owner's open follow-ups as an
//! iCalendar file (RFC 5545, written by the `icalendar` crate). An unknown or revoked
//! secret is `404`; fetches are limited per client address like the public form.

use super::AppState;
use super::auth::Authenticated;
use super::error::{ApiError, ApiResult, Problem};
use super::public_form::ClientIp;
use crate::mail::record_path;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use sarnakh_core::domain::Task;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The base URL of links (the `public_url` setting), when `serve` knows one.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

/// A new calendar feed address: shown once, never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedJson {
    /// The address to subscribe to in a calendar app.
    pub url: String,
    /// The secret in it.
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

/// The documented routes (token management).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_calendar_token, revoke_calendar_token))
}

/// The feed itself (outside the JSON API).
pub fn feed_router() -> axum::Router<AppState> {
    axum::Router::new().route("/calendar/{file}", get(feed))
}

/// The base of links: the `public_url` setting, else the request's own host.
pub fn base_url(public: Option<&PublicUrl>, headers: &HeaderMap) -> String {
    match public {
        Some(PublicUrl(url)) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost:8080");
            format!("http://{host}")
        }
    }
}

/// Make (or replace) your calendar feed address; the old one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-token", tag = "access",
    responses((status = 201, body = CalendarFeedJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn create_calendar_token(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    public: Option<axum::Extension<PublicUrl>>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let secret = app.services.create_calendar_token(&actor).await?;
    let created_at = app
        .services
        .calendar_token_at(&actor)
        .await?
        .unwrap_or_else(Utc::now);
    let base = base_url(public.as_ref().map(|e| &e.0), &headers);
    Ok((
        StatusCode::CREATED,
        axum::Json(CalendarFeedJson {
            url: format!("{base}/calendar/{secret}.ics"),
            secret,
            created_at,
        }),
    ))
}

/// Turn your calendar feed off (its address answers 404 from now on).
#[utoipa::path(delete, path = "/api/v1/me/calendar-token", tag = "access",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_calendar_token(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<StatusCode> {
    app.services.revoke_calendar_token(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn feed(
    State(app): State<AppState>,
    Path(file): Path<String>,
    ClientIp(ip): ClientIp,
    public: Option<axum::Extension<PublicUrl>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Err(wait) = app.limiter.check_calendar(ip).await {
        return Err(sarnakh_core::Error::RateLimited { retry_after: wait }.into());
    }
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no calendar feed at this address",
        )
    };
    let secret = file.strip_suffix(".ics").ok_or_else(not_found)?;
    let (user, tasks) = app
        .services
        .calendar_feed(secret)
        .await
        .map_err(|e| match e {
            sarnakh_core::Error::NotFound { .. } => not_found(),
            other => other.into(),
        })?;
    let base = base_url(public.as_ref().map(|e| &e.0), &headers);
    let body = calendar(&user.display_name, &tasks, &base).to_string();
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}

/// Text as iCalendar wants it: one kind of line break (the crate escapes `\n`, `,`, `;`).
fn text(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// The feed: one 15-minute event per open follow-up at its due time (in UTC), with a
/// stable UID, the record's link, and SEQUENCE following the task's version (tasks do not
/// keep an edit time, so LAST-MODIFIED is their creation).
pub fn calendar(owner: &str, tasks: &[Task], base: &str) -> Calendar {
    let mut cal = Calendar::new();
    cal.name(&text(&format!("Sarnakh: {owner}")));
    cal.append_property(("X-PUBLISHED-TTL", "PT15M"));
    for t in tasks {
        let link = match t.subject {
            Some(r) => format!("{base}{}", record_path(r)),
            None => format!("{base}/follow-ups"),
        };
        let mut event = Event::with_uid(&format!("task-{}@sarnakh", t.id));
        event
            .summary(&text(&t.title))
            .starts(t.due_at)
            .ends(t.due_at + Duration::minutes(15))
            .url(&link)
            .created(t.created_at)
            .last_modified(t.created_at)
            .sequence(u32::try_from(t.version.saturating_sub(1)).unwrap_or(0));
        let mut description = t.notes.as_deref().map(text).unwrap_or_default();
        if !description.is_empty() {
            description.push('\n');
        }
        description.push_str(&link);
        event.description(&description);
        cal.push(event.done());
    }
    cal.done()
}
