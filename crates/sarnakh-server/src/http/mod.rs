//! The JSON API under `/api/v1`, its OpenAPI document and docs page, and the health
//! probes. Handlers parse, call one service function and map the result to wire types.

pub mod accounts;
pub mod activities;
mod docs;
pub mod error;
pub mod extract;
mod health;
pub mod leads;
mod list;
pub mod opportunities;
pub mod timeline;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use error::ApiError;
use sarnakh_core::service::{Actor, Services};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub services: Services,
}

/// The acting user. Requests are not authenticated yet (that lands with user accounts and
/// API tokens); until then the server listens on loopback by default and acts as the system.
pub(crate) fn actor() -> Actor {
    Actor::SYSTEM
}

/// The whole HTTP application.
pub fn app(services: Services) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(docs::base())
        .merge(leads::router())
        .merge(opportunities::router())
        .merge(accounts::router())
        .merge(activities::router())
        .split_for_parts();
    let openapi = docs::finish(openapi);
    let request_id = HeaderName::from_static("x-request-id");
    api.merge(docs::router(openapi))
        .merge(health::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(AppState { services })
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
