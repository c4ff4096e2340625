//! Authentication, the access policy over HTTP, API tokens and security headers.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn requests_without_a_valid_token_are_401_and_write_nothing() {
    let app = TestApp::new().await;
    for token in ["", "snk_not_a_real_token", "garbage"] {
        let r = app
            .as_user(
                token,
                "POST",
                "/api/v1/leads",
                Some(json!({ "first_name": "Ali", "email": "ali@example.ir" })),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "unauthenticated"),
            "token {token:?}"
        );
        assert!(r.headers.get("www-authenticate").is_some());
    }
    assert_eq!(
        app.as_user("", "GET", "/api/v1/leads", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.lead_count().await, 0);
    assert_eq!(
        app.as_user("", "GET", "/healthz", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_read_only_token_reads_but_cannot_write() {
    let app = TestApp::new().await;
    let reader = app
        .token_for("reader@test.example", "admin", None, "read")
        .await;
    assert_eq!(
        app.as_user(&reader, "GET", "/api/v1/leads", None)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .as_user(
            &reader,
            "POST",
            "/api/v1/leads",
            Some(json!({ "first_name": "Ali", "email": "ali@example.ir" })),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(app.lead_count().await, 0);
}

#[tokio::test]
async fn a_rep_neither_sees_nor_changes_another_reps_lead() {
    let app = TestApp::new().await;
    let rep_a = app
        .token_for("a@test.example", "sales_rep", Some("North"), "write")
        .await;
    let rep_b = app
        .token_for("b@test.example", "sales_rep", Some("North"), "write")
        .await;
    let me_a = app.as_user(&rep_a, "GET", "/api/v1/me", None).await.body;
    let lead = app
        .as_user(
            &rep_a,
            "POST",
            "/api/v1/leads",
            Some(
                json!({ "first_name": "Mine", "email": "mine@example.ir", "owner_id": me_a["id"] }),
            ),
        )
        .await;
    assert_eq!(lead.status, StatusCode::CREATED, "{}", lead.body);
    let uri = format!("/api/v1/leads/{}", lead.body["id"].as_str().unwrap_or(""));
    assert_eq!(
        app.as_user(&rep_b, "GET", &uri, None).await.status,
        StatusCode::NOT_FOUND
    );
    let patched = app
        .as_user(&rep_b, "PATCH", &uri, Some(json!({ "company": "Stolen" })))
        .await;
    assert_eq!(patched.status, StatusCode::NOT_FOUND);
    let listed = app
        .as_user(&rep_b, "GET", "/api/v1/leads?q=mine", None)
        .await
        .body;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        app.as_user(&rep_a, "GET", &uri, None).await.body["company"],
        serde_json::Value::Null
    );
    let give_away = app
        .as_user(
            &rep_a,
            "PATCH",
            &uri,
            Some(json!({ "owner_id": uuid::Uuid::now_v7() })),
        )
        .await;
    assert_eq!(
        (give_away.status, give_away.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
}

#[tokio::test]
async fn marketing_sees_leads_but_not_individual_deals() {
    let app = TestApp::new().await;
    let marketing = app
        .token_for("mk@test.example", "marketing", None, "write")
        .await;
    app.post(
        "/api/v1/leads",
        json!({ "first_name": "Ana", "email": "ana@example.ro" }),
    )
    .await;
    let leads = app
        .as_user(&marketing, "GET", "/api/v1/leads", None)
        .await
        .body;
    assert_eq!(leads["items"].as_array().map(Vec::len), Some(1));
    let deals = app
        .as_user(&marketing, "GET", "/api/v1/opportunities", None)
        .await;
    assert_eq!(
        (deals.status, deals.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
}

#[tokio::test]
async fn users_manage_their_own_tokens_and_secrets_are_shown_once() {
    let app = TestApp::new().await;
    let rep = app
        .token_for("r@test.example", "sales_rep", None, "write")
        .await;
    let created = app
        .as_user(
            &rep,
            "POST",
            "/api/v1/me/tokens",
            Some(json!({ "name": "import script", "scope": "write" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap_or("").to_owned();
    assert!(secret.starts_with("snk_"));
    assert_eq!(
        app.as_user(&secret, "GET", "/api/v1/me", None).await.body["email"],
        "r@test.example"
    );
    let listed = app
        .as_user(&rep, "GET", "/api/v1/me/tokens", None)
        .await
        .body;
    assert!(
        !listed.to_string().contains(&secret),
        "a listing must never contain a secret"
    );
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    let id = created.body["id"].as_str().unwrap_or("");
    let revoked = app
        .as_user(&rep, "DELETE", &format!("/api/v1/me/tokens/{id}"), None)
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert_eq!(
        app.as_user(&secret, "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = app
        .as_user(
            &rep,
            "POST",
            "/api/v1/me/tokens",
            Some(json!({ "name": "x", "scope": "admin" })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = TestApp::new().await;
    for uri in ["/api/v1/leads", "/api/docs", "/healthz", "/nowhere"] {
        let r = app.get(uri).await;
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
        assert!(
            h("content-security-policy").contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert!(
            !h("content-security-policy").contains("script-src 'self' 'unsafe-inline'"),
            "{uri}"
        );
        assert_eq!(h("referrer-policy"), "no-referrer", "{uri}");
    }
}

#[tokio::test]
async fn the_audit_trail_names_who_changed_which_fields_with_which_token() {
    let app = TestApp::new().await;
    let lead = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Omid", "email": "omid@example.ir" }),
        )
        .await
        .body;
    let uri = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap_or(""));
    app.send(
        "PATCH",
        &uri,
        json!({ "company": "Tehran Steel", "industry": "Steel" }),
    )
    .await;
    app.send("PATCH", &uri, json!({ "company": "Tehran Steel" }))
        .await;
    let history = app.get(&format!("{uri}/history")).await.body;
    let items = history["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        items
            .iter()
            .map(|h| h["kind"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["created", "updated"]
    );
    let fields: Vec<&str> = items[1]["changes"]
        .as_array()
        .map(|c| c.iter().filter_map(|x| x["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["company", "industry"]);
    assert_eq!(items[1]["changes"][0]["new"], "Tehran Steel");
    assert!(items[1]["token_id"].is_string() && items[1]["actor_id"].is_string());
    assert!(items[1]["seq"].as_i64() > items[0]["seq"].as_i64());
}

#[tokio::test]
async fn a_token_past_its_rate_limit_gets_429_with_retry_after() {
    use sarnakh_server::http::limits::RateLimits;
    let mut app = TestApp::new().await;
    let limits = RateLimits {
        per_token_per_second: 1,
        per_token_burst: 3,
        ..RateLimits::default()
    };
    app.router = sarnakh_server::http::app_with(app.services.clone(), limits);
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/me").await.status, StatusCode::OK);
    }
    let limited = app.get("/api/v1/me").await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(limited.headers.get("retry-after").is_some());
    let other = app
        .token_for("other@test.example", "sales_rep", None, "read")
        .await;
    assert_eq!(
        app.as_user(&other, "GET", "/api/v1/me", None).await.status,
        StatusCode::OK,
        "limits are per token"
    );
}

#[tokio::test]
async fn a_user_sets_their_own_language_and_time_zone() {
    let app = TestApp::new().await;
    let refused = app
        .send(
            "PATCH",
            "/api/v1/me",
            json!({ "locale": "de", "time_zone": "Mars/Base" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.fields(),
        vec!["locale".to_owned(), "time_zone".to_owned()]
    );
    let me = app.get("/api/v1/me").await.body;
    assert_eq!(
        (me["locale"].as_str(), me["time_zone"].as_str()),
        (Some("en"), Some("UTC"))
    );
    let set = app
        .send(
            "PATCH",
            "/api/v1/me",
            json!({ "locale": "fa", "time_zone": "Asia/Tehran" }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let me = app.get("/api/v1/me").await.body;
    assert_eq!(
        (me["locale"].as_str(), me["time_zone"].as_str()),
        (Some("fa"), Some("Asia/Tehran"))
    );
    let keep = app
        .send("PATCH", "/api/v1/me", json!({ "locale": "ro" }))
        .await;
    assert_eq!(
        keep.body["time_zone"], "Asia/Tehran",
        "an absent field keeps its value"
    );
}
