//! The rules kept as data, each edited as one text in its documented format (JSON, or TOML
//! as the CLI accepts; docs/PLAYBOOK.md, docs/ROUTING.md): the qualification playbook and the
//! assignment rules (sales managers, admins) and the scoring rules (also marketing). Every
//! problem found is listed; a refused text writes nothing and comes back as it was typed.

use super::{Problems, Tab, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::Error;
use sarnakh_core::domain::assignment::AssignmentRules;
use sarnakh_core::domain::playbook::PlaybookRules;
use sarnakh_core::domain::scoring::ScoringRules;
use sarnakh_core::error::FieldError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/playbook", get(show_playbook).post(save_playbook))
        .route("/settings/scoring", get(show_scoring).post(save_scoring))
        .route(
            "/settings/assignment",
            get(show_assignment).post(save_assignment),
        )
}

/// Which rules a page edits.
#[derive(Clone, Copy)]
enum Kind {
    Playbook,
    Scoring,
    Assignment,
}

impl Kind {
    const fn path(self) -> &'static str {
        match self {
            Self::Playbook => "/settings/playbook",
            Self::Scoring => "/settings/scoring",
            Self::Assignment => "/settings/assignment",
        }
    }

    const fn title(self) -> &'static str {
        match self {
            Self::Playbook => "settings-playbook",
            Self::Scoring => "settings-scoring",
            Self::Assignment => "settings-assignment",
        }
    }
}

#[derive(Template)]
#[template(path = "settings_rules.html")]
struct RulesPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: Problems,
    title: &'static str,
    help: String,
    action: &'static str,
    /// The version in force, when the rules are versioned.
    version: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

#[derive(Deserialize)]
struct RulesForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    rules: String,
}

/// The rules in force as text, and their version; refused to those who may not edit them.
async fn current(
    app: &AppState,
    user: &WebUser,
    kind: Kind,
) -> Result<(Option<i64>, String), Error> {
    let s = &app.services;
    match kind {
        Kind::Playbook => {
            user.actor.require_override()?;
            let p = s.playbook().await?;
            Ok((Some(p.version), p.rules.to_json()))
        }
        Kind::Scoring => {
            user.actor.require_marketing("change the scoring rules")?;
            let (version, rules) = s.scoring().await?;
            Ok((Some(version), rules.to_json()))
        }
        Kind::Assignment => {
            user.actor.require_override()?;
            let rules = s.assignment_rules().await?;
            let text = serde_json::to_string_pretty(&rules).unwrap_or_default();
            Ok((None, text))
        }
    }
}

async fn page(
    app: &AppState,
    user: &WebUser,
    kind: Kind,
    status: StatusCode,
    done: Option<String>,
    typed: Option<(String, Vec<FieldError>)>,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    let (version, stored) = current(app, user, kind)
        .await
        .map_err(|e| user.refusal(e))?;
    let (text, errors) = typed.unwrap_or((stored, Vec::new()));
    let page = RulesPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, kind.path()),
        notice: done
            .filter(|d| d == "saved")
            .map(|_| tr.t("settings-done-rules")),
        problems: Problems::of(tr, &errors, &[]),
        title: kind.title(),
        help: tr.t(&format!("{}-help", kind.title())),
        action: kind.path(),
        version: version.map(|v| tr.t1("settings-rules-version", "version", v)),
        text,
    };
    Ok(Page(status, page).into_response())
}

/// JSON as it is; anything not starting with `{` is read as TOML and turned into JSON.
fn as_json(text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return Ok(trimmed.to_owned());
    }
    let value: toml::Value = toml::from_str(trimmed).map_err(|e| {
        FieldError::new(
            "",
            "invalid_settings",
            format!("neither JSON nor TOML: {e}"),
        )
    })?;
    serde_json::to_string(&value)
        .map_err(|e| FieldError::new("", "invalid_settings", e.to_string()))
}

/// Saves `text` as the next rules of `kind` through their service.
async fn save(app: &AppState, user: &WebUser, kind: Kind, text: &str) -> Result<(), Error> {
    let json = as_json(text).map_err(|e| Error::Validation(vec![e]))?;
    let one = |e: FieldError| Error::Validation(vec![e]);
    let s = &app.services;
    match kind {
        Kind::Playbook => {
            let rules = PlaybookRules::from_json(&json).map_err(one)?;
            s.set_playbook(&user.actor, rules).await.map(|_| ())
        }
        Kind::Scoring => {
            let rules = ScoringRules::from_json(&json).map_err(one)?;
            s.set_scoring(&user.actor, rules).await.map(|_| ())
        }
        Kind::Assignment => {
            let rules: AssignmentRules = serde_json::from_str(&json)
                .map_err(|e| one(FieldError::new("", "invalid_settings", e.to_string())))?;
            s.set_assignment_rules(&user.actor, rules).await.map(|_| ())
        }
    }
}

async fn show(app: AppState, user: WebUser, kind: Kind, d: Done) -> Result<Response, Refusal> {
    page(&app, &user, kind, StatusCode::OK, d.done, None).await
}

async fn post(
    app: AppState,
    user: WebUser,
    kind: Kind,
    form: RulesForm,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    match save(&app, &user, kind, &form.rules).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=saved", kind.path())).into_response()),
        Err(Error::Validation(errors)) => {
            let typed = Some((form.rules, errors));
            page(
                &app,
                &user,
                kind,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                typed,
            )
            .await
        }
        Err(e) => Err(user.refusal(e)),
    }
}

async fn show_playbook(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    show(app, user, Kind::Playbook, d).await
}

async fn save_playbook(
    State(app): State<AppState>,
    user: WebUser,
    Form(f): Form<RulesForm>,
) -> Result<Response, Refusal> {
    post(app, user, Kind::Playbook, f).await
}

async fn show_scoring(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    show(app, user, Kind::Scoring, d).await
}

async fn save_scoring(
    State(app): State<AppState>,
    user: WebUser,
    Form(f): Form<RulesForm>,
) -> Result<Response, Refusal> {
    post(app, user, Kind::Scoring, f).await
}

async fn show_assignment(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    show(app, user, Kind::Assignment, d).await
}

async fn save_assignment(
    State(app): State<AppState>,
    user: WebUser,
    Form(f): Form<RulesForm>,
) -> Result<Response, Refusal> {
    post(app, user, Kind::Assignment, f).await
}
