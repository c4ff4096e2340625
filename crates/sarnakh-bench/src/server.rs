//! The application under test, served in-process over real HTTP on a random loopback port.

use anyhow::{Context, Result};
use sarnakh_core::service::Services;
use sarnakh_core::store::Store;
use sarnakh_server::http::limits::RateLimits;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running in-process server; stop it with [`ServerHandle::stop`].
#[derive(Debug)]
pub struct ServerHandle {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

/// The per-token rate limit the bench serves with: high enough never to refuse the load
/// (the default, 100/s with a burst of 1,000, is a policy, not a capacity), while every
/// request still passes through the limiter's check — in the database on PostgreSQL
/// (`shared`), as `sarnakh serve` does there, so the bench pays what production pays.
pub fn bench_rate_limits(shared: bool) -> RateLimits {
    RateLimits {
        per_token_per_second: 1_000_000_000,
        per_token_burst: 1_000_000_000,
        form_per_ip_per_minute: 0,
        form_per_second: 0,
        shared,
    }
}

/// Builds the real router (`sarnakh_server::http::app_with`, see [`bench_rate_limits`])
/// over `store` and serves it on `127.0.0.1:0`. The only place the bench builds the
/// application.
pub async fn start(
    store: Arc<dyn Store>,
    shared_limits: bool,
) -> Result<(SocketAddr, ServerHandle)> {
    let app =
        sarnakh_server::http::app_with(Services::new(store), bench_rate_limits(shared_limits));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a loopback port")?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok((addr, ServerHandle { shutdown, task }))
}

impl ServerHandle {
    /// Stops accepting connections and waits for the server to finish.
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(());
        self.task
            .await
            .context("server task panicked")?
            .context("server failed")
    }
}
