//! Authentication for the JSON API: `Authorization: Bearer snk_...` becomes an [`Actor`]
//! with the policy's rights, and `/api/v1/me` lets a user see themselves and manage their
//! API tokens. Missing or bad credentials are a 401 problem with `WWW-Authenticate`.

use super::AppState;
use super::error::{ApiError, ApiResult, Problem};
use super::extract::{ApiJson, parse_id};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use sarnakh_core::domain::{ApiToken, TokenScope};
use sarnakh_core::service::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The authenticated caller.
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(secret) = header.strip_prefix("Bearer ").map(str::trim) else {
            return Err(unauthenticated(
                "send an API token as Authorization: Bearer snk_...",
            ));
        };
        match app.services.authenticate_token(secret).await {
            Ok(actor) => Ok(Self(actor)),
            Err(sarnakh_core::Error::Unauthenticated) => Err(unauthenticated(
                "the token is unknown, revoked, or its user is disabled",
            )),
            Err(e) => Err(e.into()),
        }
    }
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
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
        .routes(routes!(me))
        .routes(routes!(list_my_tokens, create_my_token))
        .routes(routes!(revoke_my_token))
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = super::activities::UserJson), (status = 401, body = Problem)))]
pub async fn me(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<axum::Json<super::activities::UserJson>> {
    let id = actor.user_id.ok_or_else(|| unauthenticated("no user"))?;
    let user = app
        .services
        .list_users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| unauthenticated("no user"))?;
    Ok(axum::Json(user.into()))
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "access", responses((status = 200, body = Vec<TokenJson>), (status = 401, body = Problem)))]
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
    responses((status = 201, body = NewTokenJson), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
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
    responses((status = 200, body = TokenJson), (status = 401, body = Problem), (status = 404, body = Problem)))]
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
