//! Sarnakh's performance harness: a scale generator that writes a realistic company
//! directly into a fresh database, the scenarios measured over real HTTP against the real
//! application (served in-process on loopback), the raw database limit measured in the
//! same run, and a report as a table or JSON. See `docs/PERFORMANCE.md`.

pub mod client;
pub mod datagen;
pub mod db;
pub mod measure;
pub mod options;
pub mod process;
pub mod report;
pub mod scenario;
pub mod server;
pub mod target;

use anyhow::{Context, Result};
use options::Options;
use report::{Report, RunReport};
use sarnakh_core::domain::{TokenScope, UserId};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;
use target::Target;

/// Runs every requested scale and scenario and returns the report.
pub async fn run(opts: &Options) -> Result<Report> {
    let mut runs = Vec::new();
    for &scale in &opts.scale {
        let target = Target::create(opts, scale).await?;
        let result = run_scale(opts, &target, scale).await;
        target.cleanup().await?;
        runs.push(result.with_context(|| format!("run at {scale} leads"))?);
    }
    Ok(Report {
        version: env!("CARGO_PKG_VERSION"),
        date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        database: opts.database,
        runs,
    })
}

async fn run_scale(opts: &Options, target: &Target, scale: u64) -> Result<RunReport> {
    // The store applies the migrations, then steps aside while the generator loads the rows
    // alone (on SQLite the bulk load needs the only connection), and opens again after.
    drop(
        target
            .open_store()
            .await
            .context("opening the store (migrations)")?,
    );
    let bulk = target.bulk().await?;
    let generated = datagen::generate(&bulk, scale, opts.seed, opts.deals_per_conversion)
        .await
        .context("generating data")?;
    bulk.close().await;
    let store = target
        .open_store()
        .await
        .context("opening the store again")?;
    let database_bytes = target.file_bytes();
    let auth = token(&store, generated.admin).await?;
    let shared_limits = target.backend == options::Backend::Postgres;
    let (addr, server) = server::start(store, shared_limits).await?;
    let notes = std::sync::Mutex::new(Vec::new());
    let ctx = scenario::Ctx {
        opts,
        target,
        addr,
        scale,
        auth: &auth,
        notes: &notes,
    };
    let mut cases = Vec::new();
    for name in opts.scenarios() {
        cases.extend(
            scenario::run(&ctx, name)
                .await
                .with_context(|| format!("scenario {name:?}"))?,
        );
    }
    server.stop().await?;
    let (probe, server_note) = match (opts.no_server_probe, process::server_binary(opts)) {
        (true, _) => (None, Some("--no-server-probe".to_owned())),
        (false, None) => (None, Some("no sarnakh binary next to sarnakh-bench; build it with `cargo build --release -p sarnakh-server` or pass --server-bin".to_owned())),
        (false, Some(bin)) => match process::probe(opts, target, bin, &auth.secret).await {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(format!("probe failed: {e:#}"))),
        },
    };
    let targets = report::targets(&cases, probe.as_ref(), scale);
    Ok(RunReport {
        scale,
        generate: generated,
        database_bytes,
        cases,
        server: probe,
        server_note,
        notes: notes
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        targets,
    })
}

/// An API token for the generated company's admin, created through the real use case.
async fn token(store: &Arc<dyn Store>, admin: uuid::Uuid) -> Result<scenario::Auth> {
    let services = Services::new(store.clone());
    let user = UserId::from_uuid(admin);
    let (token, secret) = services
        .create_token(&Actor::SYSTEM, user, "sarnakh-bench", TokenScope::Write)
        .await
        .map_err(|e| anyhow::anyhow!("creating the bench's API token: {e}"))?;
    Ok(scenario::Auth {
        user_id: admin,
        token_id: token.id.as_uuid(),
        secret,
    })
}
