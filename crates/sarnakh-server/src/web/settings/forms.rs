//! Web forms (marketing, sales managers, admins): the list, a form's settings to create or
//! change, and its HTML embed snippet in English, Persian or Romanian, shown as text to copy.
//! The services check the role and every setting; a refused form writes nothing.

use super::form_draft::{Sent, draft_of, value};
use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::http::snippet;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, Tr, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::domain::FormId;
use sarnakh_core::domain::form::{FormDraft, FormField, WebForm};
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
}

/// One lead field of the editor: asked for, required.
pub struct FieldChoice {
    pub name: &'static str,
    pub label: String,
    pub asked: bool,
    pub required: bool,
}

/// The editor's values, as stored or as sent.
pub struct Editor {
    pub action: String,
    pub version: i64,
    pub name: String,
    pub fields: Vec<FieldChoice>,
    pub campaign: String,
    pub products: String,
    pub thank_you_url: String,
    pub thank_you_message: String,
    pub allowed_origins: String,
    pub daily_cap: String,
    pub min_fill_seconds: String,
    pub active: bool,
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
    /// The embed snippet, its language and the languages to switch to.
    snippet: Option<String>,
    snippet_lang: String,
    langs: Vec<(String, String)>,
}

fn choices(tr: Tr, asked: &[(String, bool)]) -> Vec<FieldChoice> {
    FormField::ALL
        .iter()
        .map(|f| {
            let given = asked.iter().find(|(n, _)| n == f.as_str());
            FieldChoice {
                name: f.as_str(),
                label: tr.t(&format!("form-field-{}", f.as_str())),
                asked: given.is_some(),
                required: given.is_some_and(|(_, r)| *r),
            }
        })
        .collect()
}

fn editor_of(tr: Tr, form: Option<&WebForm>) -> Editor {
    let Some(form) = form else {
        let asked = [("first_name".into(), true), ("email".into(), true)];
        return Editor {
            action: "/settings/forms".into(),
            version: 0,
            name: String::new(),
            fields: choices(tr, &asked),
            campaign: String::new(),
            products: String::new(),
            thank_you_url: String::new(),
            thank_you_message: String::new(),
            allowed_origins: String::new(),
            daily_cap: "1000".into(),
            min_fill_seconds: "3".into(),
            active: true,
        };
    };
    let s = &form.settings;
    let asked: Vec<(String, bool)> = s
        .fields
        .iter()
        .map(|f| (f.field.as_str().to_owned(), f.required))
        .collect();
    Editor {
        action: format!("/settings/forms/{}", form.id),
        version: form.version,
        name: s.name.clone(),
        fields: choices(tr, &asked),
        campaign: s.campaign.clone().unwrap_or_default(),
        products: s.products.join(", "),
        thank_you_url: s.thank_you_url.clone().unwrap_or_default(),
        thank_you_message: s.thank_you_message.clone().unwrap_or_default(),
        allowed_origins: s.allowed_origins.join("\n"),
        daily_cap: s.daily_cap.to_string(),
        min_fill_seconds: s.min_fill_seconds.to_string(),
        active: s.active,
    }
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

fn editor_sent(tr: Tr, action: String, version: i64, sent: &Sent, draft: &FormDraft) -> Editor {
    Editor {
        action,
        version,
        name: value(sent, "name").to_owned(),
        fields: choices(tr, &draft.fields),
        campaign: value(sent, "campaign").to_owned(),
        products: value(sent, "products").to_owned(),
        thank_you_url: value(sent, "thank_you_url").to_owned(),
        thank_you_message: value(sent, "thank_you_message").to_owned(),
        allowed_origins: value(sent, "allowed_origins").to_owned(),
        daily_cap: value(sent, "daily_cap").to_owned(),
        min_fill_seconds: value(sent, "min_fill_seconds").to_owned(),
        active: draft.active.unwrap_or(true),
    }
}

const FIELDS: [&str; 9] = [
    "name",
    "fields",
    "campaign",
    "products",
    "thank_you_url",
    "thank_you_message",
    "allowed_origins",
    "daily_cap",
    "min_fill_seconds",
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
    let draft = FormDraft {
        team_id: current.settings.team_id,
        ..draft
    };
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
