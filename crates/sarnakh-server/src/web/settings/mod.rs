//! The settings pages, shown by role: users and teams, exchange rates and forecast targets,
//! web forms with their embed snippet, the speed-to-lead target, the playbook, scoring and
//! assignment rules, the import wizard and the webhook subscriptions. Each page asks the core
//! service (or the policy it applies) whether the user may see it; the navigation only hides
//! what would be refused anyway.

mod form_draft;
mod forms;
mod import;
mod import_upload;
mod money;
mod rules;
mod sla;
mod stage_form;
mod stages;
mod users;
mod webhooks;

use super::{Tr, WebUser};
use crate::http::AppState;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sarnakh_core::domain::Role;
use sarnakh_core::error::FieldError;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(first_tab))
        .merge(users::router())
        .merge(money::router())
        .merge(forms::router())
        .merge(rules::router())
        .merge(stages::router())
        .merge(sla::router())
        .merge(import::router())
        .merge(webhooks::router())
}

/// One entry of the settings navigation.
pub struct Tab {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The settings pages and the roles that may open each.
const TABS: [(&str, &str, &[Role]); 10] = [
    (
        "/settings/users",
        "settings-users",
        &[Role::Admin, Role::SalesManager],
    ),
    (
        "/settings/money",
        "settings-money",
        &[Role::Admin, Role::SalesManager],
    ),
    (
        "/settings/forms",
        "settings-forms",
        &[Role::Admin, Role::SalesManager, Role::Marketing],
    ),
    (
        "/settings/stages",
        "settings-stages",
        &[Role::Admin, Role::SalesManager],
    ),
    (
        "/settings/sla",
        "settings-sla",
        &[Role::Admin, Role::SalesManager, Role::Marketing],
    ),
    (
        "/settings/playbook",
        "settings-playbook",
        &[Role::Admin, Role::SalesManager],
    ),
    (
        "/settings/scoring",
        "settings-scoring",
        &[Role::Admin, Role::SalesManager, Role::Marketing],
    ),
    (
        "/settings/assignment",
        "settings-assignment",
        &[Role::Admin, Role::SalesManager],
    ),
    (
        "/settings/import",
        "settings-import",
        &[Role::Admin, Role::SalesManager],
    ),
    ("/settings/webhooks", "settings-webhooks", &[Role::Admin]),
];

/// The settings pages `user` may open, `current` marked.
pub fn tabs(user: &WebUser, current: &str) -> Vec<Tab> {
    TABS.iter()
        .filter(|(_, _, roles)| roles.contains(&user.user.role))
        .map(|(href, label, _)| Tab {
            href,
            label: user.tr.t(label),
            current: *href == current,
        })
        .collect()
}

async fn first_tab(user: WebUser) -> Response {
    match tabs(&user, "").first() {
        Some(tab) => Redirect::to(tab.href).into_response(),
        None => super::error_page(
            user.tr,
            sarnakh_core::Error::Forbidden("no settings for this role".into()),
        ),
    }
}

/// A refused form's problems: each next to its field, the rest listed above the form.
#[derive(Default)]
pub struct Problems {
    pub fields: HashMap<String, String>,
    pub other: Vec<String>,
}

impl Problems {
    /// The problems of `errors` for a form showing `fields`.
    pub fn of(tr: Tr, errors: &[FieldError], fields: &[&str]) -> Self {
        let mut p = Self::default();
        for e in errors {
            let text = tr.t_or(&format!("field-error-{}", e.code), &e.message);
            // `rates[0].currency` is the `currency` of a one-row form.
            let last = e.field.rsplit('.').next().unwrap_or("");
            let field = last.split('[').next().unwrap_or("");
            if fields.contains(&field) && !p.fields.contains_key(field) {
                p.fields.insert(field.to_owned(), text);
            } else if e.field.is_empty() {
                p.other.push(e.message.clone());
            } else {
                p.other.push(format!("{}: {}", e.field, e.message));
            }
        }
        p
    }

    /// The problem of `field`, if any.
    pub fn at(&self, field: &str) -> Option<&String> {
        self.fields.get(field)
    }
}

/// The notice of a finished action (`done=` on the redirect), from a known list only.
pub fn notice(tr: Tr, done: Option<&str>, known: &[&str]) -> Option<String> {
    done.filter(|d| known.contains(d))
        .map(|d| tr.t(&format!("settings-done-{d}")))
}

/// The interface's languages, each named in itself.
pub fn languages() -> Vec<(String, String)> {
    [("en", "English"), ("fa", "فارسی"), ("ro", "Română")]
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect()
}
