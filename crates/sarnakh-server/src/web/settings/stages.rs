//! The pipeline stages (sales managers read, admins change): one table row per stage with
//! its names (default, Persian, Romanian), probability, default forecast category, place on
//! the board, deals and retirement, one empty row to add a stage, and the change log. The
//! form carries the version it showed; a change by someone else meanwhile is a conflict
//! page, and a refused form comes back as typed with every problem listed.

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
use sarnakh_core::domain::stage_settings::StageInput;
use sarnakh_core::domain::{PipelineStage, StageKind};
use sarnakh_core::error::FieldError;
use sarnakh_core::service::StageSettings;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/stages", get(show).post(save))
}

/// One row of the form, as stored or as typed.
#[derive(Default, Clone)]
pub struct StageRow {
    pub key: String,
    /// A stored stage (its key is fixed); false for the empty row.
    pub existing: bool,
    /// Won or lost: only the names change.
    pub terminal: bool,
    pub name: String,
    /// The name in the reader's language (read-only view).
    pub label: String,
    pub fa: String,
    pub ro: String,
    pub probability: String,
    pub category: String,
    pub order: String,
    pub retired: bool,
    pub remove: bool,
    pub deals: String,
    /// The row's problems, in the reader's language.
    pub problems: Vec<String>,
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
                    let dash = || "—".to_owned();
                    format!(
                        "{}: {} → {}",
                        c.field,
                        c.old.clone().unwrap_or_else(dash),
                        c.new.clone().unwrap_or_else(dash)
                    )
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

/// The rows as typed: `s{i}.{field}` for row `i`.
fn typed_rows(pairs: &[(String, String)]) -> Vec<StageRow> {
    let mut rows: BTreeMap<usize, StageRow> = BTreeMap::new();
    for (name, value) in pairs {
        let Some((index, field)) = name
            .strip_prefix('s')
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)))
        else {
            continue;
        };
        if index > sarnakh_core::domain::stage_settings::MAX_STAGES + 1 {
            continue;
        }
        let row = rows.entry(index).or_default();
        let value = value.clone();
        match field {
            "key" => row.key = value,
            "existing" => row.existing = value == "1",
            "terminal" => row.terminal = value == "1",
            "name" => row.name = value,
            "fa" => row.fa = value,
            "ro" => row.ro = value,
            "probability" => row.probability = value,
            "category" => row.category = value,
            "order" => row.order = value,
            "retired" => row.retired = true,
            "remove" => row.remove = true,
            "deals" => row.deals = value,
            _ => {}
        }
    }
    rows.into_values().collect()
}

/// The stage list the rows ask for: rows to remove and the untouched empty row left out,
/// the rest by their place (`order`, then as listed). Also the row index of each input.
fn inputs(rows: &[StageRow]) -> (Vec<StageInput>, Vec<usize>) {
    let mut chosen: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !r.remove && (r.existing || !r.key.trim().is_empty() || !r.name.trim().is_empty())
        })
        .map(|(i, r)| (r.order.trim().parse::<f64>().unwrap_or(f64::MAX), i))
        .collect();
    chosen.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let input = chosen
        .iter()
        .map(|(_, i)| {
            let r = &rows[*i];
            let labels = [("fa", &r.fa), ("ro", &r.ro)]
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect();
            StageInput {
                key: r.key.trim().to_owned(),
                name: r.name.clone(),
                labels,
                // A terminal stage's probability is fixed: the form does not send it.
                probability: match r.probability.trim() {
                    "" => None,
                    p => Some(p.parse::<i64>().unwrap_or(-1)),
                },
                forecast_category: (!r.terminal).then(|| r.category.clone()),
                retired: r.retired,
            }
        })
        .collect();
    (input, chosen.into_iter().map(|(_, i)| i).collect())
}

/// Puts each `stages[i]` problem on its row and returns the others.
fn place_problems(
    tr: Tr,
    rows: &mut [StageRow],
    order: &[usize],
    errors: &[FieldError],
) -> Vec<String> {
    let mut other = Vec::new();
    for e in errors {
        let text = tr.t_or(&format!("field-error-{}", e.code), &e.message);
        let row = e
            .field
            .strip_prefix("stages[")
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(i, rest)| Some((order.get(i.parse::<usize>().ok()?)?, rest)));
        match row {
            Some((&r, rest)) => {
                let field = rest.trim_start_matches('.');
                rows[r].problems.push(format!("{field}: {text}"));
            }
            None => other.push(e.message.clone()),
        }
    }
    other
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
