//! Web forms (marketing, sales managers, admins): the list, a form's settings to create or
//! change, and its HTML embed snippet in English, Persian or Romanian, shown as text to copy.
//! The services check the role and every setting; a refused form writes nothing.

use super::form_draft::{Editor, Sent, draft_of, editor_of, editor_sent, value};
use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::http::snippet;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::domain::FormId;
use sarnakh_core::domain::form::WebForm;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/forms", get(list).post(create))
        .route("/settings/forms/{id}", get(show).post(update))
}

/// A form as listed.
pub struct FormRow {
    pub id: String,
    pub name: String,
    pub key: String,
    pub active: bool,
    pub daily_cap: String,
    /// The team queue its leads wait in, by name; empty: none.
    pub team: String,
}

#[derive(Template)]
#[template(path = "settings_forms.html")]
struct FormsPage {
    frame: Frame,
    tabs: Vec<Tab>,
    notice: Option<String>,
    problems: Problems,
    forms: Vec<FormRow>,
    /// The form being edited (none: the list with an empty editor).
    editing: Option<String>,
    editor: Editor,
    /// The teams a form's leads may wait for (id, name).
    teams: Vec<(String, String)>,
    /// The embed snippet, its language and the languages to switch to.
    snippet: Option<String>,
    snippet_lang: String,
    langs: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Shown {
    done: Option<String>,
    lang: Option<String>,
}

struct View {
    status: StatusCode,
    notice: Option<String>,
    editing: Option<WebForm>,
    editor: Option<Editor>,
    problems: Problems,
    lang: String,
}

async fn page(
    app: &AppState,
    user: &WebUser,
    headers: &HeaderMap,
    v: View,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    user.actor
        .require_marketing("manage web forms")
        .map_err(|e| user.refusal(e))?;
    let forms = app
        .services
        .list_forms(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let teams: Vec<(String, String)> = app
        .services
        .teams()
        .await
        .map_err(|e| user.refusal(e))?
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let team_name = |id: Option<sarnakh_core::domain::TeamId>| {
        id.and_then(|id| teams.iter().find(|(t, _)| *t == id.to_string()))
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    };
    let lang = snippet::Lang::parse(&v.lang).unwrap_or(snippet::Lang::En);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let page = FormsPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/forms"),
        notice: v.notice,
        problems: v.problems,
        forms: forms
            .iter()
            .map(|f| FormRow {
                id: f.id.to_string(),
                name: f.settings.name.clone(),
                key: f.key.clone(),
                active: f.settings.active,
                daily_cap: tr.num(f.settings.daily_cap),
                team: team_name(f.settings.team_id),
            })
            .collect(),
        editing: v.editing.as_ref().map(|f| f.id.to_string()),
        editor: v
            .editor
            .unwrap_or_else(|| editor_of(tr, v.editing.as_ref())),
        snippet: v
            .editing
            .as_ref()
            .map(|f| snippet::render(f, lang, &format!("http://{host}"))),
        snippet_lang: v.lang,
        langs: super::languages(),
        teams,
    };
    Ok(Page(v.status, page).into_response())
}

async fn list(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let view = View {
        status: StatusCode::OK,
        notice: None,
        editing: None,
        editor: None,
        problems: Problems::default(),
        lang: "en".into(),
    };
    page(&app, &user, &headers, view).await
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Shown>,
) -> Result<Response, Refusal> {
    let id: FormId = id
        .parse()
        .map_err(|_| user.refusal(sarnakh_core::Error::not_found("form", &id)))?;
    let form = app
        .services
        .get_form(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    let view = View {
        status: StatusCode::OK,
        notice: notice(user.tr, q.done.as_deref(), &["form-created", "form-saved"]),
        editing: Some(form),
        editor: None,
        problems: Problems::default(),
        lang: q
            .lang
            .filter(|l| snippet::Lang::parse(l).is_some())
            .unwrap_or_else(|| "en".into()),
    };
    page(&app, &user, &headers, view).await
}

const FIELDS: [&str; 10] = [
    "name",
    "fields",
    "campaign",
    "products",
    "thank_you_url",
    "thank_you_message",
    "allowed_origins",
    "daily_cap",
    "min_fill_seconds",
    "team_id",
];

async fn create(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(sent): Form<Sent>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(value(&sent, "_csrf")) {
        return Err(refused.into());
    }
    let (draft, mut errors) = draft_of(&sent);
    if errors.is_empty() {
        match app.services.create_form(&user.actor, &draft).await {
            Ok(form) => {
                let to = format!("/settings/forms/{}?done=form-created", form.id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(sarnakh_core::Error::Validation(e)) => errors = e,
            Err(e) => return Err(user.refusal(e)),
        }
    } else if let Err(sarnakh_core::Error::Validation(e)) = draft.validate() {
        errors.extend(e);
    }
    let editor = editor_sent(user.tr, "/settings/forms".into(), 0, &sent, &draft);
    let view = View {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        notice: None,
        editing: None,
        editor: Some(editor),
        problems: Problems::of(user.tr, &errors, &FIELDS),
        lang: "en".into(),
    };
    page(&app, &user, &headers, view).await
}

async fn update(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(sent): Form<Sent>,
) -> Result<Response, Refusal> {
    let id: FormId = user.target(value(&sent, "_csrf"), &id, "form")?;
    let version = value(&sent, "version").parse::<i64>().ok();
    let (draft, mut errors) = draft_of(&sent);
    let current = app
        .services
        .get_form(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    if errors.is_empty() {
        match app
            .services
            .update_form(&user.actor, id, &draft, version)
            .await
        {
            Ok(form) => {
                let to = format!("/settings/forms/{}?done=form-saved", form.id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(sarnakh_core::Error::Validation(e)) => errors = e,
            Err(e) => return Err(user.refusal(e)),
        }
    } else if let Err(sarnakh_core::Error::Validation(e)) = draft.validate() {
        errors.extend(e);
    }
    let action = format!("/settings/forms/{id}");
    let editor = editor_sent(user.tr, action, version.unwrap_or(0), &sent, &draft);
    let view = View {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        notice: None,
        editing: Some(current),
        editor: Some(editor),
        problems: Problems::of(user.tr, &errors, &FIELDS),
        lang: "en".into(),
    };
    page(&app, &user, &headers, view).await
}
