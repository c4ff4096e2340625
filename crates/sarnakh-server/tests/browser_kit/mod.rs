//! The harness of the browser tests: chromedriver on a free port (or a skip when it is not
//! installed, a failure under `CI=true`), a headless Chromium session, Sarnakh on a loopback
//! port over a fresh SQLite file, a rep with leads and a deal whose text fields hold script
//! payloads, screenshots to `target/screenshots/`, and waits for what a page shows after a click.

#![allow(
    dead_code,
    reason = "each browser test uses a different subset of the helpers"
)]

pub mod settings;

use fantoccini::{Client, ClientBuilder, Locator};
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::opportunity::OpportunityDraft;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::{Actor, ConvertDraft, LifecycleInput, Services};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

pub const PAYLOADS: [&str; 3] = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "\"><svg onload=\"window.__pwned=1\">",
];

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// chromedriver on a free port, or `None` (skip) when it is not installed outside CI.
pub async fn driver() -> Option<(Driver, u16)> {
    let port = free_port();
    let spawned = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => c,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs chromedriver (scripts/install-browser.sh): {e}")
        }
        Err(_) => {
            eprintln!("skipped: chromedriver is not installed (run scripts/install-browser.sh)");
            return None;
        }
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((Driver(child), port));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

pub async fn browser(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--disable-dev-shm-usage"] }),
    );
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session")
}

/// Sarnakh on a loopback port over a fresh SQLite file.
pub async fn sarnakh() -> (SocketAddr, Services) {
    let dir = std::env::temp_dir().join(format!("sarnakh-browser-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("ui.db").display());
    let store = sarnakh_store_sqlite::SqliteStore::open(&url)
        .await
        .expect("store");
    let services = Services::new(Arc::new(store));
    let app = sarnakh_server::http::app(services.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    (addr, services)
}

/// A rep speaking `locale`, with a lead that has every fit fact and script payloads in its
/// text fields; returns the password.
pub async fn rep_with_lead(services: &Services, email: &str, locale: &str) -> String {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(PAYLOADS[1].into()),
        role: Some("sales_rep".into()),
        locale: Some(locale.into()),
        ..UserDraft::default()
    };
    let (user, password) = services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("add user");
    let lead = LeadDraft {
        first_name: Some(format!("Reza {}", PAYLOADS[0])),
        last_name: Some(PAYLOADS[1].into()),
        email: Some(format!("reza.{locale}@ui.example")),
        company: Some(PAYLOADS[2].into()),
        industry: Some("Retail".into()),
        company_size: Some(80),
        need: Some(PAYLOADS[0].into()),
        decision_role: Some("decision_maker".into()),
        owner_id: Some(user.id),
        ..LeadDraft::default()
    };
    services
        .capture_lead(&Actor::SYSTEM, &lead)
        .await
        .expect("capture");
    let other = LeadDraft {
        first_name: Some("Ioana".into()),
        email: Some(format!("ioana.{locale}@ui.example")),
        company: Some(format!("Carpati {locale}")),
        ..lead
    };
    let other = services
        .capture_lead(&Actor::SYSTEM, &other)
        .await
        .expect("capture");
    services
        .qualify_lead(&Actor::SYSTEM, other.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let convert = ConvertDraft {
        opportunities: vec![OpportunityDraft {
            name: Some(format!("Rollout {}", PAYLOADS[2])),
            amount: Some("12000.50".into()),
            currency: Some("EUR".into()),
            ..OpportunityDraft::default()
        }],
        ..ConvertDraft::default()
    };
    services
        .convert_lead(&Actor::SYSTEM, other.id, &convert)
        .await
        .expect("convert");
    password
}

pub async fn shot(c: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// Waits until the element at `css` reads `expected` (after a click that reloads the page).
pub async fn wait_text(c: &Client, css: &str, expected: &str) {
    let mut seen = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(text) = e.text().await
        {
            if text == expected {
                return;
            }
            seen = text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never read {expected:?}; last {seen:?}");
}

/// Waits until the element at `css` holds `part` (after a click that reloads the page).
pub async fn wait_contains(c: &Client, css: &str, part: &str) {
    let mut seen = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(text) = e.text().await
        {
            if text.contains(part) {
                return;
            }
            seen = text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never held {part:?}; last {seen:?}");
}

/// Waits until the browser shows `path` (after a click that navigates).
pub async fn arrive(c: &Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.is_ok_and(|u| u.path() == path) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    panic!(
        "never reached {path}; at {url}: {}",
        c.source().await.unwrap_or_default()
    );
}

pub async fn not_pwned(c: &Client) {
    let flag = c
        .execute("return window.__pwned === undefined;", vec![])
        .await
        .expect("script");
    assert_eq!(flag, serde_json::json!(true), "a stored payload ran");
}
