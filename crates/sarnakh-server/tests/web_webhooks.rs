//! The webhooks settings page in-process: admins only; a new subscription's secret shown once;
//! refused values next to their fields with nothing written; switching off and on, rotating
//! the secret, removing; a dead delivery listed with its status and replayed from the page.

mod common;
mod web;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::TestApp;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::webhook::DeliveryStatus;
use sarnakh_core::service::Actor;
use sarnakh_server::webhooks::Relay;
use web::{csrf, form, person, send};

async fn hooks(app: &TestApp) -> Vec<sarnakh_core::domain::webhook::Webhook> {
    app.services
        .list_webhooks(&Actor::SYSTEM)
        .await
        .expect("webhooks")
}

#[tokio::test]
async fn only_admins_open_the_webhooks_page() {
    let app = TestApp::new().await;
    for (email, role) in [
        ("rep@hooks.example", "sales_rep"),
        ("max@hooks.example", "sales_manager"),
        ("mia@hooks.example", "marketing"),
    ] {
        let cookie = person(&app, email, role, "en").await;
        let page = send(&app, "GET", "/settings/webhooks", &cookie, "").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role}");
        if role != "sales_rep" {
            let other = send(&app, "GET", "/settings/users", &cookie, "").await;
            assert!(
                !other.body.contains("href=\"/settings/webhooks\""),
                "{role}"
            );
        }
    }
    let admin = person(&app, "ada@hooks.example", "admin", "en").await;
    let page = send(&app, "GET", "/settings/webhooks", &admin, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("href=\"/settings/webhooks\" aria-current=\"page\"")
    );
    assert!(page.body.contains("No webhooks yet."));
    assert!(page.body.contains("value=\"opportunity.won\""));
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sees_its_secret_once_and_refused_values_write_nothing() {
    let app = TestApp::new().await;
    let cookie = person(&app, "ada@hooks.example", "admin", "en").await;
    let token = csrf(
        &send(&app, "GET", "/settings/webhooks", &cookie, "")
            .await
            .body,
    );
    let no_token = form(&[("url", "https://hooks.example.com/a"), ("events", "*")]);
    let refused = send(&app, "POST", "/settings/webhooks", &cookie, &no_token).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let bad = form(&[
        ("_csrf", &token),
        ("url", "http://127.0.0.1/<b>x</b>"),
        ("events", "lead.created"),
        ("events", "lead.exploded"),
        ("description", "Nota <script>alert(1)</script>"),
    ]);
    let shown = send(&app, "POST", "/settings/webhooks", &cookie, &bad).await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains("id=\"webhook-url-error\">Sarnakh does not post to this address")
    );
    assert!(
        shown
            .body
            .contains("id=\"webhook-events-error\">Not an event type of Sarnakh.")
    );
    assert!(
        shown
            .body
            .contains("value=\"Nota &#60;script&#62;alert(1)&#60;/script&#62;\"")
    );
    assert!(!shown.body.contains("<script>alert(1)"));
    assert!(shown.body.contains("value=\"lead.created\" checked"));
    assert!(hooks(&app).await.is_empty());

    let good = form(&[
        ("_csrf", &token),
        ("url", "https://hooks.example.com/sarnakh"),
        ("events", "opportunity.won"),
        ("events", "lead.created"),
        ("description", "Warehouse <i>feed</i>"),
    ]);
    let created = send(&app, "POST", "/settings/webhooks", &cookie, &good).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let stored = hooks(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].events, ["lead.created", "opportunity.won"]);
    assert!(created.body.contains("The webhook is added."));
    assert!(
        created
            .body
            .contains(&format!("<code dir=\"ltr\">{}</code>", stored[0].secret))
    );
    assert!(
        created
            .body
            .contains("Warehouse &#60;i&#62;feed&#60;/i&#62;")
    );
    // Shown once: the list and the subscription's page never show it again.
    let list = send(&app, "GET", "/settings/webhooks", &cookie, "").await;
    assert!(
        list.body.contains("https://hooks.example.com/sarnakh") && list.body.contains("Delivering")
    );
    assert!(!list.body.contains(&stored[0].secret));
    let path = format!("/settings/webhooks/{}", stored[0].id);
    let one = send(&app, "GET", &path, &cookie, "").await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(!one.body.contains(&stored[0].secret) && one.body.contains("Nothing delivered yet."));
}

#[tokio::test]
async fn an_admin_switches_a_webhook_off_and_on_rotates_its_secret_and_removes_it() {
    let app = TestApp::new().await;
    let cookie = person(&app, "ada@hooks.example", "admin", "fa").await;
    let token = csrf(
        &send(&app, "GET", "/settings/webhooks", &cookie, "")
            .await
            .body,
    );
    let good = form(&[
        ("_csrf", &token),
        ("url", "https://hooks.example.com/x"),
        ("events", "*"),
    ]);
    let created = send(&app, "POST", "/settings/webhooks", &cookie, &good).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body.contains("dir=\"rtl\"") && created.body.contains("همهٔ نوع رویدادها"));
    let hook = hooks(&app).await.remove(0);
    let base = format!("/settings/webhooks/{}", hook.id);

    let stale = form(&[("_csrf", &token), ("version", "7"), ("active", "0")]);
    let conflict = send(&app, "POST", &format!("{base}/active"), &cookie, &stale).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(hooks(&app).await[0].active);
    let off = form(&[("_csrf", &token), ("version", "1"), ("active", "0")]);
    let done = send(&app, "POST", &format!("{base}/active"), &cookie, &off).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("{base}?done=webhook-disabled"));
    assert!(!hooks(&app).await[0].active);
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(shown.body.contains("وب‌هوک خاموش شد") && shown.body.contains("روشن کن"));

    let no_token = send(&app, "POST", &format!("{base}/rotate"), &cookie, "").await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(hooks(&app).await[0].secret, hook.secret);
    let rotate = form(&[("_csrf", &token)]);
    let rotated = send(&app, "POST", &format!("{base}/rotate"), &cookie, &rotate).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let secret = hooks(&app).await[0].secret.clone();
    assert_ne!(secret, hook.secret);
    assert!(rotated.body.contains(&secret) && !rotated.body.contains(&hook.secret));

    let removed = send(&app, "POST", &format!("{base}/delete"), &cookie, &rotate).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(removed.location, "/settings/webhooks?done=webhook-deleted");
    assert!(hooks(&app).await.is_empty());
    let gone = send(&app, "GET", &base, &cookie, "").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_dead_delivery_is_listed_and_replayed_from_the_page() {
    let mut app = TestApp::new().await;
    app.services = app.services.clone().allow_private_webhooks(true);
    app.router = sarnakh_server::http::app(app.services.clone());
    let cookie = person(&app, "ada@hooks.example", "admin", "en").await;
    let token = csrf(
        &send(&app, "GET", "/settings/webhooks", &cookie, "")
            .await
            .body,
    );
    // Nothing listens on port 1: every attempt fails until the delivery is dead.
    let good = form(&[
        ("_csrf", &token),
        ("url", "http://127.0.0.1:1/hook"),
        ("events", "lead.created"),
    ]);
    let created = send(&app, "POST", "/settings/webhooks", &cookie, &good).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let hook = hooks(&app).await.remove(0);
    let lead = LeadDraft {
        first_name: Some("Hook".into()),
        email: Some("hook@leads.example".into()),
        ..LeadDraft::default()
    };
    app.services
        .capture_lead(&Actor::SYSTEM, &lead)
        .await
        .expect("capture");
    let relay = Relay::new(app.store.clone(), true, None);
    let mut t = Utc::now();
    for _ in 0..8 {
        relay.tick(t).await.expect("tick");
        t += Duration::hours(8);
    }
    let deliveries = app
        .services
        .list_webhook_deliveries(&Actor::SYSTEM, hook.id, None, 10)
        .await
        .expect("deliveries");
    assert_eq!(deliveries[0].status, DeliveryStatus::Dead);
    let path = format!("/settings/webhooks/{}", hook.id);
    let page = send(&app, "GET", &path, &cookie, "").await;
    assert!(page.body.contains("<code>lead.created</code>") && page.body.contains("Dead"));
    let replay = format!("/settings/webhooks/deliveries/{}/replay", deliveries[0].id);
    assert!(page.body.contains(&format!("action=\"{replay}\"")));

    let refused = send(&app, "POST", &replay, &cookie, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = send(&app, "POST", &replay, &cookie, &form(&[("_csrf", &token)])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, format!("{path}?done=delivery-replayed"));
    let after = app
        .services
        .list_webhook_deliveries(&Actor::SYSTEM, hook.id, None, 10)
        .await
        .expect("deliveries");
    assert_eq!(after[0].status, DeliveryStatus::Pending);
    let shown = send(&app, "GET", &done.location, &cookie, "").await;
    assert!(shown.body.contains("queued to be sent again") && shown.body.contains("Waiting"));
    assert!(!shown.body.contains(&format!("action=\"{replay}\"")));
    // A pending one is not replayed again: a conflict, nothing changed.
    let again = send(&app, "POST", &replay, &cookie, &form(&[("_csrf", &token)])).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
