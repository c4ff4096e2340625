//! Scale-out, proven: three `sarnakh serve` processes on three ports share one PostgreSQL
//! database, and a workload spread across them behaves as with one instance — a session
//! made on one works on all and ends on all, a token's rate limit is counted once across
//! them, captures are all there exactly once, each webhook delivery reaches the subscriber
//! once whichever instance relays it, and each scheduled job runs once per interval between
//! them (never twice, never overlapping).
//!
//! Runs only with `SARNAKH_TEST_POSTGRES_URL` (and fails loudly under `CI=true` without it).

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "amber lantern orchard violin";
/// Rescoring interval of the instances: 0.0005 h = 1.8 s.
const RESCORE_HOURS: &str = "0.0005";
const RESCORE_MICROS: i64 = 1_800_000;

/// A logged job run: name, holder, started and finished (microseconds), outcome.
type RunRow = (String, uuid::Uuid, i64, Option<i64>, Option<String>);

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sarnakh(db: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sarnakh");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("sarnakh output");
    assert!(
        out.status.success(),
        "sarnakh {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port()
}

fn start(db: &str, port: u16) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_sarnakh"))
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--rate-limit-per-token",
                "1",
                "--rate-limit-burst",
                "10",
                "--rescore-every-hours",
                RESCORE_HOURS,
                "--retrain-every-hours",
                "0",
                "--forecast-snapshot-every-days",
                "0",
            ])
            .env("SARNAKH_DATABASE_URL", db)
            // The test's webhook sink listens on loopback.
            .env("SARNAKH_WEBHOOK_ALLOW_PRIVATE", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sarnakh"),
    )
}

/// What the webhook sink received: (delivery id, event type, subject id) per request.
type Deliveries = std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>;

/// A local webhook subscriber on loopback that records every request and answers 200.
async fn sink() -> (String, Deliveries) {
    let received: Deliveries = Deliveries::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the sink");
    let addr = listener.local_addr().expect("sink address");
    let r = received.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
        let r = r.clone();
        async move {
            let payload: Value = serde_json::from_str(&body).unwrap_or_default();
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            r.lock().expect("lock").push((
                header("sarnakh-delivery"),
                header("sarnakh-event"),
                payload["subject"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
            axum::http::StatusCode::OK
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("sink") });
    (format!("http://{addr}/hooks"), received)
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    loop {
        let ready = client.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{base} did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn three_instances_on_one_postgres_behave_as_one() {
    let Some(db) = sarnakh_testkit::postgres::fresh_database().await else {
        return;
    };
    sarnakh(
        &db,
        &[
            "user",
            "add",
            "--email",
            "admin@scale.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    let printed = sarnakh(
        &db,
        &[
            "token",
            "create",
            "--user",
            "admin@scale.example",
            "--scope",
            "write",
        ],
        None,
    );
    let token = printed
        .split_whitespace()
        .find(|w| w.starts_with("snk_"))
        .expect("a token is printed")
        .to_owned();

    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let started = Instant::now();
    let _servers: Vec<Server> = ports.iter().map(|&p| start(&db, p)).collect();
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let client = reqwest::Client::new();
    for base in &bases {
        wait_ready(&client, base).await;
    }

    // A token's rate limit (burst 10, then 1 a second) is one bucket for all three: 30
    // quick requests spread across them get about 10 answers, not 3 x 10.
    let mut answered = 0;
    let mut limited = 0;
    let burst_started = Instant::now();
    for i in 0..30 {
        let reply = client
            .get(format!("{}/api/v1/me", bases[i % 3]))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        match reply.status() {
            StatusCode::OK => answered += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(reply.headers().contains_key("retry-after"));
                limited += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    let refill = burst_started.elapsed().as_secs() as usize;
    assert!(
        (10..=11 + refill).contains(&answered) && answered + limited == 30,
        "answered {answered}, limited {limited} in {refill} s: the burst must be shared"
    );

    // A session made on one instance works on the others.
    let signed = client
        .post(format!("{}/api/v1/session", bases[0]))
        .json(&json!({ "email": "admin@scale.example", "password": PASSWORD }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status(), StatusCode::CREATED);
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    for base in &bases {
        let me = client
            .get(format!("{base}/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), StatusCode::OK, "the session works on {base}");
    }

    // A webhook subscription made on one instance is relayed by all of them.
    let (hook_url, delivered) = sink().await;
    let hook = client
        .post(format!("{}/api/v1/webhooks", bases[0]))
        .header("cookie", &cookie)
        .header("origin", &bases[0])
        .json(&json!({ "url": hook_url, "events": ["lead.created"] }))
        .send()
        .await
        .expect("subscribe");
    assert_eq!(
        hook.status(),
        StatusCode::CREATED,
        "{:?}",
        hook.text().await
    );

    // Captures spread across the instances are all stored, once each.
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..30 {
        let base = &bases[i % 3];
        let created = client
            .post(format!("{base}/api/v1/leads"))
            .header("cookie", &cookie)
            .header("origin", base)
            .json(&json!({
                "first_name": format!("Ana{i}"),
                "last_name": "Scale",
                "email": format!("ana{i}@scale-{i}.example"),
                "company": format!("Scale {i} SRL"),
                "country": "RO",
                "source": "web_form"
            }))
            .send()
            .await
            .expect("capture");
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "capture {i} on {base}"
        );
        let body: Value = created.json().await.expect("json");
        ids.insert(body["id"].as_str().expect("id").to_owned());
    }
    assert_eq!(ids.len(), 30);
    let listed: Value = client
        .get(format!("{}/api/v1/leads?limit=100", bases[2]))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let listed: std::collections::BTreeSet<String> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(listed, ids, "every instance sees every capture");

    // Every capture's lead.created reaches the subscriber exactly once: the relays of three
    // instances share the outbox without sending a delivery twice.
    let waited = Instant::now();
    while delivered.lock().expect("lock").len() < ids.len()
        && waited.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // room for a duplicate to show up
    let got = delivered.lock().expect("lock").clone();
    assert_eq!(got.len(), ids.len(), "one request per capture: {got:?}");
    let leads: std::collections::BTreeSet<String> = got.iter().map(|d| d.2.clone()).collect();
    let deliveries: std::collections::BTreeSet<&String> = got.iter().map(|d| &d.0).collect();
    assert_eq!(leads, ids, "each captured lead announced once");
    assert_eq!(deliveries.len(), ids.len(), "distinct delivery ids");
    assert!(got.iter().all(|d| d.1 == "lead.created"), "{got:?}");

    // Signing out on one instance ends the session on all.
    let out = client
        .delete(format!("{}/api/v1/session", bases[1]))
        .header("cookie", &cookie)
        .header("origin", &bases[1])
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    for base in &bases {
        let me = client
            .get(format!("{base}/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("me");
        assert_eq!(
            me.status(),
            StatusCode::UNAUTHORIZED,
            "signed out on {base}"
        );
    }

    // Scheduled jobs: the instances check each job every 1.8 s or more often after a 5 s
    // start delay; run them for a while and read the shared run log.
    let wanted = Duration::from_secs(13);
    if let Some(left) = wanted.checked_sub(started.elapsed()) {
        tokio::time::sleep(left).await;
    }
    let pool = sqlx::PgPool::connect(&db).await.expect("connect");
    let runs: Vec<RunRow> = sqlx::query_as(
        "select name, holder, started_at, finished_at, outcome from job_runs order by started_at",
    )
    .fetch_all(&pool)
    .await
    .expect("job runs");
    let rescores: Vec<_> = runs.iter().filter(|r| r.0 == "rescore").collect();
    assert!(
        rescores.len() >= 3,
        "rescoring ran {} times in 13 s with a 1.8 s interval: {runs:?}",
        rescores.len()
    );
    for pair in rescores.windows(2) {
        let (earlier, later) = (pair[0], pair[1]);
        assert!(
            later.2 - earlier.2 >= RESCORE_MICROS,
            "two rescoring runs started {} us apart, under the interval: {rescores:?}",
            later.2 - earlier.2
        );
        let finished = earlier.3.expect("an earlier run has finished");
        assert!(later.2 >= finished, "runs overlap: {rescores:?}");
    }
    assert!(
        rescores.iter().all(|r| r.4.as_deref() == Some("success")),
        "{rescores:?}"
    );
    let prunes = runs.iter().filter(|r| r.0 == "prune").count();
    assert_eq!(
        prunes, 1,
        "the hourly prune ran once between three instances: {runs:?}"
    );
    let holders: std::collections::BTreeSet<_> = runs.iter().map(|r| r.1).collect();
    assert!(holders.len() <= 3, "{runs:?}");
    pool.close().await;
}
