//! Every bad request gets a precise problem+json answer and writes nothing.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn lead_without_contact_channel_is_422_with_field_errors_and_nothing_is_written() {
    let app = TestApp::new().await;
    let r = app
        .post("/api/v1/leads", json!({ "first_name": "Ali" }))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert_eq!(r.fields(), ["email"]);
    assert_eq!(r.body["errors"][0]["code"], "contact_channel_required");
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = TestApp::new().await;
    let r = app.post("/api/v1/leads", json!({ "first_name": "", "email": "not-an-email", "phone": "12", "country": "Iran", "company_size": -5 })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.fields(),
        ["first_name", "country", "email", "phone", "company_size"]
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn malformed_json_is_400_and_nothing_is_written() {
    let app = TestApp::new().await;
    let r = app
        .raw(
            "POST",
            "/api/v1/leads",
            Some("application/json"),
            b"{\"first_name\": \"Ali\",".to_vec(),
            &[],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    assert!(
        r.body["detail"].as_str().unwrap_or("").contains("line 1"),
        "{}",
        r.body
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn a_wrong_type_names_the_field() {
    let app = TestApp::new().await;
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ali", "email": "ali@example.ir", "company_size": "big" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    assert_eq!(r.fields(), ["company_size"]);
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn an_unknown_enum_value_lists_the_accepted_ones() {
    let app = TestApp::new().await;
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ali", "email": "ali@example.ir", "source": "carrier_pigeon" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["source"]);
    let message = r.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("web_form") && message.contains("cold_outreach"),
        "{message}"
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn an_unknown_field_is_refused_by_name() {
    let app = TestApp::new().await;
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ali", "email": "ali@example.ir", "emial": "typo" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    assert!(
        r.body["detail"].as_str().unwrap_or("").contains("emial"),
        "{}",
        r.body
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = TestApp::new().await;
    let notes = "x".repeat(2 * 1024 * 1024);
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Ali", "email": "ali@example.ir", "notes": notes }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn a_form_body_is_415() {
    let app = TestApp::new().await;
    let r = app
        .raw(
            "POST",
            "/api/v1/leads",
            Some("application/x-www-form-urlencoded"),
            b"first_name=Ali".to_vec(),
            &[],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_told_apart() {
    let app = TestApp::new().await;
    let r = app
        .get(&format!("/api/v1/leads/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.get("/api/v1/opportunities/not-a-uuid").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_id")
    );
    let r = app
        .post(
            &format!("/api/v1/leads/{}/qualify", uuid::Uuid::now_v7()),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_problem_json() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/api/v1/nothing-here").await.code(),
        "no_such_endpoint"
    );
    let r = app.send("DELETE", "/api/v1/leads", json!({})).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

#[tokio::test]
async fn bad_list_parameters_are_400_naming_the_parameter() {
    let app = TestApp::new().await;
    for (query, field) in [
        ("status=archived", "status"),
        ("sort=-price", "sort"),
        ("cursor=zz", "cursor"),
        ("limit=0", "limit"),
    ] {
        let r = app.get(&format!("/api/v1/leads?{query}")).await;
        assert_eq!(
            (r.status, r.fields()),
            (StatusCode::BAD_REQUEST, vec![field.to_owned()]),
            "{query}: {}",
            r.body
        );
    }
    let r = app.get("/api/v1/leads?limit=lots").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
    let r = app.get("/api/v1/tasks?due=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn qualify_without_fit_facts_is_422_with_unmet_criteria_and_the_lead_is_unchanged() {
    let app = TestApp::new().await;
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Dan", "phone": "+40 721 234 567" }),
        )
        .await
        .body;
    let r = app
        .post(
            &format!(
                "/api/v1/leads/{}/qualify",
                lead["id"].as_str().unwrap_or("")
            ),
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unmet_criteria")
    );
    let unmet: Vec<&str> = r.body["unmet"]
        .as_array()
        .map(|a| a.iter().filter_map(|u| u["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        unmet,
        [
            "organisation_recorded",
            "organisation_fit_recorded",
            "need_recorded",
            "decision_role_recorded"
        ]
    );
    let after = app
        .get(&format!(
            "/api/v1/leads/{}",
            lead["id"].as_str().unwrap_or("")
        ))
        .await
        .body;
    assert_eq!(after, lead);
}

#[tokio::test]
async fn an_illegal_transition_is_409_with_current_and_requested_state() {
    let app = TestApp::new().await;
    let lead = app.qualified_lead("Reza", "Pars").await;
    let id = lead["id"].as_str().unwrap_or("");
    let r = app
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            json!({ "opportunities": [{ "name": "x", "amount": "1", "currency": "EUR" }] }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "illegal_transition")
    );
    assert_eq!(
        (
            r.body["current_state"].as_str(),
            r.body["requested"].as_str()
        ),
        (Some("lead/open"), Some("convert"))
    );
    assert_eq!(app.get(&format!("/api/v1/leads/{id}")).await.body, lead);
    assert_eq!(
        app.get("/api/v1/accounts").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_nothing_changes() {
    let app = TestApp::new().await;
    let lead = app.qualified_lead("Ioana", "Alfa").await;
    let uri = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap_or(""));
    let r = app
        .send_if_match("PATCH", &uri, json!({ "company": "Alfa SRL" }), 1)
        .await;
    assert_eq!(
        (
            r.status,
            r.headers.get("etag").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::OK, Some("\"2\""))
    );
    let r = app
        .send_if_match("PATCH", &uri, json!({ "company": "Beta SRL" }), 1)
        .await;
    assert_eq!(
        (r.status, r.code(), r.body["current_version"].as_i64()),
        (
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            Some(2)
        )
    );
    assert_eq!(app.get(&uri).await.body["company"], "Alfa SRL");
    let r = app
        .raw(
            "PATCH",
            &uri,
            Some("application/json"),
            b"{}".to_vec(),
            &[("if-match", "yesterday")],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalid_header")
    );
}

#[tokio::test]
async fn a_conversion_with_one_bad_deal_writes_nothing() {
    let app = TestApp::new().await;
    let lead = app.qualified_lead("Mihai", "Gama").await;
    let id = lead["id"].as_str().unwrap_or("");
    let prospect = app
        .post(&format!("/api/v1/leads/{id}/qualify"), json!({}))
        .await
        .body;
    let r = app.post(&format!("/api/v1/leads/{id}/convert"), json!({ "opportunities": [
        { "name": "Gama CRM", "amount": "100.00", "currency": "RON" },
        { "name": "Gama extra", "amount": "1.005", "currency": "RON", "expected_close_date": "soon" }
    ] })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.fields(),
        [
            "opportunities[1].amount",
            "opportunities[1].expected_close_date"
        ]
    );
    assert_eq!(app.get(&format!("/api/v1/leads/{id}")).await.body, prospect);
    assert_eq!(
        app.get("/api/v1/opportunities").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        app.get("/api/v1/accounts").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}
