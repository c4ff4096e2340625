//! The lists of opportunities, accounts and contacts: search, filters, a sort order, 50 rows
//! per page with a cursor, saved views, the CSV export of exactly the list shown (the same
//! parameters, checked by the same core parser, with the caller's visibility), and on the
//! opportunities a bulk owner change. Contacts name their accounts with one read per page.

use super::lead_list::Menu;
use super::pipeline::money;
use super::records::page_request;
use super::session::Refusal;
use super::{Frame, Page, Tr, WebUser, error_page};
use crate::http::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sarnakh_core::domain::list_params::{
    ACCOUNT_SORTS, AccountParams, CONTACT_SORTS, ContactParams, OPPORTUNITY_SORTS,
    OpportunityParams,
};
use sarnakh_core::domain::{AccountId, OpportunityId, OpportunityStatus, User, UserId};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities", get(opportunities))
        .route("/accounts", get(accounts))
        .route("/contacts", get(contacts))
        .route("/opportunities/assign", post(assign_deals))
        .route("/accounts/assign", post(assign_accounts))
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

const OPPORTUNITY_KEYS: &[&str] = &[
    "q",
    "owner",
    "team",
    "stage",
    "status",
    "product",
    "close_from",
    "close_to",
    "amount_min",
    "amount_max",
    "currency",
    "sort",
];

async fn opportunities(
    State(app): State<AppState>,
    user: WebUser,
    Query(raw): Query<Raw>,
) -> Response {
    let tr = user.tr;
    let params = OpportunityParams {
        q: value(&raw, "q"),
        owner: value(&raw, "owner"),
        team: value(&raw, "team"),
        stage: value(&raw, "stage"),
        status: value(&raw, "status"),
        product: value(&raw, "product"),
        close_from: value(&raw, "close_from"),
        close_to: value(&raw, "close_to"),
        amount_min: value(&raw, "amount_min"),
        amount_max: value(&raw, "amount_max"),
        currency: value(&raw, "currency"),
        sort: value(&raw, "sort"),
    };
    let s = &app.services;
    let loaded = async {
        let filter = s.opportunity_list_filter(&params).await?;
        let page = page_request(raw.get("after").map(String::as_str));
        let found = s.list_opportunities(&user.actor, &filter, &page).await?;
        Ok::<_, sarnakh_core::Error>((
            found,
            s.list_users().await?,
            s.teams().await?,
            s.list_stages().await?,
        ))
    };
    let (found, users, teams, stages) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(tr, e),
    };
    let stage_name = |key: &str| {
        stages
            .iter()
            .find(|s| s.key == key)
            .map_or_else(|| key.to_owned(), |s| s.label(tr.lang.tag()).to_owned())
    };
    let rows = found
        .items
        .iter()
        .map(|o| {
            let c = o.amount.currency();
            ListRow {
                id: o.id.to_string(),
                href: format!("/opportunities/{}", o.id),
                name: o.name.clone(),
                cells: vec![
                    money(tr, o.amount.minor(), c.code(), c.exponent()),
                    stage_name(&o.stage),
                    tr.t(&format!("deal-status-{}", o.status.as_str())),
                    owner_name(&users, o.owner_id),
                    o.expected_close_date.map(|d| tr.day(d)).unwrap_or_default(),
                ],
            }
        })
        .collect();
    let menus = vec![
        menu("owner", "col-owner", &raw, any(tr, owners(&users))),
        menu(
            "team",
            "settings-team",
            &raw,
            any(
                tr,
                teams
                    .iter()
                    .map(|t| (t.id.to_string(), t.name.clone()))
                    .collect(),
            ),
        ),
        menu(
            "stage",
            "col-stage",
            &raw,
            any(
                tr,
                stages
                    .iter()
                    .map(|s| (s.key.clone(), s.label(tr.lang.tag()).to_owned()))
                    .collect(),
            ),
        ),
        menu(
            "status",
            "col-status",
            &raw,
            any(
                tr,
                OpportunityStatus::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_owned(),
                            tr.t(&format!("deal-status-{}", s.as_str())),
                        )
                    })
                    .collect(),
            ),
        ),
        menu("sort", "leads-sort", &raw, sorts(tr, &OPPORTUNITY_SORTS)),
    ];
    let input = |name, label, kind| Input {
        name,
        label,
        value: value(&raw, name).unwrap_or_default(),
        kind,
    };
    let inputs = vec![
        input("product", "list-product", "text"),
        input("close_from", "list-close-from", "date"),
        input("close_to", "list-close-to", "date"),
        input("amount_min", "list-amount-min", "text"),
        input("amount_max", "list-amount-max", "text"),
        input("currency", "action-currency", "text"),
    ];
    let shape = Shape {
        title: "deals-title",
        list: "opportunities",
        keys: OPPORTUNITY_KEYS,
        columns: [
            "col-deal",
            "col-amount",
            "col-stage",
            "col-status",
            "col-owner",
            "col-close",
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

const ACCOUNT_KEYS: &[&str] = &["q", "owner", "customer", "country", "industry", "sort"];

async fn accounts(State(app): State<AppState>, user: WebUser, Query(raw): Query<Raw>) -> Response {
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

async fn contacts(State(app): State<AppState>, user: WebUser, Query(raw): Query<Raw>) -> Response {
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
            name: super::contacts::contact_name(c),
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

/// The list to go back to, with its filters; never another path.
fn back_to(list: &str, raw: Option<&str>) -> String {
    let path = format!("/{list}");
    match raw {
        Some(back)
            if (back == path || back.starts_with(&format!("{path}?")))
                && !back.contains(['\r', '\n', '#']) =>
        {
            back.to_owned()
        }
        _ => path,
    }
}

async fn assign_deals(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    assign(&app, &user, &pairs, "opportunities").await
}

async fn assign_accounts(
    State(app): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Refusal> {
    assign(&app, &user, &pairs, "accounts").await
}

/// Gives the ticked records of `list` to the chosen owner; back to the list with counts.
async fn assign(
    app: &AppState,
    user: &WebUser,
    pairs: &[(String, String)],
    list: &str,
) -> Result<Response, Refusal> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(refused) = user.refuse_form(value("_csrf").unwrap_or("")) {
        return Err(refused.into());
    }
    let owner = match value("owner").unwrap_or("") {
        "" => None,
        raw => Some(raw.parse::<UserId>().map_err(|_| {
            user.refusal(sarnakh_core::Error::field(
                "owner",
                "unknown_user",
                "no such user",
            ))
        })?),
    };
    // An id that does not parse names no record the user may see: refused like one.
    let picked: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.as_str())
        .collect();
    let (assigned, failed) = if list == "accounts" {
        let ids: Vec<AccountId> = picked.iter().filter_map(|p| p.parse().ok()).collect();
        let out = app.services.assign_accounts(&user.actor, &ids, owner).await;
        let out = out.map_err(|e| user.refusal(e))?;
        (
            out.assigned.len(),
            out.failed.len() + picked.len() - ids.len(),
        )
    } else {
        let ids: Vec<OpportunityId> = picked.iter().filter_map(|p| p.parse().ok()).collect();
        let out = app
            .services
            .assign_opportunities(&user.actor, &ids, owner)
            .await;
        let out = out.map_err(|e| user.refusal(e))?;
        (
            out.assigned.len(),
            out.failed.len() + picked.len() - ids.len(),
        )
    };
    let back = back_to(list, value("back"));
    let sep = if back.contains('?') { '&' } else { '?' };
    let to = format!("{back}{sep}assigned={assigned}&failed={failed}");
    Ok(Redirect::to(&to).into_response())
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_the_same_list_is_gone_back_to() {
        assert_eq!(back_to("accounts", Some("/accounts?q=x")), "/accounts?q=x");
        for bad in [
            "//evil.example",
            "/accountsx",
            "/opportunities",
            "https://x/accounts",
        ] {
            assert_eq!(back_to("accounts", Some(bad)), "/accounts", "{bad}");
        }
    }
}
