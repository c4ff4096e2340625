//! The pipeline board: open opportunities as cards in stage columns, with the count, the
//! total and the weighted total (by stage probability) of each column. A card moves with a
//! small form (stage and the version the user saw; a change by someone else meanwhile is
//! shown as a conflict, never overwritten), or by dragging it onto another column, which
//! submits the same form. A deal closes won or lost (with a reason) from its card.

use super::session::Refusal;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::opportunity::LossReason;
use sarnakh_core::domain::page::{self, PageRequest};
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::report_figures::{StageTotal, div_round};
use sarnakh_core::domain::{
    Currency, Money, Opportunity, OpportunityId, OpportunityStatus, PipelineStage, StageKind,
    TeamId, UserId,
};
use sarnakh_core::service::{Actor, CloseDraft, Services};
use sarnakh_core::store::OpportunityFilter;
use serde::Deserialize;

/// Cards shown per column.
const PER_COLUMN: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pipeline", get(board))
        .route("/pipeline/{id}/stage", post(move_card))
        .route("/pipeline/{id}/close", post(close))
}

/// A deal on the board.
pub struct Card {
    pub id: String,
    pub name: String,
    pub amount: String,
    pub version: i64,
    pub stage: String,
}

/// One stage.
pub struct Column {
    pub key: String,
    /// Deals may move into it (open, not retired).
    pub accepts: bool,
    pub name: String,
    pub probability: String,
    pub count: String,
    /// Totals per currency, formatted.
    pub total: String,
    pub weighted: String,
    pub cards: Vec<Card>,
    /// More deals than shown.
    pub more: bool,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
struct Board {
    frame: Frame,
    owners: Vec<(String, String)>,
    owner: String,
    product: String,
    /// Every team (id, name) and the one chosen.
    teams: Vec<(String, String)>,
    team: String,
    columns: Vec<Column>,
    stages: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
    done: Option<String>,
}

/// An amount in its currency's minor units, in the reader's digits: `12,000.50 EUR`.
pub fn money(tr: Tr, minor: i64, currency: &str, exponent: u32) -> String {
    format!("{} {currency}", tr.decimal(minor, exponent))
}

/// A column's total and weighted total per currency, from its stage's sums (every open deal
/// the board's filters keep, not only the cards shown).
fn totals(tr: Tr, sums: &[&StageTotal]) -> (String, String) {
    let show = |pick: fn(&StageTotal) -> i64| {
        if sums.is_empty() {
            return tr.num(0);
        }
        sums.iter()
            .map(|t| {
                let exponent = Currency::parse(&t.currency).map_or(0, |c| c.exponent());
                money(tr, pick(t), &t.currency, exponent)
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    (
        show(|t| t.amount_minor),
        show(|t| div_round(t.weighted_centi_minor, 100)),
    )
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
    /// Only this owner's deals.
    owner: Option<String>,
    /// Only deals of this product.
    product: Option<String>,
    /// Only deals of this team's members.
    team: Option<String>,
}

async fn board(State(app): State<AppState>, user: WebUser, Query(done): Query<Done>) -> Response {
    let tr = user.tr;
    let s = &app.services;
    let (stages, users) = match (s.list_stages().await, s.list_users().await) {
        (Ok(st), Ok(us)) => (st, us),
        (Err(e), _) | (_, Err(e)) => return error_page(tr, e),
    };
    let owner = done.owner.as_deref().and_then(|o| o.parse::<UserId>().ok());
    let product = done
        .product
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let team = done.team.as_deref().and_then(|t| t.parse::<TeamId>().ok());
    let (teams, members) = match team_filter(s, team).await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let q = ReportQuery {
        owner: owner.map(|o| o.to_string()),
        team: team.map(|t| t.to_string()),
        product: product.clone(),
        ..ReportQuery::default()
    };
    let open: Vec<&PipelineStage> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .collect();
    // The columns' first cards are read while the totals are summed.
    let actor = &user.actor;
    let base = OpportunityFilter {
        status: Some(OpportunityStatus::Open),
        owner,
        owners: members.clone(),
        product: product.clone(),
        ..OpportunityFilter::default()
    };
    let cards = first_cards(s, actor, &open, &base);
    let (sums, cards) = match tokio::try_join!(s.pipeline_totals(actor, &q), cards) {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let mut columns = Vec::new();
    for (stage, found) in open.into_iter().zip(cards) {
        let of: Vec<&StageTotal> = sums.iter().filter(|t| t.stage == stage.key).collect();
        let count: u64 = of.iter().map(|t| t.count).sum();
        // A retired stage keeps its column only while deals are left in it.
        if stage.retired_at.is_some() && count == 0 {
            continue;
        }
        let (total, weighted) = totals(tr, &of);
        let name = super::stage_label(tr, stage);
        columns.push(Column {
            key: stage.key.clone(),
            accepts: stage.accepts_deals(),
            name: match stage.retired_at {
                Some(_) => tr.t1("stage-retired-name", "name", name),
                None => name,
            },
            probability: format!("{} %", tr.num(i64::from(stage.probability))),
            count: tr.num(i64::try_from(count).unwrap_or(i64::MAX)),
            total,
            weighted,
            more: found.next.is_some(),
            cards: found.items.iter().map(|o| card(tr, o)).collect(),
        });
    }
    let page = Board {
        owners: users
            .iter()
            .filter(|u| u.disabled_at.is_none())
            .map(|u| (u.id.to_string(), u.display_name.clone()))
            .collect(),
        owner: owner.map(|o| o.to_string()).unwrap_or_default(),
        product: product.unwrap_or_default(),
        teams,
        team: team.map(|t| t.to_string()).unwrap_or_default(),
        frame: Frame::of(&user, "pipeline"),
        stages: columns
            .iter()
            .filter(|c| c.accepts)
            .map(|c| (c.key.clone(), c.name.clone()))
            .collect(),
        columns,
        reasons: LossReason::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), tr.t(&format!("loss-{}", r.as_str()))))
            .collect(),
        done: done
            .done
            .filter(|d| ["moved", "won", "lost", "converted"].contains(&d.as_str()))
            .map(|d| tr.t(&format!("pipeline-done-{d}"))),
    };
    Page(StatusCode::OK, page).into_response()
}

/// The first `PER_COLUMN` deals of each stage, in order, that `base` keeps.
async fn first_cards(
    s: &Services,
    actor: &Actor,
    stages: &[&PipelineStage],
    base: &OpportunityFilter,
) -> Result<Vec<page::Page<Opportunity>>, sarnakh_core::Error> {
    let first = PageRequest {
        limit: PER_COLUMN,
        after: None,
    };
    futures_util::future::try_join_all(stages.iter().map(|stage| {
        let filter = OpportunityFilter {
            stage: Some(stage.key.clone()),
            ..base.clone()
        };
        let first = &first;
        async move { s.list_opportunities(actor, &filter, first).await }
    }))
    .await
}

/// The teams to choose from, and the chosen team's members (none: no team chosen).
async fn team_filter(
    s: &sarnakh_core::service::Services,
    team: Option<TeamId>,
) -> Result<(Vec<(String, String)>, Option<Vec<UserId>>), sarnakh_core::Error> {
    let teams = s
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let members = match team {
        Some(t) => Some(s.team_member_ids(t).await?),
        None => None,
    };
    Ok((teams, members))
}

fn card(tr: Tr, o: &Opportunity) -> Card {
    let a: &Money = &o.amount;
    Card {
        id: o.id.to_string(),
        name: o.name.clone(),
        amount: money(tr, a.minor(), a.currency().code(), a.currency().exponent()),
        version: o.version,
        stage: o.stage.clone(),
    }
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    stage: String,
    version: i64,
    /// `record` when sent from the opportunity's page (back there), else the board.
    from: Option<String>,
}

async fn move_card(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, Refusal> {
    let id: OpportunityId = user.target(&form.csrf, &id, "opportunity")?;
    let moved = app
        .services
        .move_opportunity(&user.actor, id, &form.stage, Some(form.version))
        .await;
    moved.map_err(|e| user.refusal(e))?;
    Ok(back(form.from.as_deref(), id, "moved"))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    outcome: String,
    reason: Option<String>,
    note: Option<String>,
    version: i64,
    from: Option<String>,
}

async fn close(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Result<Response, Refusal> {
    let id: OpportunityId = user.target(&form.csrf, &id, "opportunity")?;
    let draft = CloseDraft {
        outcome: Some(form.outcome.clone()),
        reason: form
            .reason
            .filter(|r| !r.is_empty() && form.outcome == "lost"),
        note: form.note.filter(|n| !n.trim().is_empty()),
        expected_version: Some(form.version),
    };
    let o = app
        .services
        .close_opportunity(&user.actor, id, &draft)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(back(form.from.as_deref(), id, o.status.as_str()))
}

/// Back to the opportunity's page when the form came from there, else to the board.
fn back(from: Option<&str>, id: OpportunityId, done: &str) -> Response {
    match from {
        Some("record") => super::opportunity::back(id, done),
        _ => Redirect::to(&format!("/pipeline?done={done}")).into_response(),
    }
}
