//! In-process API test harness: a fresh SQLite database per test and one helper to send a
//! request through the router (no network).

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sarnakh_core::service::Services;
use sarnakh_core::store::Store;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

/// The app under test, its store, and an admin's read-write token sent by default.
pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub services: Services,
    pub token: String,
    /// The SQLite file's directory, removed when the app is dropped.
    _dir: Option<tempfile::TempDir>,
}

/// A response: status, headers and parsed JSON body (Null when empty).
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The problem `code`, for error replies.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The `field` of each entry in `errors`.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    /// An app on a fresh SQLite file.
    pub async fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sarnakh-api-")
            .tempdir()
            .expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("api.db").display());
        let store: Arc<dyn Store> = Arc::new(
            sarnakh_store_sqlite::SqliteStore::open(&url)
                .await
                .expect("open store"),
        );
        Self {
            _dir: Some(dir),
            ..Self::with_store(store).await
        }
    }

    /// An app on a fresh PostgreSQL database, or `None` when PostgreSQL tests are skipped.
    pub async fn postgres() -> Option<Self> {
        let url = sarnakh_testkit::postgres::fresh_database().await?;
        let store = sarnakh_store_postgres::PostgresStore::open_with(&url, 4)
            .await
            .expect("open postgres");
        Some(Self::with_store(Arc::new(store)).await)
    }

    /// An app on `store`, with an admin token.
    pub async fn with_store(store: Arc<dyn Store>) -> Self {
        let services = Services::new(store.clone());
        let router = sarnakh_server::http::app(services.clone());
        let mut app = Self {
            router,
            store,
            services,
            token: String::new(),
            _dir: None,
        };
        app.token = app
            .token_for("admin@test.example", "admin", None, "write")
            .await;
        app
    }

    /// Sends raw bytes with the given content type and extra headers.
    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        let response = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        if status.is_client_error() || status.is_server_error() {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert_eq!(
                ct, "application/problem+json",
                "{method} {uri} answered {status} without problem+json: {body}"
            );
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.raw("GET", uri, None, Vec::new(), &[]).await
    }

    pub async fn send(&self, method: &str, uri: &str, body: Value) -> Reply {
        self.raw(
            method,
            uri,
            Some("application/json"),
            body.to_string().into_bytes(),
            &[],
        )
        .await
    }

    pub async fn send_if_match(&self, method: &str, uri: &str, body: Value, version: i64) -> Reply {
        let tag = format!("\"{version}\"");
        self.raw(
            method,
            uri,
            Some("application/json"),
            body.to_string().into_bytes(),
            &[("if-match", &tag)],
        )
        .await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.send("POST", uri, body).await
    }

    /// Adds a user and returns a token of `scope` (`read` or `write`) for them.
    pub async fn token_for(
        &self,
        email: &str,
        role: &str,
        team: Option<&str>,
        scope: &str,
    ) -> String {
        use sarnakh_core::domain::TokenScope;
        use sarnakh_core::domain::user::UserDraft;
        use sarnakh_core::service::Actor;
        let draft = UserDraft {
            email: Some(email.into()),
            display_name: Some(email.into()),
            role: Some(role.into()),
            team: team.map(Into::into),
            ..UserDraft::default()
        };
        let (user, _) = self
            .services
            .add_user(&Actor::SYSTEM, &draft, None)
            .await
            .expect("add user");
        let scope = TokenScope::parse(scope).expect("scope");
        self.services
            .create_token(&Actor::SYSTEM, user.id, "test", scope)
            .await
            .expect("token")
            .1
    }

    /// Sends a request as the holder of `token` ("" for none).
    pub async fn as_user(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> Reply {
        let bearer = if token.is_empty() {
            String::new()
        } else {
            format!("Bearer {token}")
        };
        let (ct, bytes) = match body {
            Some(b) => (Some("application/json"), b.to_string().into_bytes()),
            None => (None, Vec::new()),
        };
        self.raw(method, uri, ct, bytes, &[("authorization", &bearer)])
            .await
    }

    /// How many leads exist, to prove a refused request wrote nothing.
    pub async fn lead_count(&self) -> usize {
        self.get("/api/v1/leads?limit=200").await.body["items"]
            .as_array()
            .map_or(0, Vec::len)
    }

    /// Captures a lead with every fit fact; returns its JSON.
    pub async fn qualified_lead(&self, first: &str, company: &str) -> Value {
        let r = self.post("/api/v1/leads", json!({
            "first_name": first, "last_name": "Karimi", "email": format!("{}@{}.example", first.to_lowercase(), company.to_lowercase().replace(' ', "")),
            "company": company, "company_size": 80, "industry": "Retail", "need": "Leads are lost in spreadsheets",
            "decision_role": "decision_maker", "source": "webinar"
        })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }
}
