//! The loopback HTTP client. Every request is built by [`Api::request`], which adds the
//! `Authorization: Bearer <token>` header the API requires.

use anyhow::{Context, Result, bail};
use axum::body::Bytes;
use reqwest::{Method, RequestBuilder};
use std::net::SocketAddr;
use std::time::Duration;

/// A keep-alive client for one server, with at most `connections` pooled connections.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: std::sync::Arc<str>,
}

impl Api {
    /// A client for the server at `addr` (must be a loopback address) that authenticates
    /// with the API token `token`.
    pub fn new(addr: SocketAddr, connections: usize, token: &str) -> Result<Self> {
        Self::with_timeout(addr, connections, token, Duration::from_secs(30))
    }

    /// As [`Api::new`], with a per-request `timeout` (large event batches may queue longer).
    pub fn with_timeout(
        addr: SocketAddr,
        connections: usize,
        token: &str,
        timeout: Duration,
    ) -> Result<Self> {
        if !addr.ip().is_loopback() {
            bail!("the bench only sends traffic to loopback addresses, not {addr}");
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(connections.max(1))
            .timeout(timeout)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base: format!("http://{addr}"),
            token: token.into(),
        })
    }

    /// The one place a request is built: method, URL and credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// `POST path` with a JSON body; the answer's JSON when the status is 2xx.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let response = self.request(Method::POST, path).json(body).send().await?;
        read(response, path).await
    }

    /// `POST path` with a body already serialised to JSON (the client's own serialisation
    /// stays out of the measurement); the answer's JSON when the status is 2xx.
    pub async fn post_json_bytes(&self, path: &str, body: Bytes) -> Result<serde_json::Value> {
        let response = self
            .request(Method::POST, path)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await?;
        read(response, path).await
    }

    /// `GET path`; the answer's JSON when the status is 2xx.
    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let response = self.request(Method::GET, path).send().await?;
        read(response, path).await
    }

    /// `GET path`; the body's size in bytes when the status is 2xx (body not parsed).
    pub async fn get_bytes(&self, path: &str) -> Result<usize> {
        let response = self.request(Method::GET, path).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("GET {path}: {status}: {}", String::from_utf8_lossy(&body));
        }
        Ok(body.len())
    }
}

async fn read(response: reqwest::Response, path: &str) -> Result<serde_json::Value> {
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!("{path}: {status}: {}", String::from_utf8_lossy(&body));
    }
    serde_json::from_slice(&body).with_context(|| format!("{path}: the answer is not JSON"))
}
