//! The pipeline stages (sales managers read, admins change): one table row per stage with
//! its names (default, Persian, Romanian), probability, default forecast category, place on
//! the board, deals and retirement, one empty row to add a stage, and the change log. The
//! form carries the version it showed; a change by someone else meanwhile is a conflict
//! page, and a refused form comes back as typed with every problem listed.

use super::stage_form::{StageRow, inputs, place_problems, typed_rows};
use super::{Tab, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, Tr, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::Error;
use sarnakh_core::domain::forecast::ForecastCategory;
use sarnakh_core::domain::{PipelineStage, StageKind};
use sarnakh_core::service::StageSettings;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/stages", get(show).post(save))
}

/// One change-log entry as listed.
pub struct ChangeRow {
    pub version: String,
    pub when: String,
    pub by: String,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "settings_stages.html")]
struct StagesPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: super::Problems,
    /// Admins get the form; managers read.
    editable: bool,
    version: i64,
    rows: Vec<StageRow>,
    categories: Vec<(String, String)>,
    log: Vec<ChangeRow>,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

fn stored_row(tr: Tr, s: &PipelineStage, deals: u64) -> StageRow {
    StageRow {
        key: s.key.clone(),
        existing: true,
        terminal: s.kind != StageKind::Open,
        name: s.name.clone(),
        label: crate::web::stage_label(tr, s),
        fa: s.labels.get("fa").cloned().unwrap_or_default(),
        ro: s.labels.get("ro").cloned().unwrap_or_default(),
        probability: s.probability.to_string(),
        category: s.forecast_category.as_str().to_owned(),
        order: s.position.to_string(),
        retired: s.retired_at.is_some(),
        remove: false,
        deals: tr.num(i64::try_from(deals).unwrap_or(i64::MAX)),
        problems: Vec::new(),
    }
}

fn empty_row(position: usize) -> StageRow {
    StageRow {
        order: (position + 1).to_string(),
        ..StageRow::default()
    }
}

async fn log(app: &AppState, user: &WebUser) -> Result<Vec<ChangeRow>, Error> {
    let tr = user.tr;
    let users = app.services.list_users().await?;
    let versions = app.services.stage_versions(&user.actor, 20).await?;
    Ok(versions
        .into_iter()
        .map(|v| ChangeRow {
            version: tr.num(v.version),
            when: tr.when(v.at),
            by: v
                .by
                .and_then(|b| users.iter().find(|u| u.id == b))
                .map_or_else(|| tr.t("history-by-system"), |u| u.display_name.clone()),
            changes: v
                .changes
                .iter()
                .map(|c| {
                    let old = c.old.as_deref().unwrap_or("—");
                    let new = c.new.as_deref().unwrap_or("—");
                    format!("{}: {}", c.field, tr.change(old, new))
                })
                .collect(),
        })
        .collect())
}

async fn page(
    app: &AppState,
    user: &WebUser,
    status: StatusCode,
    done: Option<String>,
    typed: Option<(i64, Vec<StageRow>, Vec<String>)>,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    let settings: StageSettings = app
        .services
        .stage_settings(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let log = log(app, user).await.map_err(|e| user.refusal(e))?;
    let (version, rows, other) = typed.unwrap_or_else(|| {
        let mut rows: Vec<StageRow> = settings
            .stages
            .iter()
            .map(|s| stored_row(tr, s, settings.deals.get(&s.key).copied().unwrap_or(0)))
            .collect();
        rows.push(empty_row(rows.len()));
        (settings.version, rows, Vec::new())
    });
    let page = StagesPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/stages"),
        notice: super::notice(tr, done.as_deref(), &["stages"]),
        problems: super::Problems {
            other,
            ..super::Problems::default()
        },
        editable: user.actor.require_admin().is_ok(),
        version,
        rows,
        categories: ForecastCategory::SETTABLE
            .iter()
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    tr.t(&format!("forecast-category-{}", c.as_str())),
                )
            })
            .collect(),
        log,
    };
    Ok(Page(status, page).into_response())
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    page(&app, &user, StatusCode::OK, d.done, None).await
}

async fn save(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    if let Some(refused) = user.refuse_form(value("_csrf")) {
        return Err(refused.into());
    }
    let version = value("version").parse::<i64>().ok();
    let mut rows = typed_rows(&pairs);
    let (input, order) = inputs(&rows);
    match app.services.set_stages(&user.actor, &input, version).await {
        Ok(_) => Ok(Redirect::to("/settings/stages?done=stages").into_response()),
        Err(Error::Validation(errors)) => {
            let other = place_problems(user.tr, &mut rows, &order, &errors);
            let typed = Some((version.unwrap_or(0), rows, other));
            page(&app, &user, StatusCode::UNPROCESSABLE_ENTITY, None, typed).await
        }
        Err(e) => Err(user.refusal(e)),
    }
}
