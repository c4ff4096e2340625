//! A contact's page: the person's facts, their account, their deals and their timeline. Only
//! what the user may see: the contact services filter by the owner of the contact's
//! account, as the API's do.

use super::leads::{Moment, moment};
use super::records::{DealRow, deal_row};
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::page::PageRequest;
use sarnakh_core::domain::{Contact, ContactId, RecordRef};
use sarnakh_core::store::OpportunityFilter;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/contacts/{id}", get(show))
}

/// "First Last".
pub fn contact_name(c: &Contact) -> String {
    match &c.last_name {
        Some(last) => format!("{} {last}", c.first_name),
        None => c.first_name.clone(),
    }
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
    let stages = match s.list_stages().await {
        Ok(st) => st,
        Err(e) => return error_page(tr, e),
    };
    let deals = match s.list_opportunities(&user.actor, &filter, &all).await {
        Ok(p) => Some(
            p.items
                .iter()
                .filter(|o| o.contact_id == Some(id))
                .map(|o| deal_row(tr, o, &stages))
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
