//! Load drivers and latency statistics. Every loop is bounded by a request count and a
//! time budget; latencies go into `hdrhistogram` histograms (microseconds).

use hdrhistogram::Histogram;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Throughput and latency of one measured loop.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stats {
    /// Operations that succeeded.
    pub ok: u64,
    /// Operations that failed.
    pub errors: u64,
    /// The first failure, for diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// Wall time of the loop in seconds.
    pub seconds: f64,
    /// Successful operations per second.
    pub per_second: f64,
    /// Median latency in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: f64,
    /// Largest latency in milliseconds.
    pub max_ms: f64,
}

impl Stats {
    /// The figures of a one-shot job: `ok` rows done in `elapsed`, with the latencies of
    /// its steps (p50 and p99 stay 0 when there are none).
    pub fn of_job(ok: u64, elapsed: Duration, steps: &[Duration]) -> Self {
        let mut recorder = Recorder::new();
        for step in steps {
            recorder.record(*step, Ok(()));
        }
        Self {
            ok,
            per_second: ok as f64 / elapsed.as_secs_f64().max(1e-9),
            ..recorder.stats(elapsed)
        }
    }
}

/// Collects latencies and failures from concurrent workers.
#[derive(Debug)]
struct Recorder {
    hist: Histogram<u64>,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
}

impl Recorder {
    fn new() -> Self {
        let hist = Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds");
        Self {
            hist,
            ok: 0,
            errors: 0,
            first_error: None,
        }
    }

    fn record(&mut self, latency: Duration, outcome: anyhow::Result<()>) {
        match outcome {
            Ok(()) => {
                self.ok += 1;
                let micros = u64::try_from(latency.as_micros())
                    .unwrap_or(u64::MAX)
                    .max(1);
                self.hist.saturating_record(micros);
            }
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert_with(|| format!("{e:#}"));
            }
        }
    }

    fn merge(&mut self, other: Recorder) {
        self.hist.add(&other.hist).expect("histograms share bounds");
        self.ok += other.ok;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn stats(&self, elapsed: Duration) -> Stats {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        let seconds = elapsed.as_secs_f64();
        Stats {
            ok: self.ok,
            errors: self.errors,
            first_error: self.first_error.clone(),
            seconds,
            per_second: self.ok as f64 / seconds.max(1e-9),
            p50_ms: if self.ok == 0 { 0.0 } else { ms(0.5) },
            p99_ms: if self.ok == 0 { 0.0 } else { ms(0.99) },
            max_ms: self.hist.max() as f64 / 1000.0,
        }
    }
}

/// How a loop is paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Closed loop: each worker sends its next request as soon as the last one answered.
    Closed,
    /// Open loop at this many operations per second; latency counts from the planned
    /// start, so a stall also delays (and is charged to) the requests queued behind it.
    Rate(f64),
}

/// Runs operation `op(i)` for `i` in `0..total` on `workers` concurrent tasks, stopping
/// early when `budget` has passed, and returns its statistics.
pub async fn drive<F, Fut>(
    workers: usize,
    total: usize,
    budget: Duration,
    pace: Pace,
    op: F,
) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let all = Arc::new(Mutex::new(Recorder::new()));
    let started = Instant::now();
    let deadline = started + budget;
    let mut tasks = Vec::with_capacity(workers);
    for _ in 0..workers.max(1) {
        let (op, next, all) = (op.clone(), next.clone(), all.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Recorder::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    break;
                }
                let planned = match pace {
                    Pace::Closed => Instant::now(),
                    Pace::Rate(rate) => {
                        let at = started + Duration::from_secs_f64(i as f64 / rate);
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                };
                let outcome = op(i).await;
                mine.record(planned.elapsed(), outcome);
            }
            all.lock().await.merge(mine);
        }));
    }
    for t in tasks {
        if let Err(e) = t.await {
            let mut all = all.lock().await;
            all.errors += 1;
            all.first_error
                .get_or_insert_with(|| format!("worker failed: {e}"));
        }
    }
    let elapsed = started.elapsed();
    let all = all.lock().await;
    all.stats(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_counts_its_rows_and_its_steps_give_the_latencies() {
        let steps = [Duration::from_millis(10), Duration::from_millis(30)];
        let stats = Stats::of_job(1000, Duration::from_secs(2), &steps);
        assert_eq!((stats.ok, stats.errors, stats.per_second), (1000, 0, 500.0));
        assert!(stats.p50_ms >= 9.9 && stats.p99_ms >= 29.9, "{stats:?}");
        assert_eq!(Stats::of_job(5, Duration::from_secs(1), &[]).p99_ms, 0.0);
    }

    #[tokio::test]
    async fn drive_counts_successes_and_failures() {
        let stats = drive(
            4,
            100,
            Duration::from_secs(10),
            Pace::Closed,
            |i| async move {
                if i % 10 == 0 {
                    Err(anyhow::anyhow!("boom {i}"))
                } else {
                    Ok(())
                }
            },
        )
        .await;
        assert_eq!((stats.ok, stats.errors), (90, 10));
        assert!(stats.first_error.is_some_and(|e| e.starts_with("boom")));
    }
}
