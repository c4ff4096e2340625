//! The HTML interface: server-rendered pages (askama templates, escaped by default), the
//! stylesheet and script embedded in the binary, every text from the Fluent files. Pages
//! call the same services as the JSON API; forms post back with a CSRF token and answer
//! `303 See Other`.

mod bulk;
mod contacts;
mod dashboard;
mod dashboard_forecast;
mod edit;
mod edit_form;
mod followups;
mod format;
mod history;
mod i18n;
mod inbox;
mod lead_actions;
mod lead_list;
mod leads;
mod login;
mod opportunity;
mod pipeline;
mod profile;
mod profile_mail;
mod record_lists;
mod records;
mod session;
mod settings;
mod views;

pub use i18n::{Lang, Tr};
pub use session::WebUser;

use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

/// The pages and their assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/static/sarnakh.css", get(stylesheet))
        .route("/static/sarnakh.js", get(script))
        .merge(login::router())
        .merge(inbox::router())
        .merge(leads::router())
        .merge(lead_list::router())
        .merge(pipeline::router())
        .merge(lead_actions::router())
        .merge(followups::router())
        .merge(records::router())
        .merge(record_lists::router())
        .merge(contacts::router())
        .merge(opportunity::router())
        .merge(edit::router())
        .merge(bulk::router())
        .merge(views::router())
        .merge(history::router())
        .merge(dashboard::router())
        .merge(profile::router())
        .merge(profile_mail::router())
        .merge(settings::router())
}

async fn stylesheet() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/sarnakh.css"),
    )
}

async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/sarnakh.js"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// A rendered page with a status.
pub struct Page<T: Template>(pub StatusCode, pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.1.render() {
            Ok(html) => (self.0, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "a page did not render");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// What every signed-in page's frame shows.
pub struct Frame {
    /// Texts in the user's language.
    pub tr: Tr,
    /// The user's name.
    pub user_name: String,
    /// The form token of the session.
    pub csrf: String,
    /// Which navigation entry is current (`inbox`, `leads`).
    pub current: &'static str,
    /// Whether the navigation offers the settings (managers, marketing, admins).
    pub settings: bool,
}

impl Frame {
    /// The frame of `user`'s page `current`.
    pub fn of(user: &WebUser, current: &'static str) -> Self {
        Self {
            tr: user.tr,
            user_name: user.user.display_name.clone(),
            csrf: user.csrf.clone(),
            current,
            settings: user.user.role != sarnakh_core::domain::Role::SalesRep,
        }
    }
}

/// A stage's name in the reader's language: the label set for that language, else the
/// interface's own name of a default stage never renamed (`pipeline-stage-<key>`), else its
/// name.
pub fn stage_label(tr: Tr, stage: &sarnakh_core::domain::PipelineStage) -> String {
    if let Some(own) = stage.own_label(tr.lang.tag()) {
        return own.to_owned();
    }
    if stage.has_default_name() {
        return tr.t_or(&format!("pipeline-stage-{}", stage.key), &stage.name);
    }
    stage.name.clone()
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub tr: Tr,
    /// The explanation's message id.
    pub message: &'static str,
    /// Field problems, already in words.
    pub details: Vec<String>,
}

/// A service error as a page in `tr`'s language.
pub fn error_page(tr: Tr, error: sarnakh_core::Error) -> Response {
    use sarnakh_core::Error;
    let (status, message, details) = match error {
        Error::NotFound { .. } => (StatusCode::NOT_FOUND, "error-not-found", Vec::new()),
        Error::Forbidden(_) => (StatusCode::FORBIDDEN, "error-forbidden", Vec::new()),
        Error::Validation(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-invalid",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect(),
        ),
        Error::UnmetCriteria { unmet, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-invalid",
            unmet.iter().map(|u| u.message.clone()).collect(),
        ),
        Error::Conflict(_) | Error::PreconditionFailed { .. } | Error::IllegalTransition { .. } => {
            (StatusCode::CONFLICT, "error-conflict", Vec::new())
        }
        e => {
            tracing::error!(error = %e, "a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
                Vec::new(),
            )
        }
    };
    Page(
        status,
        ErrorPage {
            tr,
            message,
            details,
        },
    )
    .into_response()
}
