//! Webhook subscriptions (admins only, as `/api/v1/webhooks`): the list with each one's event
//! types and status, a form to add one (its signing secret shown once, on the answer), and a
//! subscription's page with its recent deliveries. The changes (switch off or on, rotate the
//! secret, remove, replay a dead delivery) are in `actions`. Every check is the service's.

mod actions;

use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, Tr, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::Error;
use sarnakh_core::domain::WebhookId;
use sarnakh_core::domain::webhook::{Delivery, DeliveryStatus, EVENT_TYPES, Webhook, WebhookDraft};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(list).post(create))
        .route("/settings/webhooks/{id}", get(show))
        .merge(actions::router())
}

/// How many deliveries a subscription's page lists.
const RECENT: u32 = 20;

/// The notices a redirect may ask for.
const DONE: [&str; 4] = [
    "webhook-enabled",
    "webhook-disabled",
    "webhook-deleted",
    "delivery-replayed",
];

/// A subscription as listed.
pub struct HookRow {
    pub id: String,
    pub url: String,
    /// Its event types; `*` is named in words.
    pub events: Vec<String>,
    pub active: bool,
    pub description: String,
    pub version: i64,
}

/// A delivery as listed.
pub struct DeliveryRow {
    pub id: String,
    pub event_type: String,
    pub status: String,
    /// Dead: every attempt failed, it may be replayed.
    pub dead: bool,
    pub attempts: String,
    pub response_code: String,
    pub last_error: String,
    pub when: String,
}

/// The new subscription's form, empty or as typed.
#[derive(Default)]
pub struct HookForm {
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
}

impl HookForm {
    /// Whether `event` is ticked.
    pub fn has(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event)
    }
}

#[derive(Template)]
#[template(path = "settings_webhooks.html")]
struct WebhooksPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: Problems,
    hooks: Vec<HookRow>,
    /// The subscription whose page this is, with its deliveries.
    selected: Option<(HookRow, Vec<DeliveryRow>)>,
    form: HookForm,
    event_types: &'static [&'static str],
    /// A secret just made (creation or rotation), shown this once.
    secret: Option<String>,
}

/// What a page shows besides the list.
#[derive(Default)]
struct View {
    notice: Option<String>,
    problems: Problems,
    selected: Option<WebhookId>,
    form: HookForm,
    secret: Option<String>,
}

fn row(tr: Tr, w: &Webhook) -> HookRow {
    HookRow {
        id: w.id.to_string(),
        url: w.url.clone(),
        events: w
            .events
            .iter()
            .map(|e| {
                if e == "*" {
                    tr.t("settings-webhook-all-events")
                } else {
                    e.clone()
                }
            })
            .collect(),
        active: w.active,
        description: w.description.clone().unwrap_or_default(),
        version: w.version,
    }
}

fn delivery_row(tr: Tr, d: &Delivery) -> DeliveryRow {
    DeliveryRow {
        id: d.id.to_string(),
        event_type: d.event_type.clone(),
        status: tr.t(&format!("settings-webhook-status-{}", d.status.as_str())),
        dead: d.status == DeliveryStatus::Dead,
        attempts: tr.num(d.attempts),
        response_code: d.response_code.map(|c| c.to_string()).unwrap_or_default(),
        last_error: d.last_error.clone().unwrap_or_default(),
        when: tr.when(d.delivered_at.unwrap_or(d.updated_at)),
    }
}

async fn page(
    app: &AppState,
    user: &WebUser,
    status: StatusCode,
    v: View,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    let s = &app.services;
    let hooks = s
        .list_webhooks(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let selected = match v.selected {
        None => None,
        Some(id) => {
            let hook = s
                .get_webhook(&user.actor, id)
                .await
                .map_err(|e| user.refusal(e))?;
            let deliveries = s
                .list_webhook_deliveries(&user.actor, id, None, RECENT)
                .await
                .map_err(|e| user.refusal(e))?;
            let rows = deliveries.iter().map(|d| delivery_row(tr, d)).collect();
            Some((row(tr, &hook), rows))
        }
    };
    let page = WebhooksPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/webhooks"),
        notice: v.notice,
        problems: v.problems,
        hooks: hooks.iter().map(|w| row(tr, w)).collect(),
        selected,
        form: v.form,
        event_types: EVENT_TYPES,
        secret: v.secret,
    };
    Ok(Page(status, page).into_response())
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn list(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let view = View {
        notice: notice(user.tr, d.done.as_deref(), &DONE),
        ..View::default()
    };
    page(&app, &user, StatusCode::OK, view).await
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let id: WebhookId = id
        .parse()
        .map_err(|_| user.refusal(Error::not_found("webhook", &id)))?;
    let view = View {
        notice: notice(user.tr, d.done.as_deref(), &DONE),
        selected: Some(id),
        ..View::default()
    };
    page(&app, &user, StatusCode::OK, view).await
}

/// The form as posted: `events` repeats, one per ticked type.
fn typed(pairs: &[(String, String)]) -> HookForm {
    let mut form = HookForm::default();
    for (name, value) in pairs {
        match name.as_str() {
            "url" => form.url = value.trim().to_owned(),
            "events" if !form.events.contains(value) => form.events.push(value.clone()),
            "description" => form.description.clone_from(value),
            _ => {}
        }
    }
    form
}

/// The value of `name` in a posted form.
fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

async fn create(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(value(&pairs, "_csrf")) {
        return Err(refused.into());
    }
    let form = typed(&pairs);
    let draft = WebhookDraft {
        url: Some(form.url.clone()),
        events: Some(form.events.clone()),
        active: Some(true),
        description: Some(form.description.clone()),
    };
    match app.services.create_webhook(&user.actor, &draft).await {
        Ok(hook) => {
            let view = View {
                notice: Some(user.tr.t("settings-done-webhook-created")),
                selected: Some(hook.id),
                secret: Some(hook.secret),
                ..View::default()
            };
            page(&app, &user, StatusCode::OK, view).await
        }
        Err(Error::Validation(errors)) => {
            let view = View {
                problems: Problems::of(user.tr, &errors, &["url", "events", "description"]),
                form,
                ..View::default()
            };
            page(&app, &user, StatusCode::UNPROCESSABLE_ENTITY, view).await
        }
        Err(e) => Err(user.refusal(e)),
    }
}

/// Back to a subscription's page with a notice.
fn back_to(id: WebhookId, done: &str) -> Response {
    Redirect::to(&format!("/settings/webhooks/{id}?done={done}")).into_response()
}
