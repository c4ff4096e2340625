//! The opportunity list: owner, team, stage, status, product, expected close and amount
//! filters, the sort orders, and the bulk owner change under the table.

use super::{
    Bulk, Input, ListRow, Raw, Shape, any, menu, owner_name, owners, render, sorts, value,
};
use crate::http::AppState;
use crate::web::WebUser;
use crate::web::error_page;
use crate::web::pipeline::money;
use crate::web::records::page_request;
use axum::extract::{Query, State};
use axum::response::Response;
use sarnakh_core::domain::OpportunityStatus;
use sarnakh_core::domain::list_params::{OPPORTUNITY_SORTS, OpportunityParams};

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

pub(super) async fn opportunities(
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
            .map_or_else(|| key.to_owned(), |s| crate::web::stage_label(tr, s))
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
                    .map(|s| (s.key.clone(), crate::web::stage_label(tr, s)))
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
