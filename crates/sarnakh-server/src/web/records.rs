//! The lists of opportunities (search, status, stage) and accounts (search, customers or
//! not), each filtered by what the user may see, 50 rows per page with a cursor, and an
//! account's page with its contacts and deals.

use super::pipeline::money;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sarnakh_core::domain::page::{Cursor, PageRequest};
use sarnakh_core::domain::{AccountId, Opportunity, OpportunityStatus};
use sarnakh_core::store::{AccountFilter, ContactFilter, OpportunityFilter};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities", get(opportunities))
        .route("/accounts", get(accounts))
        .route("/accounts/{id}", get(account))
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    after: Option<String>,
}

/// The first or the next page of 50 rows.
pub fn page_request(after: Option<&str>) -> PageRequest {
    PageRequest {
        limit: 50,
        after: after.and_then(Cursor::decode),
    }
}

/// The link to the next page, keeping the filters.
pub fn next_link(path: &str, pairs: &[(&str, &str)], next: Option<Cursor>) -> Option<String> {
    next.map(|c| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(k, v);
        }
        query.append_pair("after", &c.encode());
        format!("{path}?{}", query.finish())
    })
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
pub fn deal_row(tr: Tr, o: &Opportunity) -> DealRow {
    let c = o.amount.currency();
    DealRow {
        href: format!("/opportunities/{}", o.id),
        name: o.name.clone(),
        amount: money(tr, o.amount.minor(), c.code(), c.exponent()),
        stage: o.stage.clone(),
        status: tr.t(&format!("deal-status-{}", o.status.as_str())),
        close: o
            .closed_at
            .map(|at| tr.when(at))
            .or_else(|| o.expected_close_date.map(|d| d.to_string()))
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "opportunities.html")]
struct DealsPage {
    frame: Frame,
    q: String,
    status: String,
    statuses: Vec<(String, String)>,
    rows: Vec<DealRow>,
    next: Option<String>,
}

async fn opportunities(
    State(app): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let tr = user.tr;
    let search = q.q.clone().unwrap_or_default();
    let status = q.status.as_deref().and_then(OpportunityStatus::parse);
    let filter = OpportunityFilter {
        q: Some(search.clone()).filter(|s| !s.trim().is_empty()),
        status,
        ..OpportunityFilter::default()
    };
    let page = page_request(q.after.as_deref());
    let found = match app
        .services
        .list_opportunities(&user.actor, &filter, &page)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(tr, e),
    };
    let status_key = status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let page = DealsPage {
        frame: Frame::of(&user, "opportunities"),
        next: next_link(
            "/opportunities",
            &[("q", &search), ("status", &status_key)],
            found.next,
        ),
        rows: found.items.iter().map(|o| deal_row(tr, o)).collect(),
        statuses: OpportunityStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    tr.t(&format!("deal-status-{}", s.as_str())),
                )
            })
            .collect(),
        q: search,
        status: status_key,
    };
    Page(StatusCode::OK, page).into_response()
}

/// An account as a list row.
pub struct AccountRow {
    pub href: String,
    pub name: String,
    pub industry: String,
    pub country: String,
    pub customer: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    frame: Frame,
    q: String,
    rows: Vec<AccountRow>,
    next: Option<String>,
}

async fn accounts(
    State(app): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let tr = user.tr;
    let search = q.q.clone().unwrap_or_default();
    let filter = AccountFilter {
        q: Some(search.clone()).filter(|s| !s.trim().is_empty()),
        ..AccountFilter::default()
    };
    let page = page_request(q.after.as_deref());
    let found = match app
        .services
        .list_accounts(&user.actor, &filter, &page)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(tr, e),
    };
    let rows = found
        .items
        .iter()
        .map(|a| AccountRow {
            href: format!("/accounts/{}", a.id),
            name: a.name.clone(),
            industry: a.industry.clone().unwrap_or_default(),
            country: a.country.clone().unwrap_or_default(),
            customer: a.customer_since.map(|at| tr.when(at)).unwrap_or_default(),
        })
        .collect();
    let page = AccountsPage {
        frame: Frame::of(&user, "accounts"),
        next: next_link("/accounts", &[("q", &search)], found.next),
        q: search,
        rows,
    };
    Page(StatusCode::OK, page).into_response()
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
        Ok::<_, sarnakh_core::Error>((account, contacts.items, deals.items))
    };
    let (account, contacts, deals) = match loaded.await {
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
        deals: deals.iter().map(|o| deal_row(tr, o)).collect(),
    };
    Page(StatusCode::OK, page).into_response()
}
