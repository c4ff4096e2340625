//! The scenarios. Each measures the application over real HTTP and, beside it, the
//! limit: the same database work done by a minimal raw loop without the application.
//!
//! Numbering follows the performance issue. Implemented: 1 capture, 2 events, 3 import,
//! 4 lists, 5 reports, 6 lifecycle, 7 mixed, and the web UI's pages. To add one: a module here with a
//! `run(&Ctx) -> Result<Vec<CaseResult>>`, a variant of [`ScenarioName`] and an arm below.

pub mod capture;
pub mod events;
mod events_batch;
pub mod import;
mod import_file;
mod import_raw;
pub mod lifecycle;
mod lifecycle_raw;
pub mod lists;
pub mod mixed;
pub mod pages;
pub mod reports;

use crate::measure::Stats;
use crate::options::{Options, ScenarioName};
use crate::target::Target;
use anyhow::Result;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

/// What a scenario can reach.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The options of the run.
    pub opts: &'a Options,
    /// The database.
    pub target: &'a Target,
    /// The in-process server.
    pub addr: SocketAddr,
    /// Leads generated.
    pub scale: u64,
    /// The API token the requests carry.
    pub auth: &'a Auth,
    /// Notes for the report (a scenario skipped, and why).
    pub notes: &'a Mutex<Vec<String>>,
}

/// The bench's identity: an admin user of the generated company and its API token.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The admin user.
    pub user_id: uuid::Uuid,
    /// The token's id (recorded in history by the application).
    pub token_id: uuid::Uuid,
    /// The secret sent as `Authorization: Bearer ...`.
    pub secret: String,
}

impl Ctx<'_> {
    /// A client of the in-process server with `connections` pooled connections.
    pub fn api(&self, connections: usize) -> Result<crate::client::Api> {
        crate::client::Api::new(self.addr, connections, &self.auth.secret)
    }

    /// True on SQLite.
    pub fn sqlite(&self) -> bool {
        self.target.backend == crate::options::Backend::Sqlite
    }

    /// Adds a note to the report.
    pub fn note(&self, note: impl Into<String>) {
        self.notes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(note.into());
    }

    /// The time budget of one measured loop.
    pub fn budget(&self) -> Duration {
        Duration::from_secs(self.opts.budget_secs.max(1))
    }
}

/// How a case's Sarnakh / limit ratio is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioBasis {
    /// Limit throughput / Sarnakh throughput (time per operation).
    Throughput,
    /// Sarnakh p50 / limit p50 (latency of one request).
    P50,
    /// Sarnakh p99 / limit p99.
    P99,
}

/// One measured case of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// Scenario name.
    pub scenario: &'static str,
    /// Case within it (concurrency, list ...).
    pub case: String,
    /// Concurrent clients.
    pub concurrency: usize,
    /// Rows on the first answer, where it is a list page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Event counts and rates, for the events scenario (whose `sarnakh` and `limit` count
    /// batches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<events::EventFigures>,
    /// Wall time, peak memory and the printed accounting, for the import scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<import::ImportFigures>,
    /// The application over HTTP.
    pub sarnakh: Stats,
    /// The raw limit.
    pub limit: Option<Stats>,
    /// Sarnakh cost / limit cost (>= 1 means slower than the limit).
    pub ratio: Option<f64>,
    /// What the ratio compares.
    pub ratio_basis: RatioBasis,
}

impl CaseResult {
    /// A case with its ratio computed.
    pub fn new(
        scenario: &'static str,
        case: String,
        concurrency: usize,
        sarnakh: Stats,
        limit: Option<Stats>,
        basis: RatioBasis,
    ) -> Self {
        let ratio = limit.as_ref().and_then(|l| {
            let (num, den) = match basis {
                RatioBasis::Throughput => (l.per_second, sarnakh.per_second),
                RatioBasis::P50 => (sarnakh.p50_ms, l.p50_ms),
                RatioBasis::P99 => (sarnakh.p99_ms, l.p99_ms),
            };
            (den > 0.0).then(|| num / den)
        });
        Self {
            scenario,
            case,
            concurrency,
            rows: None,
            events: None,
            import: None,
            sarnakh,
            limit,
            ratio,
            ratio_basis: basis,
        }
    }
}

/// Runs one scenario.
pub async fn run(ctx: &Ctx<'_>, name: ScenarioName) -> Result<Vec<CaseResult>> {
    match name {
        ScenarioName::Capture => capture::run(ctx).await,
        ScenarioName::Events => events::run(ctx).await,
        ScenarioName::Import => import::run(ctx).await,
        ScenarioName::Lists => lists::run(ctx).await,
        ScenarioName::Lifecycle => lifecycle::run(ctx).await,
        ScenarioName::Reports => reports::run(ctx).await,
        ScenarioName::Pages => pages::run(ctx).await,
        ScenarioName::Mixed => mixed::run(ctx).await,
        ScenarioName::All => Ok(Vec::new()),
    }
}
