//! The process's Prometheus recorder and the names of the metrics the server records
//! outside HTTP (background jobs, imports). Rendering and access are `http::metrics`.
//!
//! Metric names (all prefixed `sarnakh_`): `http_requests_total` and
//! `http_request_duration_seconds` per method, route template and status class;
//! `leads_captured_total` per source (recorded by the capture service); `import_jobs` per
//! status; `import_rows_total` per outcome; `job_runs_total` per job and outcome;
//! `job_last_success_timestamp_seconds` per job; `mails_total` per kind (`digest`,
//! `sla_breach`) and outcome (`sent`, `failed`, `skipped`); `webhook_deliveries_total` per outcome
//! (delivered, pending: retried later, dead); `webhook_deliveries_pending` (pending or
//! being delivered); `events_streamed_total` (published to NATS JetStream).

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// Upper bounds of the request latency buckets, in seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The handle that renders this process's metrics; installs the global recorder on first
/// use. If another recorder is already installed (a host embedding the library), the
/// handle renders only what was recorded before, which is nothing: never a crash.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("sarnakh_http_request_duration_seconds".into()),
                LATENCY_BUCKETS,
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
        }
        handle
    })
}

/// How a scheduled job's run ended.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    /// It did its work.
    Success,
    /// There was nothing to do (not enough history, another instance did it).
    Skipped,
    /// It failed; the cause is logged.
    Failure,
}

/// Records one run of a background job (`retrain`, `rescore`, `snapshot`); a success also
/// sets the job's last success time.
pub fn job_ran(job: &'static str, outcome: Outcome) {
    let label = match outcome {
        Outcome::Success => "success",
        Outcome::Skipped => "skipped",
        Outcome::Failure => "failure",
    };
    metrics::counter!("sarnakh_job_runs_total", "job" => job, "outcome" => label).increment(1);
    if matches!(outcome, Outcome::Success) {
        // Seconds since 1970 fit an f64 exactly for millions of years.
        let now = chrono::Utc::now().timestamp() as f64;
        metrics::gauge!("sarnakh_job_last_success_timestamp_seconds", "job" => job).set(now);
    }
}

/// Records the rows an import run read and rejected.
pub fn import_rows(read: u64, rejected: u64) {
    metrics::counter!("sarnakh_import_rows_total", "outcome" => "read").increment(read);
    metrics::counter!("sarnakh_import_rows_total", "outcome" => "rejected").increment(rejected);
}

/// Records one mail the mail job handled.
pub fn mail_sent(kind: &'static str, outcome: &'static str) {
    metrics::counter!("sarnakh_mails_total", "kind" => kind, "outcome" => outcome).increment(1);
}

/// Records one webhook attempt by outcome (`delivered`, `pending`: retried later, `dead`).
pub fn webhook_delivery(outcome: &'static str) {
    metrics::counter!("sarnakh_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// Sets the number of webhook deliveries waiting (pending or being delivered).
pub fn webhook_pending(n: u64) {
    // Counts far below 2^53 are exact in an f64.
    metrics::gauge!("sarnakh_webhook_deliveries_pending").set(n as f64);
}

/// Records events published to the event stream.
pub fn events_streamed(n: u64) {
    if n > 0 {
        metrics::counter!("sarnakh_events_streamed_total").increment(n);
    }
}
