//! An account's page with its contacts and deals, and the helpers the record lists share
//! (the page request, a deal as a row). The lists themselves: `record_lists.rs`.

use super::pipeline::money;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::page::{Cursor, PageRequest};
use sarnakh_core::domain::{AccountId, Opportunity, PipelineStage};
use sarnakh_core::store::{ContactFilter, OpportunityFilter};

pub fn router() -> Router<AppState> {
    Router::new().route("/accounts/{id}", get(account))
}

/// The first or the next page of 50 rows.
pub fn page_request(after: Option<&str>) -> PageRequest {
    PageRequest {
        limit: 50,
        after: after.and_then(Cursor::decode),
    }
}

/// A deal as a list row.
pub struct DealRow {
    pub href: String,
    pub name: String,
    pub amount: String,
    pub stage: String,
    pub status: String,
    pub close: String,
}

/// A deal as a list row, in the reader's language.
pub fn deal_row(tr: Tr, o: &Opportunity, stages: &[PipelineStage]) -> DealRow {
    let c = o.amount.currency();
    DealRow {
        href: format!("/opportunities/{}", o.id),
        name: o.name.clone(),
        amount: money(tr, o.amount.minor(), c.code(), c.exponent()),
        stage: stages
            .iter()
            .find(|s| s.key == o.stage)
            .map_or_else(|| o.stage.clone(), |s| super::stage_label(tr, s)),
        status: tr.t(&format!("deal-status-{}", o.status.as_str())),
        close: o
            .closed_at
            .map(|at| tr.when(at))
            .or_else(|| o.expected_close_date.map(|d| d.to_string()))
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    /// The history tab.
    history_href: String,
    name: String,
    customer: Option<String>,
    contacts: Vec<(String, String, String)>,
    deals: Vec<DealRow>,
}

async fn account(State(app): State<AppState>, user: WebUser, Path(id): Path<String>) -> Response {
    let tr = user.tr;
    let Ok(id) = id.parse::<AccountId>() else {
        return error_page(tr, sarnakh_core::Error::not_found("account", id));
    };
    let s = &app.services;
    let loaded = async {
        let account = s.get_account(&user.actor, id).await?;
        let all = PageRequest {
            limit: 200,
            after: None,
        };
        let contacts = ContactFilter {
            account: Some(id),
            ..ContactFilter::default()
        };
        let contacts = s.list_contacts(&user.actor, &contacts, &all).await?;
        let deals = OpportunityFilter {
            account: Some(id),
            ..OpportunityFilter::default()
        };
        let deals = s.list_opportunities(&user.actor, &deals, &all).await?;
        let stages = s.list_stages().await?;
        Ok::<_, sarnakh_core::Error>((account, contacts.items, deals.items, stages))
    };
    let (account, contacts, deals, stages) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let page = AccountPage {
        history_href: format!("/accounts/{}/history", account.id),
        frame: Frame::of(&user, "accounts"),
        name: account.name.clone(),
        customer: account
            .customer_since
            .map(|at| tr.t1("account-customer-since", "when", tr.when(at))),
        contacts: contacts
            .iter()
            .map(|c| {
                (
                    format!("/contacts/{}", c.id),
                    super::contacts::contact_name(c),
                    c.email
                        .as_ref()
                        .map(|e| e.as_str().to_owned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        deals: deals.iter().map(|o| deal_row(tr, o, &stages)).collect(),
    };
    Page(StatusCode::OK, page).into_response()
}
