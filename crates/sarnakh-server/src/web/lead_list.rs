//! The lists of leads and of prospects (qualified leads: the same list with the stage
//! preset): search, status filter, 50 rows per page with a cursor, only the leads the user
//! may see (the list service applies the policy).

use super::leads::person_name;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::Lead;
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::page::{Cursor, PageRequest};
use sarnakh_core::store::LeadFilter;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(leads))
        .route("/prospects", get(prospects))
}

/// Which list a page shows: every lead, or the prospects only.
#[derive(Clone, Copy)]
pub struct View {
    /// The page's path.
    pub path: &'static str,
    /// Message id of its title.
    pub title: &'static str,
    /// The navigation entry.
    pub current: &'static str,
    /// The stage preset.
    pub stage: Option<LeadStage>,
}

const LEADS: View = View {
    path: "/leads",
    title: "leads-title",
    current: "leads",
    stage: None,
};

const PROSPECTS: View = View {
    path: "/prospects",
    title: "prospects-title",
    current: "prospects",
    stage: Some(LeadStage::Prospect),
};

/// One row of the list.
pub struct Row {
    pub href: String,
    pub name: String,
    pub company: String,
    pub source: String,
    pub score: String,
    pub stage: String,
    pub status: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct ListPage {
    frame: Frame,
    view: View,
    q: String,
    status: String,
    statuses: Vec<(String, String)>,
    rows: Vec<Row>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    after: Option<String>,
}

fn status_label(tr: Tr, status: LeadStatus) -> String {
    tr.t(&format!("status-{}", status.as_str()))
}

fn row(tr: Tr, l: &Lead) -> Row {
    Row {
        href: format!("/leads/{}", l.id),
        name: person_name(l),
        company: l.fields.company.clone().unwrap_or_default(),
        source: l.fields.source.as_str().replace('_', " "),
        score: tr.num(l.score),
        stage: tr.t(&format!("stage-{}", l.state.stage.as_str())),
        status: status_label(tr, l.state.status),
        created: tr.when(l.created_at),
    }
}

async fn leads(app: State<AppState>, user: WebUser, q: Query<ListQuery>) -> Response {
    list(app, user, q, LEADS).await
}

async fn prospects(app: State<AppState>, user: WebUser, q: Query<ListQuery>) -> Response {
    list(app, user, q, PROSPECTS).await
}

async fn list(
    State(app): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
    view: View,
) -> Response {
    let tr = user.tr;
    let search = q.q.clone().unwrap_or_default();
    let status = q.status.as_deref().and_then(LeadStatus::parse);
    let filter = LeadFilter {
        q: Some(search.clone()).filter(|s| !s.trim().is_empty()),
        status,
        stage: view.stage,
        ..LeadFilter::default()
    };
    let page = PageRequest {
        limit: 50,
        after: q.after.as_deref().and_then(Cursor::decode),
    };
    let found = match app.services.list_leads(&user.actor, &filter, &page).await {
        Ok(p) => p,
        Err(e) => return error_page(tr, e),
    };
    let next = found.next.map(|c| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &search);
        if let Some(s) = status {
            query.append_pair("status", s.as_str());
        }
        query.append_pair("after", &c.encode());
        format!("{}?{}", view.path, query.finish())
    });
    let statuses = LeadStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), status_label(tr, *s)))
        .collect();
    let page = ListPage {
        frame: Frame::of(&user, view.current),
        view,
        q: search,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        statuses,
        rows: found.items.iter().map(|l| row(tr, l)).collect(),
        next,
    };
    Page(StatusCode::OK, page).into_response()
}
