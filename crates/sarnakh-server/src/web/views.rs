//! Saved views on the leads and prospects lists: save the current filters under a name,
//! open them from the links above the list, delete one. Each user sees only their own
//! (the core's view services); a view stores the query, so the list it opens is filtered
//! by what the user may see then.

use super::WebUser;
use super::session::Refusal;
use crate::http::AppState;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sarnakh_core::domain::saved_view::VIEW_LISTS;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/views", post(save))
        .route("/views/{id}/delete", post(delete))
}

/// A saved view above a list.
pub struct ViewLink {
    pub id: String,
    pub name: String,
    pub href: String,
}

/// The user's views of `list` as links (none when they cannot be read).
pub async fn links(app: &AppState, user: &WebUser, list: &str) -> Vec<ViewLink> {
    let views = app.services.saved_views(&user.actor, list).await;
    views
        .unwrap_or_default()
        .into_iter()
        .map(|v| ViewLink {
            id: v.id.to_string(),
            href: format!("/{}?{}", v.list, v.query),
            name: v.name,
        })
        .collect()
}

/// The list page of `list`, or the leads when it names none.
fn list_path(list: &str) -> String {
    let list = VIEW_LISTS
        .into_iter()
        .find(|l| *l == list)
        .unwrap_or("leads");
    format!("/{list}")
}

#[derive(Deserialize)]
struct SaveForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    list: String,
    name: String,
    query: String,
}

async fn save(
    State(app): State<AppState>,
    user: WebUser,
    Form(form): Form<SaveForm>,
) -> Result<Response, Refusal> {
    if let Some(refused) = user.refuse_form(&form.csrf) {
        return Err(refused.into());
    }
    let view = app
        .services
        .save_view(&user.actor, &form.list, &form.name, &form.query)
        .await
        .map_err(|e| user.refusal(e))?;
    let to = format!("{}?{}", list_path(&view.list), view.query);
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    list: String,
}

async fn delete(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, Refusal> {
    let id: uuid::Uuid = user.target(&form.csrf, &id, "saved view")?;
    app.services
        .delete_view(&user.actor, id)
        .await
        .map_err(|e| user.refusal(e))?;
    Ok(Redirect::to(&list_path(&form.list)).into_response())
}
