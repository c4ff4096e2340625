//! Browser sign-in over HTTP: the session cookie, same-origin protection of changes,
//! identical refusals, throttling and sign-out.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use serde_json::json;

const PASSWORD: &str = "copper kettle meadow lantern";

async fn app_with_user() -> TestApp {
    let app = TestApp::new().await;
    let draft = UserDraft {
        email: Some("sara@example.ir".into()),
        display_name: Some("Sara".into()),
        role: Some("sales_rep".into()),
        ..UserDraft::default()
    };
    app.services
        .add_user(&Actor::SYSTEM, &draft, Some(PASSWORD))
        .await
        .expect("add user");
    app
}

fn session_cookie(reply: &common::Reply) -> String {
    let set = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    for part in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(part), "cookie lacks {part}: {set}");
    }
    set.split(';').next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn a_session_cookie_signs_in_and_changes_must_come_from_this_site() {
    let app = app_with_user().await;
    let r = app
        .as_user(
            "",
            "POST",
            "/api/v1/session",
            Some(json!({ "email": "Sara@Example.IR", "password": PASSWORD })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let cookie = session_cookie(&r);
    assert!(cookie.starts_with("__Host-sarnakh="));
    let me = app
        .raw(
            "GET",
            "/api/v1/me",
            None,
            Vec::new(),
            &[("authorization", ""), ("cookie", &cookie)],
        )
        .await;
    assert_eq!(me.body["email"], "sara@example.ir");
    let lead = json!({ "first_name": "Ali", "email": "ali@example.ir" })
        .to_string()
        .into_bytes();
    let forged = app
        .raw(
            "POST",
            "/api/v1/leads",
            Some("application/json"),
            lead.clone(),
            &[
                ("authorization", ""),
                ("cookie", &cookie),
                ("host", "crm.example"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::FORBIDDEN, "cross_site_request")
    );
    let bare = app
        .raw(
            "POST",
            "/api/v1/leads",
            Some("application/json"),
            lead.clone(),
            &[
                ("authorization", ""),
                ("cookie", &cookie),
                ("host", "crm.example"),
            ],
        )
        .await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    assert_eq!(app.lead_count().await, 0);
    let own = app
        .raw(
            "POST",
            "/api/v1/leads",
            Some("application/json"),
            lead,
            &[
                ("authorization", ""),
                ("cookie", &cookie),
                ("host", "crm.example"),
                ("origin", "https://crm.example"),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let out = app
        .raw(
            "DELETE",
            "/api/v1/session",
            None,
            Vec::new(),
            &[
                ("authorization", ""),
                ("cookie", &cookie),
                ("host", "crm.example"),
                ("origin", "https://crm.example"),
            ],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = app
        .raw(
            "GET",
            "/api/v1/me",
            None,
            Vec::new(),
            &[("authorization", ""), ("cookie", &cookie)],
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same_and_guessing_is_throttled() {
    let app = app_with_user().await;
    let wrong = app
        .as_user(
            "",
            "POST",
            "/api/v1/session",
            Some(json!({ "email": "sara@example.ir", "password": "nope nope nope" })),
        )
        .await;
    let unknown = app
        .as_user(
            "",
            "POST",
            "/api/v1/session",
            Some(json!({ "email": "nobody@example.ir", "password": "nope nope nope" })),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    assert_eq!(wrong.body, unknown.body);
    for _ in 0..4 {
        app.as_user(
            "",
            "POST",
            "/api/v1/session",
            Some(json!({ "email": "sara@example.ir", "password": "still wrong" })),
        )
        .await;
    }
    let throttled = app
        .as_user(
            "",
            "POST",
            "/api/v1/session",
            Some(json!({ "email": "sara@example.ir", "password": PASSWORD })),
        )
        .await;
    assert_eq!(
        (throttled.status, throttled.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(throttled.headers.get("retry-after").is_some());
}
