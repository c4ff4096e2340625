//! The `sarnakh` binary.

use clap::Parser;
use sarnakh_server::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    tune_allocator();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(Cli::parse())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, for a person; no backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc's allocator settings that keep the server near the memory it uses.
///
/// glibc gives each thread that contends for the allocator an arena of its own and keeps what
/// a thread frees in that arena; and once a large block it had mapped on its own is freed, it
/// serves blocks of that size from the arenas too. With SQLite's five connection threads, a
/// server that had served every report of a 1M-lead company stayed 40-50 MiB above what it
/// held (docs/PERFORMANCE.md, "fifteenth round"). Two arenas, and blocks of 128 KiB and more
/// always mapped on their own and returned when freed, keep it near what it holds, at no
/// measured cost in speed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ALLOCATOR_SETTINGS: [(&str, &str); 2] = [
    ("MALLOC_ARENA_MAX", "2"),
    ("MALLOC_MMAP_THRESHOLD_", "131072"),
];

/// glibc reads [`ALLOCATOR_SETTINGS`] from the environment only when the process starts, so
/// the process starts itself again, once, with those of them the environment does not set
/// already (an operator's own choice wins). When that is not possible it carries on as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    use std::os::unix::process::CommandExt;
    let missing: Vec<_> = ALLOCATOR_SETTINGS
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // Every setting is set now, so the new process does not start itself again.
    let error = command.args(args).envs(missing).exec();
    eprintln!("warning: carrying on without the allocator settings: {error}");
}

/// Other platforms' allocators are left as they are.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
