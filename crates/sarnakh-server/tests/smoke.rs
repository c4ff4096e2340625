//! Smoke test of the real binary on a real TCP port: start `sarnakh serve`, wait for
//! readiness, capture and read a lead over HTTP, stop it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_the_api_on_a_real_port() {
    let dir = std::env::temp_dir().join(format!("sarnakh-smoke-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = format!("sqlite://{}", dir.join("smoke.db").display());
    let admin = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args([
            "user",
            "add",
            "--email",
            "admin@smoke.example",
            "--role",
            "admin",
        ])
        .env("SARNAKH_DATABASE_URL", &db)
        .output()
        .expect("add admin");
    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args([
            "token",
            "create",
            "--user",
            "admin@smoke.example",
            "--scope",
            "write",
        ])
        .env("SARNAKH_DATABASE_URL", &db)
        .output()
        .expect("create token");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
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
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_sarnakh"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env(
                "SARNAKH_DATABASE_URL",
                format!("sqlite://{}", dir.join("smoke.db").display()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sarnakh"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let ready = client.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "sarnakh did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let created: serde_json::Value = client
        .post(format!("{base}/api/v1/leads"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "first_name": "Ion", "last_name": "Popescu", "phone": "0721 234 567", "country": "RO", "source": "inbound_call" }))
        .send().await.expect("post").json().await.expect("json");
    let id = created["id"].as_str().expect("id");
    let read: serde_json::Value = client
        .get(format!("{base}/api/v1/leads/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (read["phone"].as_str(), read["source"].as_str()),
        (Some("+40721234567"), Some("inbound_call"))
    );
}
