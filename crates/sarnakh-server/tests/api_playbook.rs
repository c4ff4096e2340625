//! The playbook over HTTP: read it, replace it as a manager, see a lead's readiness, record
//! checklist evidence, and qualify with the version recorded.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn managers_set_the_playbook_and_leads_show_their_readiness() {
    let app = TestApp::new().await;
    let manager = app
        .token_for("m@test.example", "sales_manager", None, "write")
        .await;
    let rep = app
        .token_for("r@test.example", "sales_rep", None, "write")
        .await;
    let shipped = app.get("/api/v1/settings/playbook").await.body;
    assert_eq!(shipped["version"], 0);
    let rules = json!({ "qualify": [
        { "code": "budget_known", "message": "record the budget", "kind": "checklist", "items": ["budget"] },
        { "code": "retail_or_banking", "message": "we sell to retail and banking", "kind": "in_set", "field": "industry", "values": ["Retail", "Banking"] }
    ], "convert": [] });
    assert_eq!(
        app.as_user(
            &rep,
            "PUT",
            "/api/v1/settings/playbook",
            Some(rules.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let bad = app.as_user(&manager, "PUT", "/api/v1/settings/playbook", Some(json!({ "qualify": [{ "code": "x", "message": "m", "kind": "in_set", "field": "industry", "values": [] }], "convert": [] }))).await;
    assert_eq!(
        (bad.status, bad.fields()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["qualify[0]".to_owned()]
        )
    );
    let saved = app
        .as_user(&manager, "PUT", "/api/v1/settings/playbook", Some(rules))
        .await;
    assert_eq!(
        (saved.status, saved.body["version"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Lia", "email": "lia@example.ro", "industry": "Retail" }),
        )
        .await
        .body;
    let uri = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap_or(""));
    let readiness = app.get(&format!("{uri}/readiness")).await.body;
    assert_eq!(
        (readiness["next"].as_str(), readiness["ready"].as_bool()),
        (Some("qualify"), Some(false))
    );
    let met: Vec<(String, bool)> = readiness["checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["code"].as_str().unwrap_or("").to_owned(),
                        c["met"].as_bool().unwrap_or(true),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        met,
        [
            ("budget_known".to_owned(), false),
            ("retail_or_banking".to_owned(), true)
        ]
    );
    let refused = app.post(&format!("{uri}/qualify"), json!({})).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unmet_criteria")
    );
    let patched = app
        .send(
            "PATCH",
            &uri,
            json!({ "evidence": { "budget": "12k EUR this quarter" } }),
        )
        .await;
    assert_eq!(patched.body["evidence"]["budget"], "12k EUR this quarter");
    assert_eq!(
        app.get(&format!("{uri}/readiness")).await.body["ready"],
        true
    );
    assert_eq!(
        app.post(&format!("{uri}/qualify"), json!({})).await.status,
        StatusCode::OK
    );
    let history = app.get(&format!("{uri}/history")).await.body;
    let qualified = history["items"]
        .as_array()
        .and_then(|a| a.iter().find(|h| h["kind"] == "qualified").cloned())
        .unwrap_or_default();
    assert_eq!(qualified["playbook_version"], 1);
}

#[tokio::test]
async fn event_batches_take_large_bodies_and_report_refused_events_by_position() {
    let app = TestApp::new().await;
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Dana", "email": "dana@firma.ro" }),
        )
        .await
        .body;
    let id = lead["id"].as_str().unwrap_or("").to_owned();
    let long_url = format!("https://sarnakh.example/pricing?{}", "x".repeat(700));
    let mut events: Vec<serde_json::Value> = (0..3000).map(|i| json!({ "id": format!("big-{i}"), "kind": "email_opened", "lead_id": id, "url": long_url })).collect();
    events.push(json!({ "id": "bad", "kind": "page_view" }));
    let body = json!({ "events": events });
    assert!(
        body.to_string().len() > 2 * 1024 * 1024,
        "the batch is larger than the 1 MiB limit of other routes"
    );
    let r = app.post("/api/v1/events", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body["detail"]);
    assert_eq!(
        (
            r.body["accepted"].as_u64(),
            r.body["rejected"][0]["index"].as_u64()
        ),
        (Some(3000), Some(3000))
    );
    assert_eq!(r.body["rejected"][0]["errors"][0]["field"], "lead_id");
    let demo = app.post("/api/v1/events", json!({ "events": [{ "id": "d1", "kind": "demo_requested", "email": "DANA@firma.ro" }] })).await;
    assert_eq!(demo.body["accepted"], 1);
    let scored = app.get(&format!("/api/v1/leads/{id}")).await.body;
    let lines: Vec<&str> = scored["score_breakdown"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(lines.contains(&"demo_requested"), "{lines:?}");
    let too_many: Vec<serde_json::Value> = (0..10_001)
        .map(|i| json!({ "id": format!("m{i}"), "kind": "custom" }))
        .collect();
    let r = app
        .post("/api/v1/events", json!({ "events": too_many }))
        .await;
    assert_eq!(
        (r.status, r.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["events".to_owned()])
    );
}

#[tokio::test]
async fn the_win_model_is_trained_by_a_manager_and_explains_each_prediction() {
    let app = TestApp::new().await;
    let status = app.get("/api/v1/settings/win-model").await.body;
    assert_eq!(
        (status["model"].is_null(), status["min_closed"].as_u64()),
        (true, Some(50))
    );
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Pia", "email": "pia@example.ro", "source": "referral", "visitor_id": "cookie-7" }),
        )
        .await
        .body;
    let uri = format!(
        "/api/v1/leads/{}/prediction",
        lead["id"].as_str().unwrap_or("")
    );
    let before = app.get(&uri).await.body;
    assert_eq!(
        (before["method"].as_str(), before["probability"].is_null()),
        (Some("none"), true),
        "{before}"
    );
    let early = app
        .send("POST", "/api/v1/settings/win-model/train", json!({}))
        .await;
    assert_eq!(
        (early.status, early.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_history")
    );

    let other = TestApp::new().await;
    sarnakh_server::demo::generate(
        other.store.clone(),
        &sarnakh_server::demo::DemoOptions {
            leads: 400,
            seed: 3,
        },
    )
    .await
    .expect("demo history");
    let rep = other
        .token_for("r@win.example", "sales_rep", None, "write")
        .await;
    let refused = other
        .as_user(&rep, "POST", "/api/v1/settings/win-model/train", None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let trained = other
        .send("POST", "/api/v1/settings/win-model/train", json!({}))
        .await;
    assert_eq!(trained.status, StatusCode::CREATED, "{}", trained.body);
    let m = &trained.body;
    assert_eq!(m["version"], 1);
    assert!(m["examples"].as_u64().unwrap_or(0) >= 50, "{m}");
    for algorithm in ["naive_bayes", "logistic"] {
        let auc = m[algorithm]["auc"].as_f64().unwrap_or(0.0);
        assert!((0.0..=1.0).contains(&auc), "{algorithm} auc {auc}");
        assert_eq!(
            m[algorithm]["calibration"].as_array().map(Vec::len),
            Some(10)
        );
    }
    assert_eq!(
        other.get("/api/v1/settings/win-model").await.body["model"]["version"],
        1
    );
    let deals = other
        .get("/api/v1/opportunities?status=open&limit=30")
        .await
        .body;
    let deals = deals["items"].as_array().cloned().unwrap_or_default();
    assert!(deals.len() >= 10, "the demo has open deals");
    let mut explained = 0;
    for deal in &deals {
        let predicted = other
            .get(&format!(
                "/api/v1/opportunities/{}/prediction",
                deal["id"].as_str().unwrap_or("")
            ))
            .await
            .body;
        let p = predicted["probability"].as_f64().unwrap_or(-1.0);
        assert!(p > 0.0 && p < 1.0, "{predicted}");
        assert_eq!(
            (
                predicted["method"].as_str(),
                predicted["model_version"].as_i64()
            ),
            (Some("model"), Some(1))
        );
        let reasons = predicted["reasons"].as_array().cloned().unwrap_or_default();
        assert!(reasons.len() <= 5, "{predicted}");
        assert!(
            reasons
                .iter()
                .all(|r| r["points"].as_i64().unwrap_or(0) != 0),
            "{predicted}"
        );
        explained += usize::from(!reasons.is_empty());
    }
    assert!(
        explained * 2 >= deals.len(),
        "most open deals come with reasons ({explained} of {})",
        deals.len()
    );
}
