//! API errors as RFC 9457 `application/problem+json`, with a stable snake_case `code`,
//! per-field `errors`, and the extra members some problems carry (unmet criteria, the
//! current version). One `match` maps core errors to statuses; 5xx bodies stay generic.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sarnakh_core::Error;
use sarnakh_core::store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one request field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorJson {
    /// Dotted path of the field, e.g. `opportunities[0].amount`.
    pub field: String,
    /// Stable code, e.g. `invalid_email`.
    pub code: String,
    /// Human explanation.
    pub message: String,
}

/// A qualification criterion that is not met yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmetJson {
    /// Stable code, e.g. `need_recorded`.
    pub code: String,
    /// What to record or do.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation of this occurrence.
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    /// Per-field problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorJson>,
    /// Unmet qualification criteria (`unmet_criteria`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<UnmetJson>,
    /// The record's current state (`illegal_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<String>,
    /// The refused action (`illegal_transition`, `unmet_criteria`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested: Option<String>,
    /// The stored version (`precondition_failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// The records a refused capture looks like (`duplicate`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<super::duplicates::DuplicateJson>,
    /// The request's id (5xx only), to find its log lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    problem: Box<Problem>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// A problem with a status, code and detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            retry_after: None,
            problem: Box::new(Problem {
                type_: format!("urn:sarnakh:problem:{code}"),
                title: status.canonical_reason().unwrap_or("Error").to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                code: code.to_owned(),
                errors: Vec::new(),
                unmet: Vec::new(),
                current_state: None,
                requested: None,
                current_version: None,
                duplicates: Vec::new(),
                request_id: None,
            }),
        }
    }

    /// Adds per-field errors.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldErrorJson>) -> Self {
        self.problem.errors = errors;
        self
    }

    /// A 400 about one query parameter or header.
    pub fn bad_request(code: &str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(StatusCode::BAD_REQUEST, code, format!("{field}: {message}")).with_errors(vec![
            FieldErrorJson {
                field: field.to_owned(),
                code: code.to_owned(),
                message,
            },
        ])
    }

    /// The problem document.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let detail = e.to_string();
        match e {
            Error::Validation(errors) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                detail,
            )
            .with_errors(
                errors
                    .into_iter()
                    .map(|f| FieldErrorJson {
                        field: f.field,
                        code: f.code.to_owned(),
                        message: f.message,
                    })
                    .collect(),
            ),
            Error::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, "not_found", detail),
            Error::Conflict(_) => Self::new(StatusCode::CONFLICT, "conflict", detail),
            Error::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", detail),
            Error::Unauthenticated => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
            }
            Error::InvalidCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "invalid_credentials", detail)
            }
            Error::RateLimited { retry_after } => {
                let mut p = Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail);
                p.retry_after = Some(retry_after);
                p
            }
            Error::IllegalTransition { from, action } => {
                let mut p = Self::new(StatusCode::CONFLICT, "illegal_transition", detail);
                p.problem.current_state = Some(from);
                p.problem.requested = Some(action.to_owned());
                p
            }
            Error::UnmetCriteria { action, unmet } => {
                let mut p = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "unmet_criteria", detail);
                p.problem.requested = Some(action.to_owned());
                p.problem.unmet = unmet
                    .into_iter()
                    .map(|u| UnmetJson {
                        code: u.code.to_owned(),
                        message: u.message,
                    })
                    .collect();
                p
            }
            Error::PreconditionFailed { current } => {
                let mut p = Self::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition_failed",
                    detail,
                );
                p.problem.current_version = Some(current);
                p
            }
            Error::Duplicate(matches) => {
                let mut p = Self::new(StatusCode::CONFLICT, "duplicate", detail);
                p.problem.duplicates = matches.into_iter().map(Into::into).collect();
                p
            }
            Error::InsufficientHistory(_) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "insufficient_history",
                detail,
            ),
            Error::Store(StoreError::Conflict { constraint }) => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("the change conflicts with existing data ({constraint})"),
            ),
            Error::Store(StoreError::NotFound) => Self::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the record no longer exists",
            ),
            Error::Store(StoreError::StaleVersion) => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "the record was changed by someone else",
            ),
            Error::Store(other) => {
                tracing::error!(error = %other, "storage failure");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the database could not complete the request; retry shortly",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            // The body stays generic; the id leads an operator to the logged cause.
            if let Some(id) = super::request_id::current() {
                self.problem.detail = format!("{} (request id {id})", self.problem.detail);
                self.problem.request_id = Some(id);
            }
        }
        let body = serde_json::to_vec(&*self.problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"sarnakh\""),
            );
        }
        let retry = self
            .retry_after
            .or((status == StatusCode::SERVICE_UNAVAILABLE).then_some(1));
        if let Some(seconds) = retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
