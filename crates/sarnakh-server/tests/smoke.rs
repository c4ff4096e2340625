//! Smoke test of the real binary on a real TCP port: start `sarnakh serve`, wait for
//! readiness, capture and read a lead over HTTP, stop it. And the allocator settings the
//! binary starts itself with.

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
    let (_server, base) = serve(&db, &[]).await;
    let client = reqwest::Client::new();
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

/// Starts `sarnakh serve` on `db` with `env` added, on a free port, and waits until it is
/// ready; returns the server and its base URL.
async fn serve(db: &str, env: &[(&str, &str)]) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_sarnakh"));
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("SARNAKH_DATABASE_URL", db)
        .env_remove("MALLOC_ARENA_MAX")
        .env_remove("MALLOC_MMAP_THRESHOLD_")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let server = Server(command.spawn().expect("start sarnakh"));
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
    (server, base)
}

/// The environment the running process `pid` was started with (after it started itself
/// again), as `NAME=value` strings.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn environment_of(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .expect("the server's environment")
        .split(|b| *b == 0)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[tokio::test]
async fn the_server_runs_with_two_allocator_arenas_unless_the_operator_chose() {
    let dir = std::env::temp_dir().join(format!("sarnakh-malloc-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = format!("sqlite://{}", dir.join("malloc.db").display());
    let (server, _) = serve(&db, &[]).await;
    let env = environment_of(server.0.id());
    for setting in ["MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072"] {
        assert!(env.iter().any(|v| v == setting), "{setting} not in {env:?}");
    }
    drop(server);
    // An operator's own value is kept; the other setting is still added.
    let (server, _) = serve(&db, &[("MALLOC_ARENA_MAX", "4")]).await;
    let env = environment_of(server.0.id());
    assert!(env.iter().any(|v| v == "MALLOC_ARENA_MAX=4"), "{env:?}");
    assert!(!env.iter().any(|v| v == "MALLOC_ARENA_MAX=2"), "{env:?}");
    assert!(
        env.iter().any(|v| v == "MALLOC_MMAP_THRESHOLD_=131072"),
        "{env:?}"
    );
}
