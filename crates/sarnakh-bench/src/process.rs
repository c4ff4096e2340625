//! The probe of the real binary: starts `sarnakh serve` on the generated database, times
//! start to ready (polling `/readyz`), serves the list pages, their text searches and then
//! every report of the reports scenario, and reads the process's resident memory from
//! `/proc/<pid>/status` (VmRSS after each phase, VmHWM peak).

use crate::client::Api;
use crate::measure::{Pace, drive};
use crate::options::Options;
use crate::scenario::{lists, reports};
use crate::target::Target;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the probe measured.
#[derive(Debug, Clone, Serialize)]
pub struct ServerProbe {
    /// The binary started.
    pub binary: String,
    /// From spawning the process to the first `200` from `/readyz`, in milliseconds.
    pub start_to_ready_ms: f64,
    /// List and report requests served before reading the memory.
    pub requests: u64,
    /// Of which failed.
    pub errors: u64,
    /// Resident set size after serving the list pages without text search, in MiB.
    pub rss_after_pages_mib: f64,
    /// Resident set size after also serving the text searches, in MiB.
    pub rss_after_search_mib: f64,
    /// Resident set size at the end, after also serving every report, in MiB.
    pub rss_mib: f64,
    /// Peak resident set size, in MiB.
    pub peak_rss_mib: f64,
}

/// The `sarnakh` binary to probe: `--server-bin`, else the one next to this executable.
pub fn server_binary(opts: &Options) -> Option<PathBuf> {
    let candidate = opts
        .server_bin
        .clone()
        .or_else(|| Some(std::env::current_exe().ok()?.parent()?.join("sarnakh")))?;
    candidate.is_file().then_some(candidate)
}

/// The server's stderr, removed when dropped.
struct LogFile(std::fs::File, PathBuf);

impl LogFile {
    fn reopen(&self) -> std::io::Result<std::fs::File> {
        self.0.try_clone()
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.1);
    }
}

/// Kills the child when dropped, so no server outlives the bench.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the probe with `binary` on `target`.
pub async fn probe(
    opts: &Options,
    target: &Target,
    binary: PathBuf,
    token: &str,
) -> Result<ServerProbe> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let api = Api::new(addr, 4, token)?;
    let log_path =
        std::env::temp_dir().join(format!("sarnakh-bench-serve-{}.log", std::process::id()));
    let log = LogFile(std::fs::File::create(&log_path)?, log_path);
    let started = Instant::now();
    let child = Command::new(&binary)
        .args([
            "--database-url",
            &target.url,
            "serve",
            "--bind",
            &addr.to_string(),
        ])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log.reopen()?))
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let mut server = Server(child);
    loop {
        if api.get_json("/readyz").await.is_ok() {
            break;
        }
        if let Some(status) = server.0.try_wait()? {
            let said = std::fs::read_to_string(&log.1).unwrap_or_default();
            bail!(
                "{} exited before it was ready ({status}): {}",
                binary.display(),
                said.trim()
            );
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("{} was not ready after 30 s", binary.display());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ready = started.elapsed();
    let reader = target.raw_reader().await?;
    let cases = lists::cases(&reader).await?;
    reader.close().await;
    let (search, pages): (Vec<_>, Vec<_>) = cases
        .into_iter()
        .map(|c| c.path)
        .partition(|p| p.contains("q="));
    let budget = Duration::from_secs(opts.budget_secs.max(1));
    let mut stats = serve(&api, pages, 50, budget).await;
    let (pages_rss, _) = memory(server.0.id())?;
    let more = serve(&api, search, 50, budget).await;
    (stats.ok, stats.errors) = (stats.ok + more.ok, stats.errors + more.errors);
    let (search_rss, _) = memory(server.0.id())?;
    let more = serve(&api, reports::paths(), 5, budget).await;
    (stats.ok, stats.errors) = (stats.ok + more.ok, stats.errors + more.errors);
    let (rss, peak) = memory(server.0.id())?;
    drop(server);
    Ok(ServerProbe {
        binary: binary.display().to_string(),
        start_to_ready_ms: ready.as_secs_f64() * 1000.0,
        requests: stats.ok + stats.errors,
        errors: stats.errors,
        rss_after_pages_mib: pages_rss,
        rss_after_search_mib: search_rss,
        rss_mib: rss,
        peak_rss_mib: peak,
    })
}

/// `times` requests per path, four at a time.
async fn serve(
    api: &Api,
    paths: Vec<String>,
    times: usize,
    budget: Duration,
) -> crate::measure::Stats {
    let (api, paths) = (api.clone(), Arc::new(paths));
    drive(4, paths.len() * times, budget, Pace::Closed, move |i| {
        let (api, paths) = (api.clone(), paths.clone());
        async move { api.get_bytes(&paths[i % paths.len()]).await.map(|_| ()) }
    })
    .await
}

/// (VmRSS, VmHWM) of process `pid`, in MiB.
pub fn memory(pid: u32) -> Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading /proc/<pid>/status")?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map(|kib| kib / 1024.0)
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn own_memory_is_readable() {
        let (rss, peak) = super::memory(std::process::id()).expect("linux /proc");
        assert!(rss > 0.0 && peak >= rss);
    }
}
