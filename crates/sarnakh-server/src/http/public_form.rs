//! `POST /f/{key}`: the public web-to-lead endpoint. It takes
//! `application/x-www-form-urlencoded` (a plain HTML form: answered with a redirect to the
//! thank-you address or a small page) and JSON (a script: answered with JSON), limits each
//! client address and each form, and lets browsers post from the form's allowed origins
//! only (CORS). Spam is answered like success so robots learn nothing; invalid input is
//! answered with every field's error; a database failure is `503` with `Retry-After` and
//! writes nothing.

use super::AppState;
use super::error::{ApiError, ApiResult, FieldErrorJson};
use super::snippet::{self, Lang};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use sarnakh_core::domain::form::CaptureContext;
use sarnakh_core::service::{SubmissionInput, SubmissionOutcome};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

/// Largest form body.
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// The public form routes (outside the documented JSON API: they speak HTML forms too).
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/f/{key}", post(submit).options(preflight))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
}

/// The client's address, when the server knows it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// How the caller speaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Speaks {
    /// A plain HTML form post.
    Html(Lang),
    /// A script.
    Json,
}

async fn preflight(
    State(app): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let form = app.services.public_form(&key).await?;
    let origin = allowed_origin(&headers, |o| form.settings.allows_origin(o))?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    if let Some(origin) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    Ok(response)
}

async fn submit(
    State(app): State<AppState>,
    Path(key): Path<String>,
    ClientIp(ip): ClientIp,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    debug_assert_eq!(method, Method::POST);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let values = if content_type.starts_with("application/x-www-form-urlencoded") {
        Ok(url::form_urlencoded::parse(&body)
            .into_owned()
            .collect::<BTreeMap<String, String>>())
    } else if content_type.starts_with("application/json") {
        json_values(&body)
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/x-www-form-urlencoded or application/json",
        ))
    };
    let speaks = match &values {
        Ok(v) if content_type.starts_with("application/x-www-form-urlencoded") => Speaks::Html(
            v.get("_lang")
                .and_then(|l| Lang::parse(l))
                .unwrap_or(Lang::En),
        ),
        _ => Speaks::Json,
    };
    let mut origin = None;
    let result = async {
        let values = values?;
        if let Err(wait) = app.limiter.check_form(ip, &key).await {
            return Err(sarnakh_core::Error::RateLimited { retry_after: wait }.into());
        }
        let form = app.services.public_form(&key).await?;
        origin = allowed_origin(&headers, |o| form.settings.allows_origin(o))?;
        let input = SubmissionInput {
            values,
            context: CaptureContext {
                ip: ip.map(|i| i.to_string()),
                user_agent: header_text(&headers, header::USER_AGENT),
                referrer: header_text(&headers, header::REFERER),
                ..CaptureContext::default()
            },
        };
        Ok::<_, ApiError>(app.services.submit_form(&key, &input).await?)
    }
    .await;
    let mut response = match result {
        Ok(outcome) => answer(speaks, &outcome),
        Err(e) => refuse(speaks, e),
    };
    if let Some(origin) = origin {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

/// The `Origin` to echo when a browser posts from an allowed page; a browser posting from
/// any other page is refused (403). Requests without `Origin` (servers) pass.
fn allowed_origin(
    headers: &HeaderMap,
    allows: impl Fn(&str) -> bool,
) -> ApiResult<Option<HeaderValue>> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(None);
    };
    match origin.to_str() {
        Ok(o) if allows(o) => Ok(Some(origin.clone())),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "this form does not accept posts from that website; add its origin to the form's allowed_origins",
        )),
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(2000).collect())
}

/// A JSON object of text, numbers and booleans as posted values.
fn json_values(body: &[u8]) -> ApiResult<BTreeMap<String, String>> {
    let object: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not a JSON object: {e}"),
            )
        })?;
    let mut out = BTreeMap::new();
    let mut wrong = Vec::new();
    for (name, value) in object {
        match value {
            serde_json::Value::String(s) => {
                out.insert(name, s);
            }
            serde_json::Value::Number(n) => {
                out.insert(name, n.to_string());
            }
            serde_json::Value::Bool(b) => {
                out.insert(name, b.to_string());
            }
            serde_json::Value::Null => {}
            _ => wrong.push(FieldErrorJson {
                field: name,
                code: "wrong_type".into(),
                message: "expected text or a number".into(),
            }),
        }
    }
    if wrong.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "some values are neither text nor numbers",
        )
        .with_errors(wrong))
    }
}

fn answer(speaks: Speaks, outcome: &SubmissionOutcome) -> Response {
    match speaks {
        Speaks::Json => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({
                "status": "received",
                "redirect": outcome.thank_you_url,
                "message": outcome.thank_you_message,
            })),
        )
            .into_response(),
        Speaks::Html(lang) => match &outcome.thank_you_url {
            Some(url) => match HeaderValue::from_str(url) {
                Ok(location) => {
                    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
                }
                Err(_) => thanks_page(lang, outcome),
            },
            None => thanks_page(lang, outcome),
        },
    }
}

fn thanks_page(lang: Lang, outcome: &SubmissionOutcome) -> Response {
    let message = outcome
        .thank_you_message
        .clone()
        .unwrap_or_else(|| lang.thanks().to_owned());
    html(StatusCode::OK, snippet::page(lang, &message, &[]))
}

fn refuse(speaks: Speaks, error: ApiError) -> Response {
    let Speaks::Html(lang) = speaks else {
        return error.into_response();
    };
    let problem = error.problem();
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return error.into_response();
    }
    let lines: Vec<String> = if problem.errors.is_empty() {
        vec![problem.detail.clone()]
    } else {
        problem
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect()
    };
    html(status, snippet::page(lang, lang.fix(), &lines))
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}
