//! The relay inside a real `sarnakh serve` process: a webhook added with the CLI, a lead
//! captured with another CLI process (any write path emits events), and the signed POST
//! arriving at a local sink within seconds. `SARNAKH_WEBHOOK_ALLOW_PRIVATE` lets the sink
//! on loopback be reached.

use axum::http::HeaderMap;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sarnakh(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .env("SARNAKH_WEBHOOK_ALLOW_PRIVATE", "true")
        .env_remove("SARNAKH_CONFIG")
        .output()
        .expect("run sarnakh")
}

#[tokio::test]
async fn serve_delivers_a_cli_captured_lead_to_a_subscribed_sink() {
    let received: Arc<Mutex<Vec<(HeaderMap, String)>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let sink = listener.local_addr().expect("addr");
    let r = received.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
        let r = r.clone();
        async move {
            r.lock().expect("lock").push((headers, body));
            "ok"
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("sink") });

    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("relay.db").display());
    let url = format!("http://{sink}/hook");
    let added = sarnakh(
        &db,
        &["webhook", "add", "--url", &url, "--events", "lead.created"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_sarnakh"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("SARNAKH_DATABASE_URL", &db)
            .env("SARNAKH_WEBHOOK_ALLOW_PRIVATE", "true")
            .env_remove("SARNAKH_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sarnakh"),
    );
    let lead = sarnakh(
        &db,
        &[
            "lead",
            "add",
            "--first-name",
            "Relay",
            "--email",
            "relay@serve.example",
        ],
    );
    assert!(
        lead.status.success(),
        "{}",
        String::from_utf8_lossy(&lead.stderr)
    );
    let started = Instant::now();
    while received.lock().expect("lock").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no delivery within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = received.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "delivered once");
    let (headers, body) = &got[0];
    assert_eq!(
        headers.get("sarnakh-event").and_then(|v| v.to_str().ok()),
        Some("lead.created")
    );
    assert!(headers.contains_key("sarnakh-signature"));
    let payload: serde_json::Value = serde_json::from_str(body).expect("json");
    assert_eq!(payload["type"], "lead.created");
}
