//! The account list (owner, customer or not, country, industry, name order, bulk owner
//! change) and the contact list (account, owner, newest or oldest; accounts named in one read).

use super::{
    Bulk, Input, ListRow, Raw, Shape, any, menu, owner_name, owners, render, sorts, value,
};
use crate::http::AppState;
use crate::web::WebUser;
use crate::web::error_page;
use crate::web::records::page_request;
use axum::extract::{Query, State};
use axum::response::Response;
use sarnakh_core::domain::list_params::{
    ACCOUNT_SORTS, AccountParams, CONTACT_SORTS, ContactParams,
};

const ACCOUNT_KEYS: &[&str] = &["q", "owner", "customer", "country", "industry", "sort"];

pub(super) async fn accounts(
    State(app): State<AppState>,
    user: WebUser,
    Query(raw): Query<Raw>,
) -> Response {
    let tr = user.tr;
    let params = AccountParams {
        q: value(&raw, "q"),
        owner: value(&raw, "owner"),
        customer: value(&raw, "customer"),
        country: value(&raw, "country"),
        industry: value(&raw, "industry"),
        sort: value(&raw, "sort"),
    };
    let s = &app.services;
    let loaded = async {
        let filter = s.account_list_filter(&params)?;
        let page = page_request(raw.get("after").map(String::as_str));
        let found = s.list_accounts(&user.actor, &filter, &page).await?;
        Ok::<_, sarnakh_core::Error>((found, s.list_users().await?))
    };
    let (found, users) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let rows = found
        .items
        .iter()
        .map(|a| ListRow {
            id: a.id.to_string(),
            href: format!("/accounts/{}", a.id),
            name: a.name.clone(),
            cells: vec![
                a.industry.clone().unwrap_or_default(),
                a.country.clone().unwrap_or_default(),
                owner_name(&users, a.owner_id),
                a.customer_since.map(|at| tr.when(at)).unwrap_or_default(),
            ],
        })
        .collect();
    let yes_no = vec![
        ("true".to_owned(), tr.t("list-customers")),
        ("false".to_owned(), tr.t("list-not-customers")),
    ];
    let menus = vec![
        menu("owner", "col-owner", &raw, any(tr, owners(&users))),
        menu("customer", "col-customer-since", &raw, any(tr, yes_no)),
        menu("sort", "leads-sort", &raw, sorts(tr, &ACCOUNT_SORTS)),
    ];
    let input = |name, label| Input {
        name,
        label,
        value: value(&raw, name).unwrap_or_default(),
        kind: "text",
    };
    let inputs = vec![
        input("country", "field-country"),
        input("industry", "field-industry"),
    ];
    let shape = Shape {
        title: "accounts-title",
        list: "accounts",
        keys: ACCOUNT_KEYS,
        columns: [
            "col-name",
            "field-industry",
            "field-country",
            "col-owner",
            "col-customer-since",
        ]
        .iter()
        .map(|id| tr.t(id))
        .collect(),
    };
    let bulk = Some(Bulk {
        owners: owners(&users),
        me: user.user.id.to_string(),
    });
    render(
        &app,
        &user,
        &raw,
        shape,
        (menus, inputs, rows, bulk),
        found.next,
    )
    .await
}

const CONTACT_KEYS: &[&str] = &["q", "account", "owner", "sort"];

pub(super) async fn contacts(
    State(app): State<AppState>,
    user: WebUser,
    Query(raw): Query<Raw>,
) -> Response {
    let tr = user.tr;
    let params = ContactParams {
        q: value(&raw, "q"),
        account: value(&raw, "account"),
        owner: value(&raw, "owner"),
        sort: value(&raw, "sort"),
    };
    let s = &app.services;
    let loaded = async {
        let filter = s.contact_list_filter(&params)?;
        let page = page_request(raw.get("after").map(String::as_str));
        let found = s.list_contacts(&user.actor, &filter, &page).await?;
        // The page's accounts (and the filtered one) named in one read.
        let mut ids: Vec<_> = found.items.iter().map(|c| c.account_id).collect();
        ids.extend(filter.account);
        let names = s.account_names(&user.actor, &ids).await?;
        Ok::<_, sarnakh_core::Error>((found, names, filter.account, s.list_users().await?))
    };
    let (found, names, account, users) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let rows = found
        .items
        .iter()
        .map(|c| ListRow {
            id: c.id.to_string(),
            href: format!("/contacts/{}", c.id),
            name: crate::web::contacts::contact_name(c),
            cells: vec![
                c.email
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                c.phone
                    .as_ref()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
                c.job_title.clone().unwrap_or_default(),
                names.get(&c.account_id).cloned().unwrap_or_default(),
            ],
        })
        .collect();
    let accounts = account
        .and_then(|a| names.get(&a).map(|n| (a.to_string(), n.clone())))
        .into_iter()
        .collect();
    let menus = vec![
        menu("account", "col-account", &raw, any(tr, accounts)),
        menu("owner", "col-owner", &raw, any(tr, owners(&users))),
        menu("sort", "leads-sort", &raw, sorts(tr, &CONTACT_SORTS)),
    ];
    let shape = Shape {
        title: "contacts-title",
        list: "contacts",
        keys: CONTACT_KEYS,
        columns: [
            "col-name",
            "field-email",
            "field-phone",
            "field-job-title",
            "col-account",
        ]
        .iter()
        .map(|id| tr.t(id))
        .collect(),
    };
    render(
        &app,
        &user,
        &raw,
        shape,
        (menus, Vec::new(), rows, None),
        found.next,
    )
    .await
}
