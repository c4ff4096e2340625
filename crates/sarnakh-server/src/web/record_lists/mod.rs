//! The lists of opportunities, accounts and contacts: search, filters, a sort order, 50 rows
//! per page with a cursor, saved views, the CSV export of exactly the list shown (the same
//! parameters, checked by the same core parser, with the caller's visibility), and on the
//! opportunities a bulk owner change. Contacts name their accounts with one read per page.

use super::lead_list::Menu;
use super::{Frame, Page, Tr, WebUser};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::{User, UserId};
use std::collections::HashMap;

mod accounts;
mod assign;
mod deals;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities", get(deals::opportunities))
        .route("/accounts", get(accounts::accounts))
        .route("/contacts", get(accounts::contacts))
        .route("/opportunities/assign", post(assign::assign_deals))
        .route("/accounts/assign", post(assign::assign_accounts))
}

/// The query as sent.
type Raw = HashMap<String, String>;

/// One row: the linked name, then plain cells.
pub struct ListRow {
    pub id: String,
    pub href: String,
    pub name: String,
    pub cells: Vec<String>,
}

/// A free-text or date filter.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub kind: &'static str,
}

/// The bulk owner change under the table.
pub struct Bulk {
    pub owners: Vec<(String, String)>,
    pub me: String,
}

#[derive(Template)]
#[template(path = "record_list.html")]
struct ListPage {
    frame: Frame,
    title: &'static str,
    list: &'static str,
    q: String,
    menus: Vec<Menu>,
    inputs: Vec<Input>,
    views: Vec<super::views::ViewLink>,
    export: String,
    query: String,
    here: String,
    columns: Vec<String>,
    rows: Vec<ListRow>,
    bulk: Option<Bulk>,
    done: Option<String>,
    next: Option<String>,
}

fn value(raw: &Raw, key: &str) -> Option<String> {
    raw.get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The list's parameters among `keys` that are set, as a query string.
fn query(raw: &Raw, keys: &[&str], more: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for key in keys {
        if let Some(v) = value(raw, key) {
            q.append_pair(key, &v);
        }
    }
    for (k, v) in more {
        q.append_pair(k, v);
    }
    q.finish()
}

/// What a list shows besides its rows.
struct Shape {
    title: &'static str,
    list: &'static str,
    keys: &'static [&'static str],
    columns: Vec<String>,
}

async fn render(
    app: &AppState,
    user: &WebUser,
    raw: &Raw,
    shape: Shape,
    parts: (Vec<Menu>, Vec<Input>, Vec<ListRow>, Option<Bulk>),
    next: Option<sarnakh_core::domain::Cursor>,
) -> Response {
    let (menus, inputs, rows, bulk) = parts;
    let tr = user.tr;
    let path = format!("/{}", shape.list);
    let filters = query(raw, shape.keys, &[]);
    let done = raw
        .get("assigned")
        .and_then(|n| n.parse::<i64>().ok())
        .map(|n| {
            let failed = raw
                .get("failed")
                .and_then(|f| f.parse::<i64>().ok())
                .unwrap_or(0);
            let counted =
                |id: &str, n: i64| tr.t2(id, ("count", n.into()), ("n", tr.num(n).into()));
            match failed {
                0 => counted("bulk-records-assigned", n),
                f => format!(
                    "{} {}",
                    counted("bulk-records-assigned", n),
                    counted("bulk-failed", f)
                ),
            }
        });
    let page = ListPage {
        frame: Frame::of(user, shape.list),
        title: shape.title,
        list: shape.list,
        q: value(raw, "q").unwrap_or_default(),
        views: super::views::links(app, user, shape.list).await,
        export: format!("/api/v1/{}/export.csv?{filters}", shape.list),
        here: format!("{path}?{filters}"),
        next: next.map(|c| {
            format!(
                "{path}?{}",
                query(raw, shape.keys, &[("after", &c.encode())])
            )
        }),
        query: filters,
        columns: shape.columns,
        menus,
        inputs,
        rows,
        bulk,
        done,
    };
    Page(StatusCode::OK, page).into_response()
}

fn any(tr: Tr, mut rest: Vec<(String, String)>) -> Vec<(String, String)> {
    rest.insert(0, (String::new(), tr.t("leads-any")));
    rest
}

fn menu(
    name: &'static str,
    label: &'static str,
    raw: &Raw,
    choices: Vec<(String, String)>,
) -> Menu {
    Menu {
        name,
        label,
        chosen: value(raw, name).unwrap_or_default(),
        choices,
    }
}

fn sorts(tr: Tr, sorts: &[&str]) -> Vec<(String, String)> {
    sorts
        .iter()
        .map(|s| ((*s).to_owned(), tr.t(&format!("list-sort-{s}"))))
        .collect()
}

fn owners(users: &[User]) -> Vec<(String, String)> {
    users
        .iter()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| (u.id.to_string(), u.display_name.clone()))
        .collect()
}

fn owner_name(users: &[User], id: Option<UserId>) -> String {
    id.and_then(|o| users.iter().find(|u| u.id == o))
        .map(|u| u.display_name.clone())
        .unwrap_or_default()
}
