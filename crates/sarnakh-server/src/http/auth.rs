//! Authentication for the JSON API: `Authorization: Bearer snk_...` becomes an [`Actor`]
//! with the policy's rights, and `/api/v1/me` lets a user see themselves and manage their
//! API tokens. Missing or bad credentials are a 401 problem with `WWW-Authenticate`.

use super::AppState;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, parse_id};
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::{ApiToken, TokenScope};
use sarnakh_core::service::Actor;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The authenticated caller.
pub struct Authenticated(pub Actor);

/// The session cookie: `__Host-` pins it to this host and path `/`, over a secure context
/// (TLS, or loopback for local use).
pub const SESSION_COOKIE: &str = "__Host-sarnakh";

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    /// A bearer token, or else the session cookie; a cookie-authenticated change must come
    /// from this site (strict `Origin` check) so other sites cannot forge it.
    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let result = if let Some(secret) = header.strip_prefix("Bearer ").map(str::trim) {
            let actor = app.services.authenticate_token(secret).await;
            if let Some(token) = actor.as_ref().ok().and_then(Actor::token_id) {
                app.limiter
                    .check_token(token)
                    .await
                    .map_err(|retry_after| {
                        ApiError::from(sarnakh_core::Error::RateLimited { retry_after })
                    })?;
            }
            actor
        } else if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            check_same_origin(parts)?;
            app.services.authenticate_session(&secret).await
        } else {
            return Err(unauthenticated(
                "sign in, or send an API token as Authorization: Bearer snk_...",
            ));
        };
        match result {
            Ok(actor) => Ok(Self(actor)),
            Err(sarnakh_core::Error::Unauthenticated) => Err(unauthenticated(
                "the credential is unknown, expired or revoked, or its user is disabled",
            )),
            Err(e) => Err(e.into()),
        }
    }
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(secret: &str, expires_at: DateTime<Utc>) -> String {
    let max_age = (expires_at - Utc::now()).num_seconds().max(0);
    format!("{SESSION_COOKIE}={secret}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Lax")
}

/// The `Set-Cookie` value that clears the session cookie.
pub const CLEARED_SESSION_COOKIE: &str =
    "__Host-sarnakh=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
}

/// Refuses a state-changing request whose `Origin` (or `Sec-Fetch-Site`) shows it comes
/// from another site.
fn check_same_origin(parts: &Parts) -> Result<(), ApiError> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
        || same_origin(&parts.headers)
    {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        "a signed-in change must come from this site's own pages",
    ))
}

/// Whether a request's `Origin` (or, without one, `Sec-Fetch-Site`) is this site.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let host = get(header::HOST).unwrap_or_default();
    // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with a form post;
    // `Sec-Fetch-Site` (which no page script can set) then tells where it came from.
    match get(header::ORIGIN).filter(|o| o != "null") {
        Some(origin) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host),
        None => get(header::HeaderName::from_static("sec-fetch-site"))
            .is_some_and(|s| s == "same-origin"),
    }
}

/// The peer address of the connection (`unknown` when served without one, as in tests).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(Self(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
}

/// Credentials to sign in with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// A new session (its secret is only in the `Set-Cookie` header).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionJson {
    pub user: super::activities::UserJson,
    pub expires_at: DateTime<Utc>,
}

/// Sign in: sets the session cookie. Unknown email and wrong password get the same 401;
/// repeated failures get 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/session", tag = "access", request_body = SignInRequest,
    responses((status = 201, body = SessionJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn sign_in(
    State(app): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<SignInRequest>,
) -> ApiResult<impl IntoResponse> {
    let signed = app
        .services
        .sign_in(&body.email, &body.password, &address)
        .await?;
    let cookie = session_cookie(&signed.secret, signed.expires_at);
    let body = SessionJson {
        user: signed.user.into(),
        expires_at: signed.expires_at,
    };
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        axum::Json(body),
    ))
}

/// Sign out: the session stops working at once and the cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "access", responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out(
    State(app): State<AppState>,
    headers: HeaderMap,
    Authenticated(_actor): Authenticated,
) -> ApiResult<impl IntoResponse> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        app.services.sign_out(&secret).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, CLEARED_SESSION_COOKIE)],
    ))
}

/// An API token as listed (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret.
    pub prefix: String,
    /// `read` or `write`.
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenJson {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.as_uuid(),
            name: t.name,
            prefix: t.prefix,
            scope: t.scope.as_str().to_owned(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token: the secret appears here once and is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenJson {
    #[serde(flatten)]
    pub token: TokenJson,
    /// The secret to send as `Authorization: Bearer ...`.
    pub secret: String,
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What it is for.
    pub name: String,
    /// `read` or `write` (default `read`).
    pub scope: Option<String>,
}

/// The authentication routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me, update_me))
        .routes(routes!(list_my_tokens, create_my_token))
        .routes(routes!(revoke_my_token))
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = super::activities::UserJson), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<super::activities::UserJson>> {
    let user = app.services.current_user(&actor).await?;
    let mut json: super::activities::UserJson = user.into();
    json.email_digest = Some(app.services.email_digest_on(&actor).await?);
    Ok(axum::Json(json))
}

/// Your own language, time zone and daily digest choice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesRequest {
    /// en, fa or ro.
    pub locale: Option<String>,
    /// An IANA time zone such as Asia/Tehran.
    pub time_zone: Option<String>,
    /// Whether to get the daily email digest of follow-ups and new leads.
    pub email_digest: Option<bool>,
}

/// Change your own language, time zone and daily digest choice.
#[utoipa::path(patch, path = "/api/v1/me", tag = "access", request_body = PreferencesRequest,
    responses((status = 200, body = super::activities::UserJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_me(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<PreferencesRequest>,
) -> ApiResult<axum::Json<super::activities::UserJson>> {
    let user = if body.locale.is_some() || body.time_zone.is_some() || body.email_digest.is_none() {
        let draft = sarnakh_core::domain::user::PreferencesDraft {
            locale: body.locale,
            time_zone: body.time_zone,
        };
        app.services.set_own_preferences(&actor, &draft).await?
    } else {
        app.services.current_user(&actor).await?
    };
    if let Some(on) = body.email_digest {
        app.services.set_email_digest(&actor, on).await?;
    }
    let mut json: super::activities::UserJson = user.into();
    json.email_digest = Some(app.services.email_digest_on(&actor).await?);
    Ok(axum::Json(json))
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "access", responses((status = 200, body = Vec<TokenJson>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_my_tokens(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<Vec<TokenJson>>> {
    let id = actor.user_id.ok_or_else(|| unauthenticated("no user"))?;
    Ok(axum::Json(
        app.services
            .list_tokens(&actor, id)
            .await?
            .into_iter()
            .map(TokenJson::from)
            .collect(),
    ))
}

/// Create an API token for the caller; the secret is returned once.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "access", request_body = CreateTokenRequest,
    responses((status = 201, body = NewTokenJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_my_token(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> ApiResult<impl IntoResponse> {
    let id = actor.user_id.ok_or_else(|| unauthenticated("no user"))?;
    let scope = match body.scope.as_deref().map(str::trim) {
        None | Some("") => TokenScope::Read,
        Some(s) => TokenScope::parse(s).ok_or_else(|| {
            sarnakh_core::Error::field(
                "scope",
                "unknown_value",
                format!("{s:?} is not one of: read, write"),
            )
        })?,
    };
    let (token, secret) = app
        .services
        .create_token(&actor, id, &body.name, scope)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(NewTokenJson {
            token: token.into(),
            secret,
        }),
    ))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 200, body = TokenJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_my_token(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TokenJson>> {
    let token = app
        .services
        .revoke_token(&actor, parse_id(&id, "token")?)
        .await?;
    Ok(axum::Json(token.into()))
}
