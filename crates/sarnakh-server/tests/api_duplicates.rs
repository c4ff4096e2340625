//! Duplicates over HTTP: capture answers with look-alikes (warn) or refuses them (block,
//! 409 with the look-alikes), the pair list, and a merge with `If-Match`.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn look_alikes_are_named_blocked_listed_and_merged() {
    let app = TestApp::new().await;
    let first = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ana", "last_name": "Pop", "email": "ana@firma.ro", "company": "Firma" }),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(first.body.get("duplicates").is_none(), "{}", first.body);
    let second = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ana", "email": "ANA@firma.ro", "phone": "+40721234567" }),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body["duplicates"][0]["reason"], "same_email");
    assert_eq!(
        second.body["duplicates"][0]["person"]["id"],
        first.body["id"]
    );

    let set = app
        .send(
            "PUT",
            "/api/v1/settings/duplicates",
            json!({ "action": "block", "name_similarity": 0.9 }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let blocked = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Other", "email": "other@x.example", "phone": "0721 234 567", "country": "RO" }),
        )
        .await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (StatusCode::CONFLICT, "duplicate")
    );
    assert_eq!(blocked.body["duplicates"][0]["reason"], "same_phone");
    let bad = app
        .send(
            "PUT",
            "/api/v1/settings/duplicates",
            json!({ "action": "sometimes", "name_similarity": 2.0 }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let pairs = app.get("/api/v1/duplicates").await.body;
    assert_eq!(pairs["items"].as_array().map(Vec::len), Some(1), "{pairs}");
    let (a, b) = (
        first.body["id"].as_str().unwrap_or(""),
        second.body["id"].as_str().unwrap_or(""),
    );
    let merged = app
        .send_if_match(
            "POST",
            &format!("/api/v1/leads/{a}/merge"),
            json!({ "other_id": b, "take": ["phone"] }),
            1,
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.body["phone"], "+40721234567");
    assert_eq!(merged.body["last_name"], "Pop");
    let absorbed = app.get(&format!("/api/v1/leads/{b}")).await.body;
    assert_eq!(
        (
            absorbed["status"].as_str(),
            absorbed["disqualify_reason"].as_str()
        ),
        (Some("disqualified"), Some("duplicate"))
    );
    let stale = app
        .send_if_match(
            "POST",
            &format!("/api/v1/leads/{a}/merge"),
            json!({ "other_id": b }),
            1,
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let pairs = app.get("/api/v1/duplicates").await.body;
    assert_eq!(
        pairs["items"].as_array().map(Vec::len),
        Some(0),
        "a merged-away lead leaves the list"
    );
}
