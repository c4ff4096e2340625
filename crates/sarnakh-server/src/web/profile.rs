//! The user's own profile: the language and time zone of their pages, their password, and
//! their API tokens (a new token's secret is shown once; a token can be revoked). Changing
//! the password ends every session, so the user signs in again.

use super::session::Refusal;
use super::{Frame, Page, WebUser};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::user::PreferencesDraft;
use sarnakh_core::domain::{TokenId, TokenScope};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(profile))
        .route("/profile/preferences", post(preferences))
        .route("/profile/password", post(password))
        .route("/profile/tokens", post(create_token))
        .route("/profile/tokens/revoke", post(revoke_token))
}

/// A token as listed.
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scope: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    frame: Frame,
    email: String,
    locale: String,
    time_zone: String,
    languages: Vec<(String, String)>,
    tokens: Vec<TokenRow>,
    done: Option<String>,
    /// A new token's secret, shown this once.
    secret: Option<String>,
    /// Whether the daily email digest is on.
    email_digest: bool,
    /// When the calendar feed address was made, if there is one.
    calendar_since: Option<String>,
    /// A new calendar feed address, shown this once.
    calendar_url: Option<String>,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

pub(super) async fn page(
    app: &AppState,
    user: &WebUser,
    done: Option<String>,
    secret: Option<String>,
) -> Result<Response, Refusal> {
    page_with(app, user, done, secret, None).await
}

/// The profile page, with a new calendar feed address to show once.
pub(super) async fn page_with(
    app: &AppState,
    user: &WebUser,
    done: Option<String>,
    secret: Option<String>,
    calendar_url: Option<String>,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    let tokens = app
        .services
        .list_tokens(&user.actor, user.user.id)
        .await
        .map_err(|e| user.refusal(e))?;
    let page = ProfilePage {
        frame: Frame::of(user, "profile"),
        email: user.user.email.clone(),
        locale: user.user.locale.as_str().to_owned(),
        time_zone: user.user.time_zone.clone(),
        languages: [("en", "English"), ("fa", "فارسی"), ("ro", "Română")]
            .iter()
            .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
            .collect(),
        tokens: tokens
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .map(|t| TokenRow {
                id: t.id.to_string(),
                name: t.name.clone(),
                prefix: t.prefix.clone(),
                scope: t.scope.as_str().to_owned(),
                created: tr.when(t.created_at),
                last_used: t.last_used_at.map(|at| tr.when(at)).unwrap_or_default(),
            })
            .collect(),
        done: done.map(|d| tr.t(&format!("profile-done-{d}"))),
        secret,
        email_digest: app
            .services
            .email_digest_on(&user.actor)
            .await
            .map_err(|e| user.refusal(e))?,
        calendar_since: app
            .services
            .calendar_token_at(&user.actor)
            .await
            .map_err(|e| user.refusal(e))?
            .map(|at| tr.when(at)),
        calendar_url,
    };
    Ok(Page(StatusCode::OK, page).into_response())
}

async fn profile(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let done = d
        .done
        .filter(|d| ["preferences", "revoked", "mail", "calendar-off"].contains(&d.as_str()));
    page(&app, &user, done, None).await
}

#[derive(Deserialize)]
struct PreferencesForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    locale: Option<String>,
    time_zone: Option<String>,
}

async fn preferences(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<PreferencesForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let draft = PreferencesDraft {
        locale: form.locale,
        time_zone: form.time_zone,
    };
    app.services
        .set_own_preferences(&user.actor, &draft)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/profile?done=preferences").into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    current: String,
    new: String,
}

async fn password(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    app.services
        .change_own_password(&user.actor, &form.current, &form.new)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: Option<String>,
    scope: Option<String>,
    id: Option<String>,
}

async fn create_token(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<TokenForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let scope = form
        .scope
        .as_deref()
        .and_then(TokenScope::parse)
        .unwrap_or(TokenScope::Read);
    let name = form.name.unwrap_or_default();
    let (_, secret) = app
        .services
        .create_token(&user.actor, user.user.id, &name, scope)
        .await
        .map_err(|e| user.refusal(e))?;
    page(&app, &user, Some("token".into()), Some(secret)).await
}

async fn revoke_token(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<TokenForm>,
) -> Result<Response, Refusal> {
    let id: TokenId = user.target(&form.csrf, form.id.as_deref().unwrap_or(""), "token")?;
    app.services
        .revoke_token(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/profile?done=revoked").into_response())
}
