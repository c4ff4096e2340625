//! The profile's mail and calendar choices: the daily digest checkbox, and the calendar
//! feed address (made or replaced, shown once; or turned off). Same services as
//! `PATCH /api/v1/me` and `/api/v1/me/calendar-token`.

use super::WebUser;
use super::profile::page_with;
use super::session::Refusal;
use crate::http::AppState;
use crate::http::calendar::{PublicUrl, base_url};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile/email-digest", post(email_digest))
        .route("/profile/calendar", post(create_feed))
        .route("/profile/calendar/revoke", post(revoke_feed))
}

#[derive(Deserialize)]
struct DigestForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    /// Present (`on`) when the box is ticked.
    email_digest: Option<String>,
}

#[derive(Deserialize)]
struct PlainForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

async fn email_digest(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<DigestForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    app.services
        .set_email_digest(&user.actor, form.email_digest.is_some())
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/profile?done=mail").into_response())
}

async fn create_feed(
    State(app): State<AppState>,
    user: WebUser,
    public: Option<axum::Extension<PublicUrl>>,
    headers: HeaderMap,
    Form(form): Form<PlainForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let secret = app
        .services
        .create_calendar_token(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let base = base_url(public.as_ref().map(|e| &e.0), &headers);
    let url = format!("{base}/calendar/{secret}.ics");
    page_with(&app, &user, None, None, Some(url)).await
}

async fn revoke_feed(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<PlainForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    app.services
        .revoke_calendar_token(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/profile?done=calendar-off").into_response())
}
