//! The contacts list (search over name and email, 50 rows per page with a cursor) and a
//! contact's page: the person's facts, their account, their deals and their timeline. Only
//! what the user may see: the contact services filter by the owner of the contact's
//! account, as the API's do.

use super::leads::{Moment, moment};
use super::records::{DealRow, deal_row, next_link, page_request};
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::page::PageRequest;
use sarnakh_core::domain::{AccountId, Contact, ContactId, RecordRef};
use sarnakh_core::store::{ContactFilter, OpportunityFilter};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list))
        .route("/contacts/{id}", get(show))
}

/// "First Last".
pub fn contact_name(c: &Contact) -> String {
    match &c.last_name {
        Some(last) => format!("{} {last}", c.first_name),
        None => c.first_name.clone(),
    }
}

/// A contact as a list row.
pub struct ContactRow {
    pub href: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub job_title: String,
    pub account: String,
    pub account_href: String,
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    frame: Frame,
    q: String,
    rows: Vec<ContactRow>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    after: Option<String>,
}

async fn list(State(app): State<AppState>, user: WebUser, Query(q): Query<ListQuery>) -> Response {
    let tr = user.tr;
    let search = q.q.clone().unwrap_or_default();
    let filter = ContactFilter {
        q: Some(search.clone()).filter(|s| !s.trim().is_empty()),
        ..ContactFilter::default()
    };
    let s = &app.services;
    let page = page_request(q.after.as_deref());
    let found = match s.list_contacts(&user.actor, &filter, &page).await {
        Ok(p) => p,
        Err(e) => return error_page(tr, e),
    };
    // The page's accounts, each read once (at most 50, by primary key).
    let mut accounts: HashMap<AccountId, String> = HashMap::new();
    for c in &found.items {
        if let std::collections::hash_map::Entry::Vacant(slot) = accounts.entry(c.account_id) {
            let account = s.get_account(&user.actor, c.account_id).await;
            slot.insert(account.map(|a| a.name).unwrap_or_default());
        }
    }
    let rows = found
        .items
        .iter()
        .map(|c| ContactRow {
            href: format!("/contacts/{}", c.id),
            name: contact_name(c),
            email: c
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            phone: c
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            job_title: c.job_title.clone().unwrap_or_default(),
            account: accounts.get(&c.account_id).cloned().unwrap_or_default(),
            account_href: format!("/accounts/{}", c.account_id),
        })
        .collect();
    let page = ContactsPage {
        frame: Frame::of(&user, "contacts"),
        next: next_link("/contacts", &[("q", &search)], found.next),
        q: search,
        rows,
    };
    Page(StatusCode::OK, page).into_response()
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    frame: Frame,
    /// The history tab.
    history_href: String,
    name: String,
    facts: Vec<(String, String)>,
    account: String,
    account_href: String,
    lead_href: Option<String>,
    /// `None` when the user sees no deals one by one (marketing).
    deals: Option<Vec<DealRow>>,
    moments: Vec<Moment>,
    edit: super::edit_form::EditForm,
    done: Option<String>,
}

fn facts(tr: Tr, c: &Contact) -> Vec<(String, String)> {
    [
        (
            "field-email",
            c.email.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (
            "field-phone",
            c.phone.as_ref().map(|p| p.as_str().to_owned()),
        ),
        ("field-job-title", c.job_title.clone()),
        ("field-created", Some(tr.when(c.created_at))),
    ]
    .into_iter()
    .filter_map(|(id, v)| v.map(|v| (tr.t(id), v)))
    .collect()
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    State(app): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let tr = user.tr;
    let Ok(id) = id.parse::<ContactId>() else {
        return error_page(tr, sarnakh_core::Error::not_found("contact", id));
    };
    let s = &app.services;
    let loaded = async {
        let contact = s.get_contact(&user.actor, id).await?;
        let account = s.get_account(&user.actor, contact.account_id).await?;
        let timeline = s.timeline(&user.actor, RecordRef::Contact(id)).await?;
        Ok::<_, sarnakh_core::Error>((contact, account, timeline))
    };
    let (contact, account, timeline) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let filter = OpportunityFilter {
        account: Some(account.id),
        ..OpportunityFilter::default()
    };
    let all = PageRequest {
        limit: 200,
        after: None,
    };
    let deals = match s.list_opportunities(&user.actor, &filter, &all).await {
        Ok(p) => Some(
            p.items
                .iter()
                .filter(|o| o.contact_id == Some(id))
                .map(|o| deal_row(tr, o))
                .collect(),
        ),
        Err(sarnakh_core::Error::Forbidden(_)) => None,
        Err(e) => return error_page(tr, e),
    };
    let lead_href = match contact.lead_id {
        Some(lead) if s.get_lead(&user.actor, lead).await.is_ok() => Some(format!("/leads/{lead}")),
        _ => None,
    };
    let page = ContactPage {
        history_href: format!("/contacts/{}/history", contact.id),
        frame: Frame::of(&user, "contacts"),
        name: contact_name(&contact),
        facts: facts(tr, &contact),
        account: account.name.clone(),
        account_href: format!("/accounts/{}", account.id),
        lead_href,
        deals,
        moments: timeline
            .iter()
            .rev()
            .map(|e| Moment {
                when: tr.when(e.at),
                what: moment(tr, &e.item),
            })
            .collect(),
        edit: super::edit_form::contact_form(tr, &contact),
        done: (done.done.as_deref() == Some("saved")).then(|| tr.t("done-saved")),
    };
    Page(StatusCode::OK, page).into_response()
}
