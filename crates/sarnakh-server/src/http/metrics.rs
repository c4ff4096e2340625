//! `GET /metrics` in the Prometheus text format, and the middleware that counts every
//! request by method, route template (never the raw path, so labels stay few) and status
//! class with its latency.
//!
//! Who may read it: when a metrics token is configured (`metrics_token`), any client that
//! sends `Authorization: Bearer <token>`; otherwise loopback clients only. Nothing here
//! reveals a record, but request rates and job health are still operator business.

use super::AppState;
use super::error::ApiError;
use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::service::{Actor, Services};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Who may read `/metrics`: put in the router as an extension by `sarnakh serve`.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// The bearer token required; `None`: loopback clients only.
    pub token: Option<Arc<str>>,
}

/// The `/metrics` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(app): State<AppState>, request: Request) -> Response {
    let access = request
        .extensions()
        .get::<MetricsAccess>()
        .cloned()
        .unwrap_or_default();
    if let Err(e) = allowed(&access, &request) {
        return e.into_response();
    }
    import_gauges(&app.services).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::handle().render(),
    )
        .into_response()
}

fn allowed(access: &MetricsAccess, request: &Request) -> Result<(), ApiError> {
    if let Some(token) = &access.token {
        let sent = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compare digests, so the time taken says nothing about the token.
        return if Sha256::digest(sent.as_bytes()) == Sha256::digest(token.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "/metrics needs the metrics token as a bearer token",
            ))
        };
    }
    let loopback = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "/metrics answers loopback clients only unless a metrics token is configured",
        ))
    }
}

/// Sets the import job gauges from the most recent jobs.
async fn import_gauges(services: &Services) {
    match services.list_import_jobs(&Actor::SYSTEM).await {
        Ok(jobs) => {
            for status in ["uploaded", "queued", "running"] {
                let n = jobs.iter().filter(|j| j.status == status).count();
                metrics::gauge!("sarnakh_import_jobs", "status" => status).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: could not count import jobs"),
    }
}

/// Middleware: counts the request and records its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    metrics::counter!("sarnakh_http_requests_total", "method" => method, "route" => route.clone(), "status" => status.clone())
        .increment(1);
    metrics::histogram!("sarnakh_http_request_duration_seconds", "method" => method, "route" => route, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}
