//! Web-to-lead forms over real HTTP on a loopback port: marketing defines a form and copies
//! its snippet; browsers and scripts post to `/f/{key}`; CORS admits the allowed origins
//! only; spam is answered like success and kept apart; invalid input names every field; a
//! flood from one address is cut off with 429.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use reqwest::header;
use serde_json::json;
use std::net::SocketAddr;

async fn serve(app: &TestApp, per_ip_per_minute: u32) -> String {
    let limits = sarnakh_server::http::limits::RateLimits {
        form_per_ip_per_minute: per_ip_per_minute,
        ..Default::default()
    };
    let router = sarnakh_server::http::app_with(app.services.clone(), limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    format!("http://{addr}")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn shown_seconds_ago(seconds: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(seconds))
        .timestamp_millis()
        .to_string()
}

#[tokio::test]
async fn a_form_takes_browser_and_script_posts_and_refuses_what_it_must() {
    let app = TestApp::new().await;
    let created = app
        .post(
            "/api/v1/forms",
            json!({
                "name": "Ghid: pipeline de vânzări",
                "fields": [
                    { "field": "first_name", "required": true },
                    { "field": "email", "required": true },
                    { "field": "company", "required": false }
                ],
                "campaign": "Ghid IMM",
                "allowed_origins": ["https://www.example.ro"],
                "min_fill_seconds": 2
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let form = created.body;
    let (id, key) = (
        form["id"].as_str().unwrap_or("").to_owned(),
        form["key"].as_str().unwrap_or("").to_owned(),
    );
    assert_eq!(form["action"], format!("/f/{key}"));

    let snippet = app
        .raw(
            "GET",
            &format!("/api/v1/forms/{id}/snippet?lang=ro&base=https://crm.example.ro"),
            None,
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!(snippet.status, StatusCode::OK);
    assert!(
        snippet.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap_or("")
            .starts_with("text/plain"),
        "the snippet is code to copy, not a page to run here"
    );

    let base = serve(&app, 12).await;
    let http = client();
    let url = format!("{base}/f/{key}");

    let preflight = http
        .request(reqwest::Method::OPTIONS, &url)
        .header(header::ORIGIN, "https://www.example.ro")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://www.example.ro"
    );
    let foreign = http
        .request(reqwest::Method::OPTIONS, &url)
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .expect("foreign preflight");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);

    let t = shown_seconds_ago(10);
    let browser = http
        .post(&url)
        .header(header::ORIGIN, "https://www.example.ro")
        .form(&[
            ("first_name", "Ioana"),
            ("email", "ioana@firma.ro"),
            ("company", "Firma SRL"),
            ("_t", t.as_str()),
            ("_hp", ""),
            ("_lang", "ro"),
            ("utm_source", "newsletter"),
        ])
        .send()
        .await
        .expect("browser post");
    assert_eq!(browser.status(), StatusCode::OK);
    assert_eq!(
        browser.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://www.example.ro"
    );
    let page = browser.text().await.expect("page");
    assert!(page.contains("Vă mulțumim"), "{page}");

    let script = http
        .post(&url)
        .json(&json!({ "first_name": "Reza", "email": "reza@pars.ir", "_t": t }))
        .send()
        .await
        .expect("script post");
    assert_eq!(script.status(), StatusCode::CREATED);
    let body: serde_json::Value = script.json().await.expect("json");
    assert_eq!(body["status"], "received");

    let trap = http
        .post(&url)
        .json(&json!({ "first_name": "Bot", "email": "bot@spam.example", "_t": t, "_hp": "http://x" }))
        .send()
        .await
        .expect("spam post");
    assert_eq!(
        trap.status(),
        StatusCode::CREATED,
        "spam is answered like success"
    );

    let invalid = http
        .post(&url)
        .form(&[("first_name", ""), ("email", "nope"), ("_t", t.as_str())])
        .send()
        .await
        .expect("invalid browser post");
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = invalid.text().await.expect("page");
    assert!(
        page.contains("first_name") && page.contains("email"),
        "{page}"
    );
    let invalid_json = http
        .post(&url)
        .json(&json!({ "first_name": "Ana", "email": ["a"], "_t": t }))
        .send()
        .await
        .expect("invalid json");
    assert_eq!(invalid_json.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = invalid_json.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["field"], "email");
    let plain = http
        .post(&url)
        .header(header::CONTENT_TYPE, "text/plain")
        .body("first_name=Ana")
        .send()
        .await
        .expect("text post");
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let from_elsewhere = http
        .post(&url)
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({ "first_name": "Eve", "email": "eve@evil.example", "_t": t }))
        .send()
        .await
        .expect("foreign post");
    assert_eq!(from_elsewhere.status(), StatusCode::FORBIDDEN);
    let unknown = http
        .post(format!("{base}/f/no-such-form"))
        .json(&json!({}))
        .send()
        .await
        .expect("unknown form");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let spam = app
        .get(&format!("/api/v1/forms/{id}/submissions?status=spam"))
        .await
        .body;
    assert_eq!(spam["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(spam["items"][0]["reason"], "honeypot");
    let accepted = app
        .get(&format!("/api/v1/forms/{id}/submissions?status=accepted"))
        .await
        .body;
    let accepted = accepted["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(accepted.len(), 2);
    let lead_id = accepted
        .iter()
        .find(|s| s["payload"]["email"] == "ioana@firma.ro")
        .and_then(|s| s["lead_id"].as_str())
        .expect("the browser post made a lead")
        .to_owned();
    let lead = app.get(&format!("/api/v1/leads/{lead_id}")).await.body;
    assert_eq!(
        (lead["source"].as_str(), lead["campaign"].as_str()),
        (Some("web_form"), Some("Ghid IMM"))
    );
    let origin = app
        .get(&format!("/api/v1/leads/{lead_id}/origin"))
        .await
        .body;
    assert_eq!(origin["submission"]["utm_source"], "newsletter");
    assert_eq!(origin["submission"]["ip"], "127.0.0.1");

    let mut limited = 0;
    for i in 0..20 {
        let r = http
            .post(&url)
            .json(
                &json!({ "first_name": "Flood", "email": format!("flood{i}@x.example"), "_t": t }),
            )
            .send()
            .await
            .expect("flood post");
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key(header::RETRY_AFTER));
            limited += 1;
        }
    }
    assert!(
        limited >= 10,
        "12 posts a minute from one address, {limited} of 20 refused"
    );
    let after = app
        .get(&format!("/api/v1/forms/{id}/submissions?status=accepted"))
        .await
        .body;
    assert!(
        after["items"].as_array().map_or(0, Vec::len) <= 12,
        "{after}"
    );
}

#[tokio::test]
async fn a_browser_goes_to_the_thank_you_address() {
    let app = TestApp::new().await;
    let form = app
        .post(
            "/api/v1/forms",
            json!({
                "name": "Demo request",
                "fields": [{ "field": "first_name", "required": true }, { "field": "phone", "required": true }, { "field": "country" }],
                "thank_you_url": "https://www.example.ro/multumim",
                "min_fill_seconds": 0
            }),
        )
        .await
        .body;
    let base = serve(&app, 20).await;
    let response = client()
        .post(format!("{base}/f/{}", form["key"].as_str().unwrap_or("")))
        .form(&[
            ("first_name", "Mihai"),
            ("phone", "0721 234 567"),
            ("country", "RO"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        "https://www.example.ro/multumim"
    );
    let leads = app.get("/api/v1/leads?limit=5").await.body;
    assert_eq!(
        leads["items"][0]["phone"], "+40721234567",
        "a national number is normalised with the posted country"
    );
}
