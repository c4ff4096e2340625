//! `/api/v1/users` administration (admins) and `/api/v1/me/password` (everyone): adding
//! users with a generated password shown once, disabling them, and changing one's own
//! password with the current one.

use super::AppState;
use super::activities::UserJson;
use super::auth::Authenticated;
use super::error::{ApiResult, Problem};
use super::extract::{ApiJson, parse_id};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use sarnakh_core::domain::user::UserDraft;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A user to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// admin, sales_manager, sales_rep or marketing.
    pub role: Option<String>,
    /// Team name (created if missing).
    pub team: Option<String>,
    /// en, fa or ro.
    pub locale: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
}

/// A new user with their generated password, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewUserJson {
    pub user: UserJson,
    pub password: String,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// The user administration routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(disable_user))
        .routes(routes!(change_my_password))
}

/// Add a user (admins only); a password is generated and returned once.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = CreateUserRequest,
    responses((status = 201, body = NewUserJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_user(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(b): ApiJson<CreateUserRequest>,
) -> ApiResult<impl IntoResponse> {
    let draft = UserDraft {
        email: b.email,
        display_name: b.display_name,
        role: b.role,
        team: b.team,
        locale: b.locale,
        time_zone: b.time_zone,
    };
    let (user, password) = app.services.add_user(&actor, &draft, None).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(NewUserJson {
            user: user.into(),
            password,
        }),
    ))
}

/// Disable a user (admins only): their sessions end and their tokens stop working.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "access", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn disable_user(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app.services
        .disable_user(&actor, parse_id(&id, "user")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change your own password (with the current one); every session of yours ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "access", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_my_password(
    State(app): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(b): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    app.services
        .change_own_password(&actor, &b.current_password, &b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
