//! Request ids and the access log. Every request gets an id: a sane incoming
//! `X-Request-Id` (1-128 of `A-Z a-z 0-9 - _ . : / + =`) is kept, anything else is replaced
//! by a new UUIDv7. The id goes back in the response header, into a tracing span that
//! every log line of the request carries, and into 5xx problem bodies.
//! Logs name the route template, never the raw path or query (they may hold secrets).

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the id both ways.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Whether an incoming id is safe to keep and log.
pub fn is_sane(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b))
}

/// Middleware: assigns the id, runs the request in its span, logs its end, and answers
/// with the id in `X-Request-Id`.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane(v))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let value = HeaderValue::from_str(&id).expect("a sane id or a UUID is a valid header");
    request
        .headers_mut()
        .insert(X_REQUEST_ID.clone(), value.clone());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let quiet = matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics");
    // At error level, so that no `RUST_LOG` that lets any line through drops the span, and
    // with it the id, from that line.
    let span = tracing::error_span!("request", request_id = %id, method = %request.method(), route = %route);
    let started = Instant::now();
    let mut response = CURRENT
        .scope(id, next.run(request))
        .instrument(span.clone())
        .await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, ms, "request failed");
        } else if quiet {
            tracing::debug!(status, ms, "request");
        } else {
            tracing::info!(status, ms, "request");
        }
    });
    response.headers_mut().insert(X_REQUEST_ID.clone(), value);
    response
}
