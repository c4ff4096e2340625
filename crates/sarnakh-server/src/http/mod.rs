//! The JSON API under `/api/v1`, its OpenAPI document and docs page, the health
//! probes and `/metrics`. Handlers parse, call one service function and map the result to wire types.

pub mod accounts;
pub mod activities;
pub mod auth;
pub mod calendar;
pub mod content;
mod docs;
pub mod duplicates;
pub mod error;
pub mod events;
pub mod experiments;
pub mod export;
pub mod extract;
pub mod forms;
mod health;
pub mod imports;
pub mod leads;
pub mod limits;
mod list;
pub mod metrics;
pub mod opportunities;
pub mod playbook;
pub mod prediction;
pub mod public_form;
pub mod reports;
pub mod request_id;
pub mod routing;
pub(crate) mod snippet;
pub mod stages;
pub mod timeline;
pub mod users;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use error::ApiError;
use sarnakh_core::service::Services;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;

/// Content security policy of every response: our own scripts only, never inline; no
/// framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// A layer that sets a security header on every response unless the handler set it.
fn header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub services: Services,
    /// Request rate buckets.
    pub limiter: std::sync::Arc<limits::Limiter>,
}

/// The whole HTTP application with the default rate limits.
pub fn app(services: Services) -> Router {
    app_with(services, limits::RateLimits::default())
}

/// The whole HTTP application with the given rate limits.
pub fn app_with(services: Services, rate_limits: limits::RateLimits) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(docs::base())
        .merge(leads::router())
        .merge(opportunities::router())
        .merge(accounts::router())
        .merge(activities::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(playbook::router())
        .merge(prediction::router())
        .merge(events::router())
        .merge(forms::router())
        .merge(duplicates::router())
        .merge(routing::router())
        .merge(export::router())
        .merge(imports::router())
        .merge(reports::router())
        .merge(experiments::router())
        .merge(content::router())
        .merge(calendar::router())
        .merge(stages::router())
        .merge(webhooks::router())
        .split_for_parts();
    let openapi = docs::finish(openapi);
    api.merge(docs::router(openapi))
        .merge(health::router())
        .merge(metrics::router())
        .merge(public_form::router())
        .merge(calendar::feed_router())
        .merge(crate::web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(AppState {
            limiter: std::sync::Arc::new(limits::Limiter::new(rate_limits, &services)),
            services,
        })
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_endpoint",
        format!("no endpoint at {}; see /api/docs", uri.path()),
    )
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}
