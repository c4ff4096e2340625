//! A lead's page: its facts, the readiness checklist for its next stage, its score and
//! why, its timeline, and qualifying it when the playbook allows. The lists are in
//! `lead_list.rs`.

use super::session::Refusal;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::activity::ActivityOutcome;
use sarnakh_core::domain::lifecycle::{DisqualifyReason, LeadStage, LeadStatus};
use sarnakh_core::domain::{Lead, LeadId, RecordRef};
use sarnakh_core::service::{LifecycleInput, TimelineItem};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads/{id}", get(show))
        .route("/leads/{id}/qualify", post(qualify))
}

/// "First Last".
pub fn person_name(lead: &Lead) -> String {
    let p = &lead.fields.person;
    match &p.last_name {
        Some(last) => format!("{} {last}", p.first_name),
        None => p.first_name.clone(),
    }
}

fn stage_label(tr: Tr, lead: &Lead) -> String {
    tr.t(&format!("stage-{}", lead.state.stage.as_str()))
}

fn status_label(tr: Tr, status: LeadStatus) -> String {
    tr.t(&format!("status-{}", status.as_str()))
}

/// One line of the lead's timeline.
pub struct Moment {
    pub when: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "lead.html")]
struct LeadPage {
    frame: Frame,
    /// The history tab.
    history_href: String,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    stage: String,
    status: String,
    score: String,
    lines: Vec<(String, String)>,
    next: Option<String>,
    checks: Vec<(String, bool)>,
    ready: bool,
    moments: Vec<Moment>,
    done: Option<String>,
    version: i64,
    open: bool,
    can_convert: bool,
    /// Accounts the conversion may attach to (id, name): those named like the company.
    accounts: Vec<(String, String)>,
    /// The lead's company, matched or created when no account is chosen.
    company: String,
    /// Deal rows of the convert form: the field suffix (1-based) and the row's title.
    deal_rows: Vec<(u8, String)>,
    choices: Choices,
    /// The page's path, where the call and follow-up forms post.
    touch_base: String,
    edit: super::edit_form::EditForm,
}

/// The menus of the action forms.
pub struct Choices {
    pub outcomes: Vec<(String, String)>,
    pub reasons: Vec<(String, String)>,
    pub presets: Vec<(String, String)>,
}

impl Choices {
    /// Every menu, labelled in `tr`'s language.
    pub fn new(tr: Tr) -> Self {
        let label = |prefix: &str, key: &str| (key.to_owned(), tr.t(&format!("{prefix}-{key}")));
        Self {
            outcomes: ActivityOutcome::ALL
                .iter()
                .map(|o| label("outcome", o.as_str()))
                .collect(),
            reasons: DisqualifyReason::ALL
                .iter()
                .map(|r| label("reason", r.as_str()))
                .collect(),
            presets: super::lead_actions::PRESETS
                .iter()
                .map(|p| label("preset", p))
                .collect(),
        }
    }
}

/// The notice after an action, if `done` names one.
pub fn notice(tr: Tr, done: Option<&str>) -> Option<String> {
    let known = ["qualified", "call", "follow-up", "disqualified", "saved"];
    done.filter(|d| known.contains(d))
        .map(|d| tr.t(&format!("done-{d}")))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

fn facts(tr: Tr, lead: &Lead) -> Vec<(String, String)> {
    let f = &lead.fields;
    let p = &f.person;
    let size = f.company_size.map(|n| tr.num(n));
    [
        (
            "field-email",
            p.email.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (
            "field-phone",
            p.phone.as_ref().map(|x| x.as_str().to_owned()),
        ),
        ("field-job-title", p.job_title.clone()),
        ("field-company", f.company.clone()),
        ("field-country", f.country.clone()),
        ("field-source", Some(f.source.as_str().replace('_', " "))),
        ("field-campaign", f.campaign.clone()),
        ("field-industry", f.industry.clone()),
        ("field-company-size", size),
        ("field-need", f.need.clone()),
    ]
    .into_iter()
    .filter_map(|(id, v)| v.map(|v| (tr.t(id), v)))
    .collect()
}

/// A timeline item in words.
pub fn moment(tr: Tr, item: &TimelineItem) -> String {
    let kind = |code: &str| tr.t_or(&format!("kind-{code}"), &code.replace('_', " "));
    match item {
        TimelineItem::Activity(a) => format!("{}: {}", kind(a.kind.as_str()), a.summary),
        TimelineItem::Task(t) => t.title.clone(),
        TimelineItem::Change(h) => match (&h.from, &h.to) {
            (Some(from), Some(to)) => format!("{}: {}", kind(&h.kind), tr.change(from, to)),
            (None, Some(to)) => format!("{}: {to}", kind(&h.kind)),
            _ => kind(&h.kind),
        },
        TimelineItem::Event(e) => kind(e.kind.as_str()),
    }
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let tr = user.tr;
    let Ok(id) = id.parse::<LeadId>() else {
        return error_page(tr, sarnakh_core::Error::not_found("lead", id));
    };
    let s = &app.services;
    let loaded = async {
        let lead = s.get_lead(&user.actor, id).await?;
        let readiness = s.readiness(&user.actor, id).await?;
        let timeline = s.timeline(&user.actor, RecordRef::Lead(id)).await?;
        let users = s.list_users().await?;
        Ok::<_, sarnakh_core::Error>((lead, readiness, timeline, users))
    };
    let (lead, readiness, timeline, users) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let company = lead.fields.company.clone().unwrap_or_default();
    let accounts = match account_candidates(s, &user, &company).await {
        Ok(a) => a,
        Err(e) => return error_page(tr, e),
    };
    let page = LeadPage {
        history_href: format!("/leads/{}/history", lead.id),
        frame: Frame::of(&user, "leads"),
        id: lead.id.to_string(),
        name: person_name(&lead),
        facts: facts(tr, &lead),
        stage: stage_label(tr, &lead),
        status: status_label(tr, lead.state.status),
        score: tr.t2(
            "lead-score",
            ("score", tr.num(lead.score).into()),
            ("grade", lead.grade.as_str().to_uppercase().into()),
        ),
        lines: lead
            .score_lines
            .iter()
            .map(|l| (l.code.clone(), tr.num(l.points)))
            .collect(),
        ready: readiness.ready(),
        next: readiness.next.map(str::to_owned),
        checks: readiness
            .checks
            .iter()
            .map(|c| (c.message.clone(), c.met))
            .collect(),
        moments: timeline
            .iter()
            .rev()
            .map(|e| Moment {
                when: tr.when(e.at),
                what: moment(tr, &e.item),
            })
            .collect(),
        done: notice(tr, done.done.as_deref()),
        version: lead.version,
        open: matches!(lead.state.status, LeadStatus::Open | LeadStatus::Nurture),
        can_convert: lead.state.stage == LeadStage::Prospect
            && matches!(lead.state.status, LeadStatus::Open | LeadStatus::Nurture),
        accounts,
        company,
        deal_rows: (1..=super::lead_actions::CONVERT_DEALS)
            .map(|i| (i, tr.t1("action-convert-deal", "n", tr.num(i))))
            .collect(),
        choices: Choices::new(tr),
        touch_base: format!("/leads/{}", lead.id),
        edit: super::edit_form::lead_form(tr, &lead, &users),
    };
    Page(StatusCode::OK, page).into_response()
}

/// Up to ten accounts the user sees whose name contains the company's first word.
async fn account_candidates(
    s: &sarnakh_core::service::Services,
    user: &WebUser,
    company: &str,
) -> Result<Vec<(String, String)>, sarnakh_core::Error> {
    let Some(word) = company.split_whitespace().next() else {
        return Ok(Vec::new());
    };
    let filter = sarnakh_core::store::AccountFilter {
        q: Some(word.to_owned()),
        ..Default::default()
    };
    let page = sarnakh_core::domain::PageRequest::new(Some(10), None);
    Ok(s.list_accounts(&user.actor, &filter, &page)
        .await?
        .items
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect())
}

#[derive(Deserialize)]
struct QualifyForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    version: Option<i64>,
}

async fn qualify(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<QualifyForm>,
) -> Result<Response, Refusal> {
    let lead: LeadId = user.target(&form.csrf, &id, "lead")?;
    let input = LifecycleInput {
        expected_version: form.version,
        ..LifecycleInput::default()
    };
    app.services
        .qualify_lead(&user.actor, lead, &input)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to(&format!("/leads/{lead}?done=qualified")).into_response())
}
