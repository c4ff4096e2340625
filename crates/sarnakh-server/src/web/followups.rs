//! The follow-ups page: the user's own open tasks overdue, due today, or due this week,
//! completed or moved to another day in place (with the version the page showed).

use super::session::Refusal;
use super::{Frame, Page, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::page::PageRequest;
use sarnakh_core::domain::task::DueFilter;
use sarnakh_core::domain::{RecordRef, TaskId};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/follow-ups", get(list))
        .route("/follow-ups/{id}/complete", post(complete))
        .route("/follow-ups/{id}/reschedule", post(reschedule))
}

/// The windows the page offers, in tab order.
const WINDOWS: [DueFilter; 3] = [DueFilter::Overdue, DueFilter::Today, DueFilter::Week];

/// A follow-up as listed.
pub struct Row {
    pub id: String,
    pub title: String,
    pub due: String,
    pub overdue: bool,
    pub version: i64,
    pub lead_href: Option<String>,
}

#[derive(Template)]
#[template(path = "followups.html")]
struct FollowUps {
    frame: Frame,
    tabs: Vec<(String, String, bool)>,
    window: String,
    rows: Vec<Row>,
    presets: Vec<(String, String)>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    due: Option<String>,
    done: Option<String>,
}

async fn list(State(app): State<AppState>, user: WebUser, Query(q): Query<ListQuery>) -> Response {
    let tr = user.tr;
    let window = q
        .due
        .as_deref()
        .and_then(DueFilter::parse)
        .filter(|d| WINDOWS.contains(d))
        .unwrap_or(DueFilter::Today);
    let page = PageRequest {
        limit: 200,
        after: None,
    };
    let owner = Some(user.user.id);
    let found = match app
        .services
        .list_tasks(&user.actor, window, owner, None, &page)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(tr, e),
    };
    let now = chrono::Utc::now();
    let rows = found
        .items
        .iter()
        .map(|t| Row {
            id: t.id.to_string(),
            title: t.title.clone(),
            due: tr.t1("task-due", "when", tr.when(t.due_at)),
            overdue: t.is_overdue(now),
            version: t.version,
            lead_href: match t.subject {
                Some(RecordRef::Lead(id)) => Some(format!("/leads/{id}")),
                _ => None,
            },
        })
        .collect();
    let tabs = WINDOWS
        .iter()
        .map(|w| {
            let key = w.as_str().to_owned();
            (key.clone(), tr.t(&format!("followups-{key}")), *w == window)
        })
        .collect();
    let page = FollowUps {
        frame: Frame::of(&user, "follow-ups"),
        tabs,
        window: window.as_str().to_owned(),
        rows,
        presets: super::leads::Choices::new(tr).presets,
        done: q
            .done
            .filter(|d| d == "completed" || d == "rescheduled")
            .map(|d| tr.t(&format!("followups-done-{d}"))),
    };
    Page(StatusCode::OK, page).into_response()
}

#[derive(Deserialize)]
struct TaskForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    version: i64,
    preset: Option<String>,
    window: Option<String>,
}

fn back(window: Option<&str>, done: &str) -> Response {
    let window = window
        .and_then(DueFilter::parse)
        .filter(|d| WINDOWS.contains(d))
        .unwrap_or(DueFilter::Today);
    Redirect::to(&format!("/follow-ups?due={}&done={done}", window.as_str())).into_response()
}

async fn complete(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<TaskForm>,
) -> Result<Response, Refusal> {
    let id: TaskId = user.target(&form.csrf, &id, "task")?;
    app.services
        .complete_task(&user.actor, id, Some(form.version))
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(back(form.window.as_deref(), "completed"))
}

async fn reschedule(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<TaskForm>,
) -> Result<Response, Refusal> {
    let id: TaskId = user.target(&form.csrf, &id, "task")?;
    let due = super::lead_actions::due(form.preset.as_deref().unwrap_or("")).unwrap_or_default();
    let moved = app
        .services
        .reschedule_task(&user.actor, id, &due, Some(form.version))
        .await;
    moved.map_err(|e| user.refusal(e))?;
    Ok(back(form.window.as_deref(), "rescheduled"))
}
