//! The history tab of the lead, opportunity, account and contact pages: the record's audit
//! rows, newest first, 25 to a page: when, who, through which API token, what happened
//! (from -> to, reason, note) and each field an edit changed with its old and new value, in
//! the reader's language. A record the user may not see is "not found", as its page is.

use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::{HistoryEntry, PipelineStage, RecordRef, User};
use sarnakh_core::service::HistoryPage;
use serde::Deserialize;

/// Entries per page.
const PER_PAGE: usize = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads/{id}/history", get(lead))
        .route("/opportunities/{id}/history", get(opportunity))
        .route("/accounts/{id}/history", get(account))
        .route("/contacts/{id}/history", get(contact))
}

/// One changed field.
pub struct ChangeLine {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// One audit row.
pub struct EntryRow {
    pub when: String,
    pub who: String,
    pub token: Option<String>,
    pub what: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub changes: Vec<ChangeLine>,
}

#[derive(Template)]
#[template(path = "record_history.html")]
struct HistoryView {
    frame: Frame,
    name: String,
    back: String,
    rows: Vec<EntryRow>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct Before {
    before: Option<i64>,
}

async fn lead(app: State<AppState>, user: WebUser, id: Path<String>, q: Query<Before>) -> Response {
    show(app, user, id, q, "lead").await
}

async fn opportunity(
    app: State<AppState>,
    user: WebUser,
    id: Path<String>,
    q: Query<Before>,
) -> Response {
    show(app, user, id, q, "opportunity").await
}

async fn account(
    app: State<AppState>,
    user: WebUser,
    id: Path<String>,
    q: Query<Before>,
) -> Response {
    show(app, user, id, q, "account").await
}

async fn contact(
    app: State<AppState>,
    user: WebUser,
    id: Path<String>,
    q: Query<Before>,
) -> Response {
    show(app, user, id, q, "contact").await
}

/// The record's name, read with the user's rights (refused like its page).
async fn record_name(
    app: &AppState,
    user: &WebUser,
    subject: RecordRef,
) -> sarnakh_core::error::Result<String> {
    let s = &app.services;
    let a = &user.actor;
    Ok(match subject {
        RecordRef::Lead(id) => super::leads::person_name(&s.get_lead(a, id).await?),
        RecordRef::Opportunity(id) => s.get_opportunity(a, id).await?.opportunity.name,
        RecordRef::Account(id) => s.get_account(a, id).await?.name,
        RecordRef::Contact(id) => super::contacts::contact_name(&s.get_contact(a, id).await?),
    })
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<Before>,
    kind: &'static str,
) -> Response {
    let tr = user.tr;
    let Some(subject) = id
        .parse::<uuid::Uuid>()
        .ok()
        .and_then(|u| RecordRef::from_parts(kind, u))
    else {
        return error_page(tr, sarnakh_core::Error::not_found(kind, id));
    };
    let loaded = async {
        let name = record_name(&app, &user, subject).await?;
        let page = app
            .services
            .history_page(&user.actor, subject, q.before, PER_PAGE)
            .await?;
        let users = app.services.list_users().await?;
        let stages = app.services.list_stages().await?;
        Ok::<_, sarnakh_core::Error>((name, page, users, stages))
    };
    let (name, page, users, stages) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let back = format!("/{}/{}", nav(kind), subject.uuid());
    let next = page
        .next_before
        .map(|b| format!("{back}/history?before={b}"));
    let view = HistoryView {
        frame: Frame::of(&user, nav(kind)),
        rows: page
            .entries
            .iter()
            .map(|h| row(tr, h, &page, &users, &stages))
            .collect(),
        name,
        back,
        next,
    };
    Page(StatusCode::OK, view).into_response()
}

/// The list a record kind belongs to: its navigation entry and path.
fn nav(kind: &str) -> &'static str {
    match kind {
        "lead" => "leads",
        "opportunity" => "opportunities",
        "account" => "accounts",
        _ => "contacts",
    }
}

fn user_name(users: &[User], id: &str) -> Option<String> {
    let id: sarnakh_core::domain::UserId = id.parse().ok()?;
    users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.display_name.clone())
}

/// A stage key as its name in the reader's language (an unknown key as it is).
fn stage_name(tr: Tr, stages: &[PipelineStage], key: &str) -> String {
    stages
        .iter()
        .find(|s| s.key == key)
        .map_or_else(|| key.to_owned(), |s| super::stage_label(tr, s))
}

/// A stored value for people: user ids become names, stage keys and codes their label.
fn value(
    tr: Tr,
    users: &[User],
    stages: &[PipelineStage],
    field: &str,
    raw: Option<&str>,
) -> String {
    match raw {
        None => "—".to_owned(),
        Some(v) if field == "stage" => stage_name(tr, stages, v),
        Some(v) if field.ends_with("owner_id") => {
            user_name(users, v).unwrap_or_else(|| v.to_owned())
        }
        Some(v) if field == "forecast_category" => tr.t_or(&format!("forecast-category-{v}"), v),
        Some(v) => v.to_owned(),
    }
}

fn row(
    tr: Tr,
    h: &HistoryEntry,
    page: &HistoryPage,
    users: &[User],
    stages: &[PipelineStage],
) -> EntryRow {
    let kind = tr.t_or(&format!("kind-{}", h.kind), &h.kind.replace('_', " "));
    // A deal's moves go from stage to stage: named, not keyed.
    let named = |v: &Option<String>| match (h.subject, v) {
        (RecordRef::Opportunity(_), Some(key)) => Some(stage_name(tr, stages, key)),
        _ => v.clone(),
    };
    let what = match (&named(&h.from), &named(&h.to)) {
        (Some(from), Some(to)) => format!("{kind}: {}", tr.change(from, to)),
        (None, Some(to)) => format!("{kind}: {to}"),
        _ => kind,
    };
    EntryRow {
        when: tr.when(h.at),
        who: h
            .actor_id
            .and_then(|a| users.iter().find(|u| u.id == a))
            .map_or_else(|| tr.t("history-by-system"), |u| u.display_name.clone()),
        token: h.token_id.map(|t| {
            page.tokens
                .get(&t)
                .cloned()
                .unwrap_or_else(|| t.to_string())
        }),
        what,
        reason: h
            .reason
            .as_ref()
            .map(|r| tr.t_or(&format!("reason-{r}"), r)),
        note: h.note.clone(),
        changes: h
            .changes
            .iter()
            .map(|c| ChangeLine {
                field: tr.t_or(&format!("field-{}", c.field.replace('_', "-")), &c.field),
                old: value(tr, users, stages, &c.field, c.old.as_deref()),
                new: value(tr, users, stages, &c.field, c.new.as_deref()),
            })
            .collect(),
    }
}
