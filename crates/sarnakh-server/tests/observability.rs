//! Request ids, JSON logs and `/metrics`: the real binary on a real port for what a
//! client and an operator see, and the router in-process for access rules and 5xx bodies.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sarnakh_core::service::Services;
use sarnakh_server::http::metrics::MetricsAccess;
use sarnakh_server::store_url::open_store;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tower::ServiceExt;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sarnakh(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .current_dir(dir)
        .env("SARNAKH_DATABASE_URL", "sqlite://obs.db")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sarnakh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn requests_carry_ids_into_headers_and_json_logs_and_are_counted_by_route() {
    let dir = tempfile::tempdir().expect("temp dir");
    sarnakh(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "ops@obs.example",
            "--role",
            "admin",
        ],
    );
    let printed = sarnakh(
        dir.path(),
        &[
            "token",
            "create",
            "--user",
            "ops@obs.example",
            "--scope",
            "write",
        ],
    );
    let token = printed
        .split_whitespace()
        .find(|w| w.starts_with("snk_"))
        .expect("a token is printed")
        .to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let log = dir.path().join("serve.log");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_sarnakh"))
            .args([
                "serve",
                "--log-format",
                "json",
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .current_dir(dir.path())
            .env("SARNAKH_DATABASE_URL", "sqlite://obs.db")
            .env("SARNAKH_RETRAIN_EVERY_HOURS", "0")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start sarnakh"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(started.elapsed() < Duration::from_secs(20), "not ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let id_of = |r: &reqwest::Response| {
        r.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    let first = id_of(
        &client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("get"),
    );
    let second = id_of(
        &client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("get"),
    );
    assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
    assert_ne!(first, second, "every generated id is new");
    let insane = "x".repeat(300);
    let replaced = client
        .get(format!("{base}/healthz"))
        .header("x-request-id", &insane)
        .send()
        .await
        .expect("get");
    assert!(
        uuid::Uuid::parse_str(&id_of(&replaced)).is_ok(),
        "a 300-character id is replaced"
    );

    let created = client
        .post(format!("{base}/api/v1/leads"))
        .bearer_auth(&token)
        .header("x-request-id", "trace-4711.obs")
        .json(&serde_json::json!({ "first_name": "Ion", "email": "ion@obs.example", "source": "api" }))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    assert_eq!(id_of(&created), "trace-4711.obs");
    let lead: serde_json::Value = created.json().await.expect("json");
    let id = lead["id"].as_str().expect("id");
    let read = client
        .get(format!("{base}/api/v1/leads/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert!(read.status().is_success());

    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(
        metrics.status(),
        reqwest::StatusCode::OK,
        "loopback may read /metrics"
    );
    let text = metrics.text().await.expect("text");
    for expected in [
        r#"sarnakh_http_requests_total{method="POST",route="/api/v1/leads",status="2xx"} 1"#,
        r#"sarnakh_http_requests_total{method="GET",route="/api/v1/leads/{id}",status="2xx"} 1"#,
        r#"sarnakh_http_request_duration_seconds_bucket{method="POST",route="/api/v1/leads",status="2xx",le="0.005"}"#,
        r#"sarnakh_leads_captured_total{source="api"} 1"#,
        r#"sarnakh_import_jobs{status="queued"} 0"#,
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(!text.contains(id), "no raw path in a label");

    // The log line of the capture names its request id, in JSON.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logs = std::fs::read_to_string(&log).expect("log");
    let line = logs
        .lines()
        .filter(|l| l.contains("trace-4711.obs"))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("every line is JSON"))
        .find(|l| l["fields"]["message"] == "request")
        .unwrap_or_else(|| panic!("no access log line with the id in:\n{logs}"));
    assert_eq!(line["span"]["request_id"], "trace-4711.obs");
    assert_eq!(line["span"]["route"], "/api/v1/leads");
    assert!(!logs.contains(&token), "no token in the logs");
}

async fn app(dir: &std::path::Path) -> axum::Router {
    let url = format!("sqlite://{}", dir.join("m.db").display());
    let store = open_store(&url).await.expect("open");
    sarnakh_server::http::app(Services::new(store))
}

async fn status_of(app: axum::Router, auth: Option<&str>) -> StatusCode {
    let mut request = Request::get("/metrics");
    if let Some(token) = auth {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    app.oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response")
        .status()
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set_and_a_loopback_client_otherwise() {
    let dir = tempfile::tempdir().expect("temp dir");
    let open = app(dir.path()).await;
    assert_eq!(
        status_of(open, None).await,
        StatusCode::FORBIDDEN,
        "unknown peer"
    );
    let guarded = || async {
        app(dir.path()).await.layer(axum::Extension(MetricsAccess {
            token: Some("scrape-me".into()),
        }))
    };
    assert_eq!(
        status_of(guarded().await, None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(guarded().await, Some("wrong")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(guarded().await, Some("scrape-me")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_server_error_body_names_the_request_id_of_its_header() {
    use sarnakh_server::http::error::ApiError;
    let app = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something failed",
                )
            }),
        )
        .layer(axum::middleware::from_fn(
            sarnakh_server::http::request_id::assign,
        ));
    let response = app
        .oneshot(Request::get("/boom").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let problem: serde_json::Value = serde_json::from_slice(&body).expect("problem");
    assert_eq!(problem["request_id"], id.as_str());
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains(&id)));
}
