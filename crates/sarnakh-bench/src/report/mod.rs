//! The report: JSON (`--json`, for comparing commits) and a human table, plus the issue's
//! targets checked against what this run measured.

use crate::datagen::GenReport;
use crate::process::ServerProbe;
use crate::scenario::import::ImportFigures;
use crate::scenario::{CaseResult, RatioBasis};
use serde::Serialize;

mod table;

pub use table::table;

/// Everything one invocation measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `sarnakh-bench` version.
    pub version: &'static str,
    /// When the run finished (UTC, RFC 3339).
    pub date: String,
    /// Cores available to the process.
    pub cores: usize,
    /// `sqlite` or `postgres`.
    pub database: crate::options::Backend,
    /// One entry per scale.
    pub runs: Vec<RunReport>,
}

/// The results at one scale.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// Leads generated.
    pub scale: u64,
    /// The generator's work.
    pub generate: GenReport,
    /// Database size on disk after generation (SQLite only).
    pub database_bytes: Option<u64>,
    /// Every measured case.
    pub cases: Vec<CaseResult>,
    /// The real-binary probe, unless skipped.
    pub server: Option<ServerProbe>,
    /// Why the probe did not run, if it did not.
    pub server_note: Option<String>,
    /// Notes of the scenarios (one skipped, and why).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The targets against this run.
    pub targets: Vec<TargetCheck>,
}

/// One target of the issue.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    /// What is measured.
    pub name: String,
    /// The target, as text.
    pub target: String,
    /// The measured value, as text.
    pub measured: String,
    /// Whether it is met.
    pub met: bool,
}

fn check(name: &str, target: &str, measured: String, met: bool) -> TargetCheck {
    TargetCheck {
        name: name.to_owned(),
        target: target.to_owned(),
        measured,
        met,
    }
}

/// The targets that this run's cases and probe can decide.
pub fn targets(cases: &[CaseResult], server: Option<&ServerProbe>, scale: u64) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    let closed: Vec<&CaseResult> = cases
        .iter()
        .filter(|c| c.scenario == "capture" && c.ratio_basis == RatioBasis::Throughput)
        .collect();
    if let Some(best) = closed
        .iter()
        .max_by(|a, b| a.sarnakh.per_second.total_cmp(&b.sarnakh.per_second))
    {
        out.push(check(
            "capture throughput (best level)",
            ">= 5000 leads/s",
            format!(
                "{:.0} leads/s at c={}",
                best.sarnakh.per_second, best.concurrency
            ),
            best.sarnakh.per_second >= 5000.0,
        ));
        let limit = closed
            .iter()
            .filter_map(|c| c.limit.as_ref())
            .map(|l| l.per_second)
            .fold(0.0, f64::max);
        let ratio = limit / best.sarnakh.per_second.max(1e-9);
        out.push(check(
            "capture vs raw insert limit (best / best)",
            "<= 3x",
            format!("{ratio:.2}x ({limit:.0} raw/s)"),
            ratio <= 3.0,
        ));
    }
    if let Some(paced) = cases
        .iter()
        .find(|c| c.scenario == "capture" && c.ratio_basis == RatioBasis::P99)
    {
        out.push(check(
            &format!("capture p99 at {}", paced.case),
            "<= 20 ms (at 1000/s)",
            format!("{:.1} ms", paced.sarnakh.p99_ms),
            paced.sarnakh.p99_ms <= 20.0,
        ));
    }
    if let Some(best) = cases
        .iter()
        .filter_map(|c| c.events.as_ref().filter(|e| !e.resend).map(|e| (c, e)))
        .max_by(|a, b| a.1.events_per_second.total_cmp(&b.1.events_per_second))
    {
        out.push(check(
            "events through POST /api/v1/events (best fresh loop)",
            ">= 100000 events/s",
            format!(
                "{:.0} events/s ({}; limit {:.0}/s, multi-row ceiling {:.0}/s)",
                best.1.events_per_second,
                best.0.case,
                best.1.limit_events_per_second,
                best.1.ceiling_events_per_second.unwrap_or(0.0)
            ),
            best.1.events_per_second >= 100_000.0,
        ));
    }
    let pages: Vec<&CaseResult> = cases
        .iter()
        .filter(|c| c.scenario == "lists" && !c.case.contains("q="))
        .collect();
    if let Some(worst) = pages
        .iter()
        .max_by(|a, b| a.sarnakh.p99_ms.total_cmp(&b.sarnakh.p99_ms))
    {
        out.push(check(
            &format!("list page p99, worst of filters/sorts/deep, {scale} leads"),
            "<= 20 ms",
            format!("{:.1} ms ({})", worst.sarnakh.p99_ms, worst.case),
            worst.sarnakh.p99_ms <= 20.0,
        ));
    }
    let search: Vec<&CaseResult> = cases
        .iter()
        .filter(|c| c.scenario == "lists" && c.case.contains("q="))
        .collect();
    if let Some(worst) = search
        .iter()
        .max_by(|a, b| a.sarnakh.p99_ms.total_cmp(&b.sarnakh.p99_ms))
    {
        out.push(check(
            &format!("list search p99, worst, {scale} leads"),
            "<= 20 ms",
            format!("{:.1} ms ({})", worst.sarnakh.p99_ms, worst.case),
            worst.sarnakh.p99_ms <= 20.0,
        ));
    }
    out.extend(
        cases
            .iter()
            .filter_map(|c| Some((c, c.import.as_ref()?)))
            .flat_map(import_targets),
    );
    if let Some(p) = server {
        out.push(check(
            "server RSS after list pages (no text search)",
            "<= 100 MB",
            format!("{:.1} MiB", p.rss_after_pages_mib),
            p.rss_after_pages_mib * 1.048_576 <= 100.0,
        ));
        out.push(check(
            "server RSS after list pages, text search and every report",
            "<= 100 MB",
            format!("{:.1} MiB", p.rss_mib),
            p.rss_mib * 1.048_576 <= 100.0,
        ));
        out.push(check(
            "server peak RSS, list pages, text search and reports",
            "<= 100 MB",
            format!("{:.1} MiB", p.peak_rss_mib),
            p.peak_rss_mib * 1.048_576 <= 100.0,
        ));
        out.push(check(
            "start to ready",
            "<= 1 s",
            format!("{:.0} ms", p.start_to_ready_ms),
            p.start_to_ready_ms <= 1000.0,
        ));
    }
    out
}

/// The import targets (1M leads in 20 s, that is 50,000 rows/s; peak RSS; 3x the limit)
/// for one import case.
fn import_targets((case, f): (&CaseResult, &ImportFigures)) -> Vec<TargetCheck> {
    let rate = case.sarnakh.per_second;
    let failed = case.sarnakh.errors > 0;
    let ratio = case.ratio.unwrap_or(f64::INFINITY);
    vec![
        check(
            &format!("import throughput, {} rows", f.rows),
            ">= 50000 rows/s (1M in 20 s)",
            format!(
                "{rate:.0} rows/s ({:.1} s; 1M at this rate: {:.0} s)",
                f.seconds,
                1e6 / rate.max(1e-9)
            ),
            !failed && rate >= 50_000.0,
        ),
        check(
            "import peak RSS",
            "<= 300 MB",
            format!("{:.1} MiB", f.peak_rss_mib),
            !failed && f.peak_rss_mib * 1.048_576 <= 300.0,
        ),
        check(
            "import vs raw batched insert limit",
            "<= 3x",
            format!(
                "{ratio:.2}x ({:.0} raw rows/s)",
                case.limit.as_ref().map_or(0.0, |l| l.per_second)
            ),
            !failed && ratio <= 3.0,
        ),
    ]
}
