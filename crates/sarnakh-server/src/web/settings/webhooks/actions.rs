//! The changes of a webhook subscription, each a form with the session's token through the
//! same service as the API: switch it off or on (with the version the page showed), rotate
//! its secret (the new one shown once), remove it with its deliveries, replay a dead delivery.

use super::{View, back_to, page, value};
use crate::http::AppState;
use crate::web::WebUser;
use crate::web::session::Refusal;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sarnakh_core::domain::webhook::WebhookDraft;
use sarnakh_core::domain::{DeliveryId, WebhookId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks/{id}/active", post(set_active))
        .route("/settings/webhooks/{id}/rotate", post(rotate))
        .route("/settings/webhooks/{id}/delete", post(delete))
        .route("/settings/webhooks/deliveries/{id}/replay", post(replay))
}

type Sent = Form<Vec<(String, String)>>;

async fn set_active(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(sent): Sent,
) -> Result<Response, Refusal> {
    let id: WebhookId = user.target(value(&sent, "_csrf"), &id, "webhook")?;
    let active = value(&sent, "active") == "1";
    let version = value(&sent, "version").parse::<i64>().ok();
    let draft = WebhookDraft {
        active: Some(active),
        ..WebhookDraft::default()
    };
    app.services
        .update_webhook(&user.actor, id, &draft, version)
        .await
        .map_err(|e| user.refusal(e))?;
    let done = if active {
        "webhook-enabled"
    } else {
        "webhook-disabled"
    };
    Ok(back_to(id, done))
}

async fn rotate(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(sent): Sent,
) -> Result<Response, Refusal> {
    let id: WebhookId = user.target(value(&sent, "_csrf"), &id, "webhook")?;
    let hook = app
        .services
        .rotate_webhook_secret(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    // The new secret is on this answer only: no redirect, nothing in an address.
    let view = View {
        notice: Some(user.tr.t("settings-done-webhook-rotated")),
        selected: Some(id),
        secret: Some(hook.secret),
        ..View::default()
    };
    page(&app, &user, StatusCode::OK, view).await
}

async fn delete(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(sent): Sent,
) -> Result<Response, Refusal> {
    let id: WebhookId = user.target(value(&sent, "_csrf"), &id, "webhook")?;
    app.services
        .delete_webhook(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/settings/webhooks?done=webhook-deleted").into_response())
}

async fn replay(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(sent): Sent,
) -> Result<Response, Refusal> {
    let id: DeliveryId = user.target(value(&sent, "_csrf"), &id, "delivery")?;
    let delivery = app
        .services
        .replay_webhook_delivery(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(back_to(delivery.webhook_id, "delivery-replayed"))
}
