//! The rep's morning triage: follow-ups overdue and due today, then new leads by urgency
//! (the speed-to-lead clock), each with its quality signals.

use super::{Frame, Page, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox", get(inbox))
}

/// A follow-up as the inbox lists it.
pub struct TaskView {
    pub title: String,
    pub due: String,
    pub overdue: bool,
    /// The lead it belongs to, if it is a lead's.
    pub lead_href: Option<String>,
}

/// A new lead as the inbox lists it.
pub struct LeadView {
    pub id: String,
    pub href: String,
    pub name: String,
    pub company: String,
    pub source: String,
    pub score: String,
    pub grade: String,
    pub clock: String,
    pub breached: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    frame: Frame,
    tasks: Vec<TaskView>,
    leads: Vec<LeadView>,
    lead_count: String,
    done: Option<String>,
}

#[derive(serde::Deserialize)]
struct Done {
    done: Option<String>,
}

async fn inbox(
    State(app): State<AppState>,
    user: WebUser,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    let inbox = match app.services.inbox(&user.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(user.tr, e),
    };
    let tr = user.tr;
    let now = chrono::Utc::now();
    let tasks = inbox
        .tasks
        .iter()
        .map(|t| TaskView {
            title: t.title.clone(),
            due: tr.t1("task-due", "when", tr.when(t.due_at)),
            overdue: t.is_overdue(now),
            lead_href: match t.subject {
                Some(sarnakh_core::domain::RecordRef::Lead(id)) => Some(format!("/leads/{id}")),
                _ => None,
            },
        })
        .collect();
    let leads: Vec<LeadView> = inbox
        .leads
        .iter()
        .map(|l| LeadView {
            id: l.lead.id.to_string(),
            href: format!("/leads/{}", l.lead.id),
            name: super::leads::person_name(&l.lead),
            company: l.lead.fields.company.clone().unwrap_or_default(),
            source: l.lead.fields.source.as_str().replace('_', " "),
            score: tr.num(l.lead.score),
            grade: l.lead.grade.as_str().to_uppercase(),
            clock: match l.first_contact_at {
                Some(at) => tr.t1("inbox-contacted", "when", tr.when(at)),
                None => tr.t1("inbox-due", "when", tr.when(l.due_at)),
            },
            breached: l.breached,
        })
        .collect();
    let page = InboxPage {
        lead_count: tr.t2(
            "inbox-lead-count",
            ("count", leads.len().into()),
            ("n", tr.num(leads.len() as i64).into()),
        ),
        frame: Frame::of(&user, "inbox"),
        done: super::leads::notice(tr, done.done.as_deref()),
        tasks,
        leads,
    };
    Page(StatusCode::OK, page).into_response()
}
