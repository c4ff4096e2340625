//! The JSON lists of deals, accounts and contacts take the web lists' filters: the same core
//! parser, the same field errors.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::service::{Actor, OpportunityPatch};
use web::{deal_of, rep, user_id};

#[tokio::test]
async fn the_json_lists_take_the_same_filters_as_the_web_lists() {
    let app = TestApp::new().await;
    let (email, _) = rep(&app, "ilka@api-lists.example", "en").await;
    let owner = user_id(&app, &email).await;
    for (first, amount, close) in [("Mic", "50", "2026-02-01"), ("Mare", "8000", "2026-09-01")] {
        let id = deal_of(&app, owner, first, &format!("{first}@api-lists.example"))
            .await
            .parse()
            .expect("id");
        let patch = OpportunityPatch {
            name: Some(format!("{first} deal")),
            amount: Some(amount.into()),
            expected_close_date: Some(Some(close.into())),
            ..OpportunityPatch::default()
        };
        app.services
            .update_opportunity(&Actor::SYSTEM, id, patch, None)
            .await
            .expect("edit");
    }
    let big = app
        .get("/api/v1/opportunities?amount_min=1000&currency=EUR&close_from=2026-06-01")
        .await;
    assert_eq!(big.status, StatusCode::OK, "{}", big.body);
    let names: Vec<&str> = big.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Mare deal"]);
    let bad = app.get("/api/v1/opportunities?amount_min=1000").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["amount_min"]);
    let accounts = app
        .get(&format!("/api/v1/accounts?owner={owner}&sort=-name"))
        .await;
    assert_eq!(accounts.status, StatusCode::OK, "{}", accounts.body);
    assert_eq!(accounts.body["items"].as_array().map(Vec::len), Some(1));
    let contacts = app.get("/api/v1/contacts?sort=created_at").await;
    let first = contacts.body["items"][0]["email"].as_str().unwrap_or("");
    assert_eq!(first, "Mic@api-lists.example");
    let bad = app.get("/api/v1/contacts?sort=name").await;
    assert_eq!(bad.fields(), ["sort"]);
}
