//! The lead-to-customer walk over the JSON API, lists, and the API's self-description.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[tokio::test]
async fn a_lead_walks_to_a_customer_with_many_deals() {
    let app = TestApp::new().await;
    let created = app.post("/api/v1/leads", json!({
        "first_name": "Maryam", "last_name": "Karimi", "email": " Maryam.Karimi@ParsNovin.IR ", "phone": "0912 345 6789",
        "country": "ir", "company": "Pars Novin", "source": "content_download", "campaign": "CRM e-book", "products": ["Sarnakh Team"]
    })).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let lead = created.body;
    assert_eq!(
        (
            s(&lead["email"]),
            s(&lead["phone"]),
            s(&lead["stage"]),
            s(&lead["status"])
        ),
        (
            "Maryam.Karimi@parsnovin.ir",
            "+989123456789",
            "lead",
            "open"
        )
    );
    let id = s(&lead["id"]).to_owned();

    let patched = app.send_if_match("PATCH", &format!("/api/v1/leads/{id}"), json!({
        "company_size": 240, "industry": "Distribution", "need": "Follow-ups slip", "decision_role": "champion"
    }), 1).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let prospect = app
        .post(
            &format!("/api/v1/leads/{id}/qualify"),
            json!({ "note": "fits the persona" }),
        )
        .await;
    assert_eq!(
        (prospect.status, s(&prospect.body["stage"])),
        (StatusCode::OK, "prospect")
    );

    let converted = app.post(&format!("/api/v1/leads/{id}/convert"), json!({ "opportunities": [
        { "name": "Pars Novin - Team", "product": "Sarnakh Team", "amount": "450000000", "currency": "IRR", "expected_close_date": "2027-01-31" },
        { "name": "Pars Novin - Onboarding", "amount": "1200.50", "currency": "EUR", "stage": "discovery" }
    ] })).await;
    assert_eq!(converted.status, StatusCode::CREATED, "{}", converted.body);
    let out = converted.body;
    assert_eq!(
        (s(&out["lead"]["stage"]), out["account_reused"].as_bool()),
        ("converted", Some(false))
    );
    let deals = out["opportunities"].as_array().cloned().unwrap_or_default();
    assert_eq!(deals.len(), 2);
    assert_eq!(
        (
            s(&deals[0]["amount"]),
            deals[0]["amount_minor"].as_i64(),
            s(&deals[0]["stage"])
        ),
        ("450000000.00", Some(45_000_000_000), "qualify")
    );
    assert_eq!(
        (
            s(&deals[1]["amount"]),
            s(&deals[1]["currency"]),
            s(&deals[1]["stage"])
        ),
        ("1200.50", "EUR", "discovery")
    );
    let account = s(&out["account_id"]).to_owned();
    let deal = s(&deals[0]["id"]).to_owned();

    let moved = app
        .post(
            &format!("/api/v1/opportunities/{deal}/stage"),
            json!({ "stage": "proposal" }),
        )
        .await;
    assert_eq!(
        (moved.status, s(&moved.body["stage"])),
        (StatusCode::OK, "proposal")
    );
    let role = app
        .send(
            "PUT",
            &format!(
                "/api/v1/opportunities/{deal}/contacts/{}",
                s(&out["contact_id"])
            ),
            json!({ "role": "champion" }),
        )
        .await;
    assert_eq!(
        (role.status, s(&role.body["contacts"][0]["role"])),
        (StatusCode::OK, "champion")
    );
    let won = app
        .post(
            &format!("/api/v1/opportunities/{deal}/close"),
            json!({ "outcome": "won", "note": "signed for 12 seats" }),
        )
        .await;
    assert_eq!(
        (won.status, s(&won.body["status"])),
        (StatusCode::OK, "won")
    );
    let customer = app.get(&format!("/api/v1/accounts/{account}")).await.body;
    assert_eq!(customer["is_customer"], true);

    let more = app
        .post(
            &format!("/api/v1/accounts/{account}/opportunities"),
            json!({ "name": "Pars Novin - Telephony", "amount": "99.99", "currency": "usd" }),
        )
        .await;
    assert_eq!(
        (more.status, s(&more.body["account_id"])),
        (StatusCode::CREATED, account.as_str())
    );
    let of_account = app
        .get(&format!("/api/v1/opportunities?account={account}"))
        .await
        .body;
    assert_eq!(of_account["items"].as_array().map(Vec::len), Some(3));
    let from_lead = app
        .get(&format!("/api/v1/opportunities?lead={id}"))
        .await
        .body;
    assert_eq!(from_lead["items"].as_array().map(Vec::len), Some(2));

    let detail = app.get(&format!("/api/v1/opportunities/{deal}")).await.body;
    let trail: Vec<&str> = detail["stage_history"]
        .as_array()
        .map(|a| a.iter().map(|h| s(&h["kind"])).collect())
        .unwrap_or_default();
    assert_eq!(trail, ["created", "stage_changed", "won"]);
    let timeline = app.get(&format!("/api/v1/leads/{id}/timeline")).await.body;
    let kinds: Vec<&str> = timeline["items"]
        .as_array()
        .map(|a| a.iter().map(|e| s(&e["change"]["kind"])).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["created", "updated", "qualified", "converted"]);
}

#[tokio::test]
async fn disqualify_nurture_and_reopen_over_http() {
    let app = TestApp::new().await;
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Vlad", "email": "vlad@example.ro" }),
        )
        .await
        .body;
    let id = s(&lead["id"]);
    let r = app
        .post(&format!("/api/v1/leads/{id}/disqualify"), json!({}))
        .await;
    assert_eq!(
        (r.status, r.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_owned()])
    );
    let r = app
        .post(
            &format!("/api/v1/leads/{id}/disqualify"),
            json!({ "reason": "unreachable", "note": "three calls, no answer" }),
        )
        .await;
    assert_eq!(
        (s(&r.body["status"]), s(&r.body["disqualify_reason"])),
        ("disqualified", "unreachable")
    );
    let r = app
        .raw(
            "POST",
            &format!("/api/v1/leads/{id}/reopen"),
            None,
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!((r.status, s(&r.body["status"])), (StatusCode::OK, "open"));
    let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let r = app
        .post(
            &format!("/api/v1/leads/{id}/nurture"),
            json!({ "until": until }),
        )
        .await;
    assert_eq!(
        (s(&r.body["status"]), s(&r.body["nurture_until"])),
        ("nurture", until.as_str())
    );
}

#[tokio::test]
async fn lists_page_with_cursors_and_cap_the_limit() {
    let app = TestApp::new().await;
    for i in 0..7 {
        let r = app.post("/api/v1/leads", json!({ "first_name": format!("Lead{i}"), "email": format!("l{i}@example.com"), "source": if i % 2 == 0 { "referral" } else { "event" } })).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut uri = "/api/v1/leads?limit=3&sort=name".to_owned();
    loop {
        let page = app.get(&uri).await.body;
        seen.extend(
            page["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|l| s(&l["first_name"]).to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/leads?limit=3&sort=name&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("Lead{i}")).collect::<Vec<_>>());
    let referrals = app.get("/api/v1/leads?source=referral&q=lead").await.body;
    assert_eq!(referrals["items"].as_array().map(Vec::len), Some(4));
    let big = app.get("/api/v1/leads?limit=100000").await;
    assert_eq!(
        (big.status, big.body["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(7))
    );
}

#[tokio::test]
async fn tasks_and_activities_over_http() {
    let app = TestApp::new().await;
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Kian", "email": "kian@example.ir" }),
        )
        .await
        .body;
    let id = s(&lead["id"]);
    let r = app.post("/api/v1/activities", json!({ "subject_type": "lead", "subject_id": id, "kind": "call", "outcome": "no_answer", "summary": "First call" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let owner = uuid::Uuid::now_v7();
    let r = app.post("/api/v1/tasks", json!({ "subject_type": "lead", "subject_id": id, "title": "Call again", "due_at": "2020-01-01", "owner_id": owner })).await;
    assert_eq!(
        (r.status, r.fields()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["owner_id".to_owned()]
        )
    );
    assert_eq!(
        app.get("/api/v1/tasks").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let me = app.get("/api/v1/me").await.body;
    let r = app.post("/api/v1/tasks", json!({ "subject_type": "lead", "subject_id": id, "title": "Call again", "due_at": "2020-01-01" })).await;
    assert_eq!(
        (r.status, &r.body["owner_id"], r.body["overdue"].as_bool()),
        (StatusCode::CREATED, &me["id"], Some(true))
    );
    let overdue = app.get("/api/v1/tasks?due=overdue").await.body;
    assert_eq!(overdue["items"].as_array().map(Vec::len), Some(1));
    let task = s(&r.body["id"]).to_owned();
    let uri = format!("/api/v1/tasks/{task}/reschedule");
    let bad = app.post(&uri, json!({ "due_at": "soon" })).await;
    assert_eq!(
        (bad.status, bad.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["due_at".to_owned()])
    );
    let stale = app
        .send_if_match("POST", &uri, json!({ "due_at": "2031-02-03" }), 7)
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let moved = app
        .send_if_match("POST", &uri, json!({ "due_at": "2031-02-03" }), 1)
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(s(&moved.body["due_at"]), "2031-02-03T09:00:00Z");
    assert_eq!(moved.body["overdue"].as_bool(), Some(false));
    let overdue = app.get("/api/v1/tasks?due=overdue").await.body;
    assert_eq!(overdue["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn the_api_describes_itself() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.body;
    assert!(s(&doc["openapi"]).starts_with("3.1"), "{}", doc["openapi"]);
    for path in [
        "/api/v1/leads",
        "/api/v1/leads/{id}/convert",
        "/api/v1/opportunities/{id}/close",
        "/api/v1/pipeline/stages",
        "/api/v1/tasks/{id}/complete",
        "/api/v1/accounts/{id}/opportunities",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    // Two wire types with one name would share one schema, and one of them would be wrong.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ActivityJson"]["properties"]["subject_type"].is_object());
    assert!(schemas["ActivityReportJson"]["properties"]["rows"].is_object());
    assert!(schemas["ReasonCountJson"]["properties"]["count"].is_object());
    let sources = doc["components"]["schemas"]["CreateLeadRequest"]["properties"]["source"]["enum"]
        .as_array()
        .map(Vec::len);
    assert_eq!(sources, Some(11));
    let page = app.raw("GET", "/api/docs", None, Vec::new(), &[]).await;
    assert!(s(&page.body).contains("/api/docs/docs.js"));
    let stages = app.get("/api/v1/pipeline/stages").await.body;
    let keys: Vec<(&str, u64)> = stages
        .as_array()
        .map(|a| {
            a.iter()
                .map(|st| (s(&st["key"]), st["probability"].as_u64().unwrap_or(999)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            ("qualify", 10),
            ("discovery", 20),
            ("demo", 40),
            ("proposal", 60),
            ("negotiation", 80),
            ("won", 100),
            ("lost", 0)
        ]
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.body["migrations"].as_bool()),
        (StatusCode::OK, Some(true))
    );
}
