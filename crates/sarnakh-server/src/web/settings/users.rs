//! Users and teams: the list (admins everyone, a sales manager their team), adding a user
//! with a generated password shown once (as `sarnakh user add` does), changing a user's role
//! and team, and disabling a user. Every change is an admin's, checked by the services.

use super::{Problems, Tab, notice, tabs};
use crate::http::AppState;
use crate::web::session::Refusal;
use crate::web::{Frame, Page, WebUser};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::domain::{Role, UserId};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/users", get(list))
        .route("/settings/users/add", post(add))
        .route("/settings/users/access", post(access))
        .route("/settings/users/disable", post(disable))
}

/// A user as listed.
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub role_label: String,
    pub team: String,
    pub language: String,
    pub disabled: String,
}

/// The add-user form as sent.
#[derive(Default, Deserialize)]
struct AddForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    locale: String,
}

#[derive(Template)]
#[template(path = "settings_users.html")]
struct UsersPage {
    frame: Frame,
    tabs: Vec<Tab>,
    admin: bool,
    rows: Vec<UserRow>,
    teams: Vec<String>,
    roles: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    notice: Option<String>,
    /// The new user's email and password, shown this once.
    created: Option<(String, String)>,
    add: AddForm,
    problems: Problems,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn page(
    app: &AppState,
    user: &WebUser,
    status: StatusCode,
    notice: Option<String>,
    created: Option<(String, String)>,
    add: AddForm,
    problems: Problems,
) -> Result<Response, Refusal> {
    let tr = user.tr;
    let (users, teams) = app
        .services
        .team_directory(&user.actor)
        .await
        .map_err(|e| user.refusal(e))?;
    let team_name = |id| {
        teams
            .iter()
            .find(|t| Some(t.id) == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let rows = users
        .iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            name: u.display_name.clone(),
            email: u.email.clone(),
            role: u.role.as_str().to_owned(),
            role_label: tr.t(&format!("user-role-{}", u.role.as_str())),
            team: team_name(u.team_id),
            language: u.locale.as_str().to_owned(),
            disabled: u.disabled_at.map(|at| tr.when(at)).unwrap_or_default(),
        })
        .collect();
    let page = UsersPage {
        frame: Frame::of(user, "settings"),
        tabs: tabs(user, "/settings/users"),
        admin: user.user.role == Role::Admin,
        rows,
        teams: teams.iter().map(|t| t.name.clone()).collect(),
        roles: [
            Role::SalesRep,
            Role::SalesManager,
            Role::Marketing,
            Role::Admin,
        ]
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                tr.t(&format!("user-role-{}", r.as_str())),
            )
        })
        .collect(),
        languages: super::languages(),
        notice,
        created,
        add,
        problems,
    };
    Ok(Page(status, page).into_response())
}

async fn list(
    State(app): State<AppState>,
    user: WebUser,
    Query(d): Query<Done>,
) -> Result<Response, Refusal> {
    let done = notice(user.tr, d.done.as_deref(), &["access", "disabled"]);
    page(
        &app,
        &user,
        StatusCode::OK,
        done,
        None,
        AddForm::default(),
        Problems::default(),
    )
    .await
}

fn blank(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

async fn add(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<AddForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let draft = UserDraft {
        email: blank(&form.email),
        display_name: blank(&form.display_name),
        role: blank(&form.role),
        team: blank(&form.team),
        locale: blank(&form.locale),
        time_zone: None,
    };
    match app.services.add_user(&user.actor, &draft, None).await {
        Ok((new, password)) => {
            let done = notice(user.tr, Some("added"), &["added"]);
            let created = Some((new.email, password));
            page(
                &app,
                &user,
                StatusCode::OK,
                done,
                created,
                AddForm::default(),
                Problems::default(),
            )
            .await
        }
        Err(sarnakh_core::Error::Validation(errors)) => {
            let fields = ["email", "display_name", "role", "team", "locale"];
            let problems = Problems::of(user.tr, &errors, &fields);
            page(
                &app,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                form,
                problems,
            )
            .await
        }
        Err(e) => Err(user.refusal(e)),
    }
}

#[derive(Deserialize)]
struct AccessForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    id: String,
    role: Option<String>,
    team: Option<String>,
}

async fn access(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<AccessForm>,
) -> Result<Response, Refusal> {
    let id: UserId = user.target(&form.csrf, &form.id, "user")?;
    let team = form
        .team
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    app.services
        .set_user_access(&user.actor, id, form.role.as_deref(), team)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/settings/users?done=access").into_response())
}

#[derive(Deserialize)]
struct DisableForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    id: String,
}

async fn disable(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<DisableForm>,
) -> Result<Response, Refusal> {
    let id: UserId = user.target(&form.csrf, &form.id, "user")?;
    app.services
        .disable_user(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to("/settings/users?done=disabled").into_response())
}
