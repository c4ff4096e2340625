//! An opportunity's page: its fields, its stage with the stage probability, the predicted
//! win probability and the reasons behind it, the related account, contacts (with their
//! buyer roles) and lead, its timeline, and what a rep does next: move it to another stage
//! or close it (the board's own forms, sent with the version the page showed), log a call,
//! schedule a follow-up. Every read and write goes through the services the API uses.

use super::lead_actions::{CallForm, FollowUpForm, record_call, schedule_follow_up};
use super::leads::{Moment, moment};
use super::session::Refusal;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::forecast::effective_category;
use sarnakh_core::domain::opportunity::LossReason;
use sarnakh_core::domain::{
    Opportunity, OpportunityId, OpportunityStatus, PipelineStage, RecordRef, User,
};
use sarnakh_core::service::{OpportunityDetail, WinPrediction};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities/{id}", get(show))
        .route("/opportunities/{id}/call", post(log_call))
        .route("/opportunities/{id}/follow-up", post(follow_up))
}

/// The predicted win probability as shown.
pub struct Chance {
    pub percent: String,
    pub method: String,
    /// Feature (value), effect in percentage points.
    pub reasons: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "opportunity.html")]
struct DealPage {
    frame: Frame,
    /// The history tab.
    history_href: String,
    id: String,
    name: String,
    status: String,
    stage: String,
    facts: Vec<(String, String)>,
    chance: Chance,
    account: (String, String),
    people: Vec<(String, String, String)>,
    lead_href: Option<String>,
    moments: Vec<Moment>,
    open: bool,
    version: i64,
    current_stage: String,
    stages: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
    choices: super::leads::Choices,
    /// The page's path, where the call and follow-up forms post.
    touch_base: String,
    edit: Option<super::edit_form::EditForm>,
    done: Option<String>,
}

fn percent(tr: Tr, p: f64) -> String {
    // A probability is within 0..=1, so the rounded percentage fits.
    let whole = (p * 100.0).round() as i64;
    format!("{} %", tr.num(whole))
}

fn chance(tr: Tr, p: &WinPrediction) -> Chance {
    Chance {
        percent: p.probability.map(|p| percent(tr, p)).unwrap_or_default(),
        method: tr.t(&format!("prediction-{}", p.method.as_str())),
        reasons: p
            .reasons
            .iter()
            .map(|r| {
                let sign = if r.points > 0 { "+" } else { "−" };
                (
                    format!("{} ({})", r.feature.replace('_', " "), r.value),
                    format!("{sign}{}", tr.num(i64::from(r.points.abs()))),
                )
            })
            .collect(),
    }
}

fn facts(
    tr: Tr,
    o: &Opportunity,
    owner: Option<&User>,
    stages: &[PipelineStage],
) -> Vec<(String, String)> {
    let stage = stages.iter().find(|s| s.key == o.stage);
    let category = effective_category(o.status, o.forecast_category, stage);
    let category = match o.forecast_category {
        Some(_) => tr.t(&format!("forecast-category-{}", category.as_str())),
        None => tr.t1(
            "forecast-category-by-stage",
            "category",
            tr.t(&format!("forecast-category-{}", category.as_str())),
        ),
    };
    let a = &o.amount;
    let c = a.currency();
    [
        (
            "col-amount",
            Some(super::pipeline::money(
                tr,
                a.minor(),
                c.code(),
                c.exponent(),
            )),
        ),
        ("action-product", o.product.clone()),
        (
            "action-expected-close",
            o.expected_close_date.map(|d| tr.day(d)),
        ),
        ("field-forecast-category", Some(category)),
        ("field-owner", owner.map(|u| u.display_name.clone())),
        ("field-created", Some(tr.when(o.created_at))),
        ("deal-closed-at", o.closed_at.map(|at| tr.when(at))),
        (
            "pipeline-loss-reason",
            o.loss_reason.map(|r| tr.t(&format!("loss-{}", r.as_str()))),
        ),
        ("deal-close-note", o.close_note.clone()),
    ]
    .into_iter()
    .filter_map(|(id, v)| v.map(|v| (tr.t(id), v)))
    .collect()
}

fn stage_text(tr: Tr, o: &Opportunity, stages: &[PipelineStage]) -> String {
    match stages.iter().find(|s| s.key == o.stage) {
        Some(s) => format!(
            "{} · {} %",
            super::stage_label(tr, s),
            tr.num(i64::from(s.probability))
        ),
        None => o.stage.clone(),
    }
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let tr = user.tr;
    let Ok(id) = id.parse::<OpportunityId>() else {
        return error_page(tr, sarnakh_core::Error::not_found("opportunity", id));
    };
    let s = &app.services;
    let loaded = async {
        let detail = s.get_opportunity(&user.actor, id).await?;
        let prediction = s.opportunity_prediction(&user.actor, id).await?;
        let timeline = s.timeline(&user.actor, RecordRef::Opportunity(id)).await?;
        let account = s
            .get_account(&user.actor, detail.opportunity.account_id)
            .await?;
        Ok::<_, sarnakh_core::Error>((detail, prediction, timeline, account))
    };
    let (detail, prediction, timeline, account) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let (stages, users) = match (s.list_stages().await, s.list_users().await) {
        (Ok(st), Ok(us)) => (st, us),
        (Err(e), _) | (_, Err(e)) => return error_page(tr, e),
    };
    let OpportunityDetail {
        opportunity: o,
        contacts,
        ..
    } = detail;
    let lead_href = match o.lead_id {
        Some(lead) if s.get_lead(&user.actor, lead).await.is_ok() => Some(format!("/leads/{lead}")),
        _ => None,
    };
    let owner = users.iter().find(|u| Some(u.id) == o.owner_id);
    let mut people: Vec<(String, String, String)> = contacts
        .iter()
        .map(|(c, role)| {
            (
                format!("/contacts/{}", c.id),
                super::contacts::contact_name(c),
                tr.t(&format!("role-{}", role.as_str())),
            )
        })
        .collect();
    if let Some(main) = o.contact_id
        && !contacts.iter().any(|(c, _)| c.id == main)
        && let Ok(c) = s.get_contact(&user.actor, main).await
    {
        people.insert(
            0,
            (
                format!("/contacts/{main}"),
                super::contacts::contact_name(&c),
                tr.t("deal-main-contact"),
            ),
        );
    }
    let page = DealPage {
        history_href: format!("/opportunities/{}/history", o.id),
        frame: Frame::of(&user, "opportunities"),
        id: o.id.to_string(),
        name: o.name.clone(),
        status: tr.t(&format!("deal-status-{}", o.status.as_str())),
        stage: stage_text(tr, &o, &stages),
        facts: facts(tr, &o, owner, &stages),
        chance: chance(tr, &prediction),
        account: (format!("/accounts/{}", account.id), account.name.clone()),
        people,
        lead_href,
        moments: timeline
            .iter()
            .rev()
            .map(|e| Moment {
                when: tr.when(e.at),
                what: moment(tr, &e.item),
            })
            .collect(),
        open: o.status == OpportunityStatus::Open,
        version: o.version,
        current_stage: o.stage.clone(),
        stages: stages
            .iter()
            .filter(|s| s.accepts_deals())
            .map(|s| (s.key.clone(), super::stage_label(tr, s)))
            .collect(),
        reasons: LossReason::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), tr.t(&format!("loss-{}", r.as_str()))))
            .collect(),
        choices: super::leads::Choices::new(tr),
        touch_base: format!("/opportunities/{}", o.id),
        edit: (o.status == OpportunityStatus::Open)
            .then(|| super::edit_form::deal_form(tr, &o, &users)),
        done: notice(tr, done.done.as_deref()),
    };
    Page(StatusCode::OK, page).into_response()
}

/// The notice after an action on the page.
fn notice(tr: Tr, done: Option<&str>) -> Option<String> {
    match done? {
        d @ ("moved" | "won" | "lost") => Some(tr.t(&format!("pipeline-done-{d}"))),
        d @ ("call" | "follow-up") => Some(tr.t(&format!("done-{d}"))),
        "saved" => Some(tr.t("done-saved")),
        _ => None,
    }
}

/// Where a form on the page leads back to.
pub fn back(id: OpportunityId, done: &str) -> Response {
    Redirect::to(&format!("/opportunities/{id}?done={done}")).into_response()
}

async fn log_call(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<CallForm>,
) -> Result<Response, Refusal> {
    let id: OpportunityId = user.target(&form.csrf, &id, "opportunity")?;
    record_call(&app, &user, "opportunity", id.to_string(), form).await?;
    Ok(back(id, "call"))
}

async fn follow_up(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, Refusal> {
    let id: OpportunityId = user.target(&form.csrf, &id, "opportunity")?;
    schedule_follow_up(&app, &user, "opportunity", id.to_string(), form).await?;
    Ok(back(id, "follow-up"))
}
