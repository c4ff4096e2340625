//! Webhooks over real HTTP: a local sink (axum on 127.0.0.1:0) receives signed deliveries
//! from the relay; 500s are retried with the same delivery id until dead-lettered, then
//! replayed; redirects are not followed. Without `webhook_allow_private`, the same sink is
//! refused in every notation, by literal address and by a name resolving to loopback, and
//! receives nothing. Runs on SQLite and PostgreSQL.

mod common;

use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, Utc};
use common::TestApp;
use hmac::{Hmac, Mac};
use sarnakh_core::domain::WebhookId;
use sarnakh_core::domain::webhook::Webhook;
use sarnakh_server::webhooks::Relay;
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// What the sink received: path, headers, body.
type Received = Arc<Mutex<Vec<(String, HeaderMap, String)>>>;

/// A local HTTP sink: records every request and answers the scripted statuses (then 200).
struct Sink {
    addr: SocketAddr,
    received: Received,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Sink {
    async fn start() -> Self {
        let received: Received = Arc::default();
        let script: Arc<Mutex<VecDeque<u16>>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (r, s) = (received.clone(), script.clone());
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
                let (r, s) = (r.clone(), s.clone());
                async move {
                    let path = uri.path().to_owned();
                    r.lock().expect("lock").push((path.clone(), headers, body));
                    if path == "/redirect" {
                        let to = format!("http://{addr}/target");
                        return (StatusCode::FOUND, [("location", to)]).into_response();
                    }
                    let code = s.lock().expect("lock").pop_front().unwrap_or(200);
                    StatusCode::from_u16(code).expect("status").into_response()
                }
            },
        );
        tokio::spawn(async move { axum::serve(listener, app).await.expect("sink") });
        Self {
            addr,
            received,
            script,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn requests(&self, path: &str) -> Vec<(HeaderMap, String)> {
        let all = self.received.lock().expect("lock");
        all.iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, h, b)| (h.clone(), b.clone()))
            .collect()
    }

    fn answer(&self, codes: &[u16]) {
        self.script.lock().expect("lock").extend(codes);
    }
}

use axum::response::IntoResponse;

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn verify(secret: &str, h: &HeaderMap, body: &str) -> bool {
    let ts = header(h, "sarnakh-timestamp");
    let sig = header(h, "sarnakh-signature");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{ts}.{body}").as_bytes());
    let expected = mac.finalize().into_bytes();
    sig.strip_prefix("v1=")
        .and_then(|hex_sig| hex::decode(hex_sig).ok())
        .is_some_and(|got| got == expected.as_slice())
}

/// The app with `webhook_allow_private` on (the sink is on loopback).
fn allowing_private(mut app: TestApp) -> TestApp {
    app.services = app.services.clone().allow_private_webhooks(true);
    app.router = sarnakh_server::http::app(app.services.clone());
    app
}

async fn capture(app: &TestApp, email: &str) -> Value {
    let r = app
        .post(
            "/api/v1/leads",
            json!({ "first_name": "Hook", "email": email }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn deliveries_of(app: &TestApp, hook: &str, status: &str) -> Vec<Value> {
    let r = app
        .get(&format!(
            "/api/v1/webhooks/{hook}/deliveries?status={status}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().cloned().unwrap_or_default()
}

async fn signed_deliveries_are_retried_dead_lettered_and_replayed(app: TestApp) {
    let app = allowing_private(app);
    let sink = Sink::start().await;
    let relay = Relay::new(app.store.clone(), true, None);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({ "url": sink.url("/hook"), "events": ["lead.created"] }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let secret = created.body["secret"]
        .as_str()
        .expect("secret shown once")
        .to_owned();
    let hook = created.body["id"].as_str().expect("id").to_owned();
    let shown = app.get(&format!("/api/v1/webhooks/{hook}")).await;
    assert!(
        shown.body.get("secret").is_none(),
        "the secret is not shown again"
    );
    // A capture is delivered, signed, with the documented headers and body.
    let lead = capture(&app, "first@hooks.example").await;
    let now = Utc::now();
    let report = relay.tick(now).await.expect("tick");
    assert_eq!((report.fanned_out, report.delivered), (1, 1), "{report:?}");
    let got = sink.requests("/hook");
    assert_eq!(got.len(), 1);
    let (h, body) = &got[0];
    assert!(
        verify(&secret, h, body),
        "the signature verifies with the secret"
    );
    assert!(!verify("whsec_wrong", h, body));
    assert_eq!(header(h, "sarnakh-event"), "lead.created");
    assert_eq!(header(h, "content-type"), "application/json");
    let ts: i64 = header(h, "sarnakh-timestamp")
        .parse()
        .expect("unix seconds");
    assert!((Utc::now().timestamp() - ts).abs() < 60);
    let payload: Value = serde_json::from_str(body).expect("json");
    assert_eq!(payload["type"], "lead.created");
    assert_eq!(
        payload["subject"],
        json!({ "type": "lead", "id": lead["id"] })
    );
    let delivered = deliveries_of(&app, &hook, "delivered").await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        header(h, "sarnakh-delivery"),
        delivered[0]["id"].as_str().expect("id")
    );
    assert_eq!(delivered[0]["response_code"], 200);
    // 500s are retried with backoff (the same delivery id every time) until dead.
    sink.answer(&[500; 8]);
    capture(&app, "second@hooks.example").await;
    let mut t = now;
    for attempt in 1..=8 {
        let r = relay.tick(t).await.expect("tick");
        let (retried, dead) = if attempt < 8 { (1, 0) } else { (0, 1) };
        assert_eq!(
            (r.retried, r.dead),
            (retried, dead),
            "attempt {attempt}: {r:?}"
        );
        assert_eq!(
            relay.tick(t).await.expect("tick"),
            Default::default(),
            "not due again at once"
        );
        t += Duration::hours(8); // past the longest delay: 6 h + 20 % jitter
    }
    let attempts = sink.requests("/hook");
    assert_eq!(attempts.len(), 9);
    let ids: std::collections::HashSet<_> = attempts[1..]
        .iter()
        .map(|(h, _)| header(h, "sarnakh-delivery").to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "one idempotency key for every retry");
    let dead = deliveries_of(&app, &hook, "dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (
            dead[0]["attempts"].as_i64(),
            dead[0]["response_code"].as_i64()
        ),
        (Some(8), Some(500))
    );
    assert!(
        dead[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    );
    // Replay: delivered on the next pass with the same id and body.
    let id = dead[0]["id"].as_str().expect("id").to_owned();
    let replayed = app
        .post(
            &format!("/api/v1/webhooks/deliveries/{id}/replay"),
            json!({}),
        )
        .await;
    assert_eq!(
        (replayed.status, replayed.body["status"].as_str()),
        (StatusCode::OK, Some("pending"))
    );
    let again = app
        .post(
            &format!("/api/v1/webhooks/deliveries/{id}/replay"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(relay.tick(t).await.expect("tick").delivered, 1);
    let last = sink.requests("/hook").pop().expect("replayed");
    assert_eq!(header(&last.0, "sarnakh-delivery"), id);
    assert_eq!(last.1, attempts[1].1, "the same body");
    assert!(deliveries_of(&app, &hook, "dead").await.is_empty());
    // A redirect is not followed: the attempt fails and the target is never called.
    let r = app
        .send(
            "PATCH",
            &format!("/api/v1/webhooks/{hook}"),
            json!({ "url": sink.url("/redirect") }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    capture(&app, "third@hooks.example").await;
    assert_eq!(relay.tick(t).await.expect("tick").retried, 1);
    assert_eq!(sink.requests("/redirect").len(), 1);
    assert!(
        sink.requests("/target").is_empty(),
        "the redirect was not followed"
    );
    let pending = deliveries_of(&app, &hook, "pending").await;
    assert!(
        pending[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("not followed")),
        "{pending:?}"
    );
    assert_eq!(pending[0]["response_code"], 302);
}

async fn private_targets_are_refused_at_subscription_and_delivery(app: TestApp) {
    let sink = Sink::start().await;
    let port = sink.addr.port();
    for url in [
        sink.url("/hook"),
        format!("http://2130706433:{port}/hook"),
        format!("http://0177.0.0.1:{port}/hook"),
        format!("http://0x7f.1:{port}/hook"),
        format!("http://127.1:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        format!("http://localhost:{port}/hook"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let r = app
            .post("/api/v1/webhooks", json!({ "url": url, "events": ["*"] }))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url}: {}",
            r.body
        );
        assert_eq!(r.fields(), ["url"], "{url}");
    }
    assert_eq!(
        app.get("/api/v1/webhooks").await.body["items"],
        json!([]),
        "nothing written"
    );
    // Subscriptions saved while the setting was on (written directly here) are refused when
    // delivering: by literal address, by `localhost`, and by a name that resolves to loopback.
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let mut targets = vec![sink.url("/hook"), format!("http://localhost:{port}/hook")];
    let resolves_to_loopback = tokio::net::lookup_host((hostname.trim(), port))
        .await
        .is_ok_and(|mut a| a.all(|a| a.ip().is_loopback()));
    if resolves_to_loopback {
        targets.push(format!("http://{}:{port}/hook", hostname.trim()));
    } else {
        eprintln!(
            "the host name does not resolve to loopback here; that case is covered by the resolver's unit test only"
        );
    }
    let now = Utc::now();
    for url in &targets {
        let w = Webhook {
            id: WebhookId::new(),
            url: url.clone(),
            events: vec!["*".into()],
            active: true,
            secret: "whsec_test".into(),
            description: None,
            created_by: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        app.store.insert_webhook(&w).await.expect("insert");
    }
    capture(&app, "refused@hooks.example").await;
    let relay = Relay::new(app.store.clone(), false, None);
    let r = relay.tick(now).await.expect("tick");
    assert_eq!((r.delivered, r.retried), (0, targets.len() as u64), "{r:?}");
    assert!(
        sink.received.lock().expect("lock").is_empty(),
        "nothing reached the sink"
    );
    for w in app.store.list_webhooks().await.expect("list") {
        let d = app
            .store
            .list_deliveries(w.id, None, 10)
            .await
            .expect("deliveries");
        let error = d[0].last_error.clone().unwrap_or_default();
        assert!(error.starts_with("refused:"), "{}: {error}", w.url);
        assert!(error.contains("loopback"), "{}: {error}", w.url);
        assert_eq!(d[0].response_code, None);
    }
}

/// Two relays (two `serve` instances) on one database: every delivery is sent exactly once.
async fn two_relays_send_each_delivery_once(app: TestApp) {
    let app = allowing_private(app);
    let sink = Sink::start().await;
    let r = app
        .post(
            "/api/v1/webhooks",
            json!({ "url": sink.url("/hook"), "events": ["*"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for i in 0..40 {
        capture(&app, &format!("twin{i}@hooks.example")).await;
    }
    let (a, b) = (
        Relay::new(app.store.clone(), true, None),
        Relay::new(app.store.clone(), true, None),
    );
    let now = Utc::now();
    let mut delivered = 0;
    for _ in 0..6 {
        let (x, y) = tokio::join!(a.tick(now), b.tick(now));
        delivered += x.expect("a").delivered + y.expect("b").delivered;
    }
    assert_eq!(delivered, 40);
    let got = sink.requests("/hook");
    let ids: std::collections::HashSet<_> = got
        .iter()
        .map(|(h, _)| header(h, "sarnakh-delivery").to_owned())
        .collect();
    assert_eq!((got.len(), ids.len()), (40, 40), "each delivery sent once");
}

#[tokio::test]
async fn two_relays_send_each_delivery_once_on_sqlite() {
    two_relays_send_each_delivery_once(TestApp::new().await).await;
}

#[tokio::test]
async fn two_relays_send_each_delivery_once_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        two_relays_send_each_delivery_once(app).await;
    }
}

#[tokio::test]
async fn signed_deliveries_are_retried_dead_lettered_and_replayed_on_sqlite() {
    signed_deliveries_are_retried_dead_lettered_and_replayed(TestApp::new().await).await;
}

#[tokio::test]
async fn signed_deliveries_are_retried_dead_lettered_and_replayed_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        signed_deliveries_are_retried_dead_lettered_and_replayed(app).await;
    }
}

#[tokio::test]
async fn private_targets_are_refused_at_subscription_and_delivery_on_sqlite() {
    private_targets_are_refused_at_subscription_and_delivery(TestApp::new().await).await;
}

#[tokio::test]
async fn private_targets_are_refused_at_subscription_and_delivery_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        private_targets_are_refused_at_subscription_and_delivery(app).await;
    }
}
