//! Scenario 3, import: a CSV of `--import-rows` leads (default: the scale) through the real
//! `sarnakh import leads FILE --mapping MAP --batch-size B` binary, on a fresh empty
//! database, timed from spawn to exit, with the child's peak resident memory (`VmHWM`,
//! polled from `/proc/<pid>/status`). The printed accounting line must say that every row
//! was created; otherwise the case fails.
//!
//! Limit: the same rows inserted raw on another fresh database (see `import_raw`).
//! Skipped, with a note, when there is no `sarnakh` binary (like the probe).

use super::import_file::{self, ImportFiles};
use super::{CaseResult, Ctx, RatioBasis, import_raw};
use crate::measure::Stats;
use crate::process;
use crate::target::Target;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The longest an import may run before it is killed.
const TIMEOUT: Duration = Duration::from_secs(3600);

/// What an import case measured beside the rates.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportFigures {
    /// Rows in the file.
    pub rows: u64,
    /// Rows per batch (`--batch-size`) and per raw transaction.
    pub batch: usize,
    /// Size of the CSV file in MiB.
    pub file_mib: f64,
    /// Spawn to exit of `sarnakh import`, in seconds.
    pub seconds: f64,
    /// Time in the limit's transactions, in seconds.
    pub limit_seconds: f64,
    /// Peak resident set size of the `sarnakh import` process, in MiB.
    pub peak_rss_mib: f64,
    /// The accounting line the command printed.
    pub printed: String,
}

/// A scratch directory for the files, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Kills the child when dropped early, so no import outlives the bench.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the import case.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let Some(binary) = process::server_binary(ctx.opts) else {
        ctx.note("import skipped: no sarnakh binary next to sarnakh-bench; build it with `cargo build --release -p sarnakh-server` or pass --server-bin");
        return Ok(Vec::new());
    };
    let (rows, batch) = (
        ctx.opts.import_rows.unwrap_or(ctx.scale),
        ctx.opts.import_batch,
    );
    let dir = std::env::temp_dir().join(format!("sarnakh-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = Scratch(dir);
    let files = import_file::write(&dir.0, ctx.opts.seed, rows).context("writing the CSV")?;
    // Named after the scale too, so that `--keep` keeps every scale's databases.
    let target = Target::create_named(ctx.opts, &format!("{}_import", ctx.scale)).await?;
    let outcome = import(&binary, &target, &files, &dir.0, batch).await;
    target.cleanup().await?;
    let outcome = outcome?;
    let note = format!("import: {}", files.csv.display());
    let limit = import_raw::limit(ctx, rows, batch, &note).await?;
    let sarnakh = outcome.stats(rows);
    let figures = ImportFigures {
        rows,
        batch,
        file_mib: files.csv_bytes as f64 / 1_048_576.0,
        seconds: outcome.wall.as_secs_f64(),
        limit_seconds: limit.seconds,
        peak_rss_mib: outcome.peak_rss_mib,
        printed: outcome.printed.clone(),
    };
    let mut case = CaseResult::new(
        "import",
        format!("{rows} rows, batches of {batch}"),
        1,
        sarnakh,
        Some(limit),
        RatioBasis::Throughput,
    );
    case.import = Some(figures);
    Ok(vec![case])
}

/// What the child did.
#[derive(Debug)]
struct Outcome {
    status: ExitStatus,
    wall: Duration,
    peak_rss_mib: f64,
    printed: String,
    stderr: String,
}

impl Outcome {
    /// Rows created per second of wall time; anything but "all `rows` created" is an error.
    fn stats(&self, rows: u64) -> Stats {
        let expected =
            format!("{rows} rows read: {rows} created, 0 updated, 0 unchanged, 0 rejected");
        let created = created(&self.printed).unwrap_or(0);
        let mut stats = Stats::of_job(created, self.wall, &[]);
        if !self.status.success() || self.printed != expected {
            stats.errors = rows.saturating_sub(created).max(1);
            stats.first_error = Some(format!(
                "sarnakh import ({}) printed {:?}, expected {expected:?}; stderr: {}",
                self.status,
                self.printed,
                tail(&self.stderr)
            ));
        }
        stats
    }
}

/// Runs `sarnakh import` on `target`, polling its peak memory until it exits.
async fn import(
    binary: &Path,
    target: &Target,
    files: &ImportFiles,
    dir: &Path,
    batch: usize,
) -> Result<Outcome> {
    let (out_path, err_path) = (dir.join("import.out"), dir.join("import.err"));
    let started = Instant::now();
    let child = Command::new(binary)
        .arg("--database-url")
        .arg(&target.url)
        .args(["import", "leads"])
        .arg(&files.csv)
        .arg("--mapping")
        .arg(&files.mapping)
        .args(["--batch-size", &batch.to_string()])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let (status, peak) = wait(Child(child), started)
        .await
        .with_context(|| format!("{} import", binary.display()))?;
    let wall = started.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    Ok(Outcome {
        status,
        wall,
        peak_rss_mib: peak,
        printed: stdout
            .lines()
            .find(|l| l.contains(" rows read: "))
            .unwrap_or_default()
            .to_owned(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    })
}

/// Waits for the child's exit, reading its peak resident memory (MiB) every 10 ms.
async fn wait(mut child: Child, started: Instant) -> Result<(ExitStatus, f64)> {
    let pid = child.0.id();
    let mut peak: f64 = 0.0;
    loop {
        // Read before asking whether it exited: an exited process has no memory to read.
        if let Ok((_, hwm)) = process::memory(pid) {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.0.try_wait()? {
            return Ok((status, peak));
        }
        anyhow::ensure!(started.elapsed() < TIMEOUT, "ran for more than {TIMEOUT:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `N` of "... rows read: N created, ...".
fn created(printed: &str) -> Option<u64> {
    let (_, rest) = printed.split_once(" rows read: ")?;
    rest.split_once(" created")?.0.trim().parse().ok()
}

/// The last 500 characters of the child's stderr.
fn tail(text: &str) -> &str {
    let text = text.trim();
    let cut = text.len().saturating_sub(500);
    let start = (cut..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_count_is_read_from_the_accounting_line() {
        let line = "1000 rows read: 998 created, 0 updated, 0 unchanged, 2 rejected";
        assert_eq!(created(line), Some(998));
        assert_eq!(created("error: no such file"), None);
    }

    #[test]
    fn an_accounting_line_that_differs_fails_the_case() {
        let outcome = |printed: &str| Outcome {
            status: std::process::Command::new("true")
                .status()
                .expect("true runs"),
            wall: Duration::from_secs(2),
            peak_rss_mib: 10.0,
            printed: printed.to_owned(),
            stderr: String::new(),
        };
        let good = outcome("10 rows read: 10 created, 0 updated, 0 unchanged, 0 rejected");
        let stats = good.stats(10);
        assert_eq!((stats.ok, stats.errors, stats.per_second), (10, 0, 5.0));
        let bad = outcome("10 rows read: 8 created, 0 updated, 0 unchanged, 2 rejected");
        let stats = bad.stats(10);
        assert_eq!((stats.ok, stats.errors), (8, 2));
        assert!(stats.first_error.is_some_and(|e| e.contains("2 rejected")));
        assert_eq!(outcome("").stats(10).errors, 10);
    }
}
