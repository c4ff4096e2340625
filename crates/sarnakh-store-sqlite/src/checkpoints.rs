//! WAL checkpoints off the writer's path. In WAL mode a commit appends the pages it changed
//! to the log; a checkpoint copies them back into the database file and syncs it. SQLite
//! runs one itself at the end of any commit that leaves the log over 1,000 pages (4 MiB),
//! on the committing connection: a batch of events, a score update or an import chunk then
//! waited for its own checkpoint and the file's sync.
//!
//! Here a task of the store's own, on a connection outside the pools, checkpoints every
//! [`EVERY`] in `PASSIVE` mode (it never waits for, nor blocks, the writer or a reader), so
//! the copy runs beside the next write. The writer keeps SQLite's own checkpoint only as a
//! backstop, past [`BACKSTOP_PAGES`]: when the task falls behind, the log is bounded as
//! before. Durability does not change: with `synchronous = NORMAL` a commit is on disk once
//! a checkpoint has synced the log, whichever connection runs it.

use crate::backend;
use sarnakh_core::store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::time::Duration;
use tokio::sync::watch;

/// How often the task checkpoints.
pub(crate) const EVERY: Duration = Duration::from_millis(250);

/// Log pages (4 KiB each) past which the writer checkpoints at commit itself.
pub(crate) const BACKSTOP_PAGES: u32 = 16_384;

/// The size the log file is cut back to when the writer starts it over. Between checkpoints
/// a burst of writes can grow it to tens of MiB, and SQLite would keep that size on disk. As
/// large as the backstop: under a steady stream of captures the log reaches about 20 MiB
/// between checkpoints, and a smaller limit cut the file back and grew it again every few
/// hundred milliseconds, each growth a block allocation that a commit waited for behind the
/// checkpoint's sync of the same file (docs/PERFORMANCE.md, "twentieth round").
pub(crate) const LOG_FILE_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// Stops the checkpoint task when the last clone of the store is dropped.
#[derive(Debug)]
pub(crate) struct Checkpoints {
    _stop: watch::Sender<()>,
}

impl Checkpoints {
    /// Starts the task on a connection of its own to the database `options` name.
    pub(crate) async fn start(options: &SqliteConnectOptions) -> Result<Self, StoreError> {
        let conn = options.connect().await.map_err(backend)?;
        let (stop, stopped) = watch::channel(());
        tokio::spawn(run(conn, stopped));
        Ok(Self { _stop: stop })
    }
}

async fn run(mut conn: SqliteConnection, mut stopped: watch::Receiver<()>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            // The sender is dropped with the last clone of the store.
            _ = stopped.changed() => break,
        }
        if let Err(e) = sqlx::query("pragma wal_checkpoint(passive)")
            .execute(&mut conn)
            .await
        {
            // The writer's backstop still bounds the log; say so once a tick at most.
            tracing::warn!(error = %e, "WAL checkpoint failed; the writer checkpoints at commit");
        }
    }
    let _ = conn.close().await;
}

#[cfg(test)]
mod tests {
    use crate::SqliteStore;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    /// A store on a scratch file named after `name`, with a table `filler (b blob)` holding
    /// `pages` rows of 4 KiB written in one transaction; the file's size is taken before them.
    async fn filled(name: &str, pages: u32) -> (SqliteStore, PathBuf, u64) {
        let path = std::env::temp_dir().join(format!("sarnakh-{name}-{}.db", std::process::id()));
        let store = SqliteStore::open(&format!("sqlite://{}", path.display()))
            .await
            .expect("open");
        sqlx::query("create table filler (b blob)")
            .execute(&store.write)
            .await
            .expect("table");
        let before = std::fs::metadata(&path).expect("file").len();
        sqlx::query(
            "with recursive n (i) as (select 1 union all select i + 1 from n where i < $1) \
             insert into filler select randomblob(4096) from n",
        )
        .bind(pages)
        .execute(&store.write)
        .await
        .expect("rows");
        (store, path, before)
    }

    /// Closes `store` and removes its files.
    async fn remove(store: SqliteStore, path: &std::path::Path) {
        store.write.close().await;
        store.read.close().await;
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    /// A commit far under SQLite's own checkpoint threshold leaves its pages in the log; the
    /// store's task copies them into the database file soon after, without another write.
    #[tokio::test]
    async fn the_log_reaches_the_database_file_without_a_commit_asking_for_it() {
        // 200 rows of 4 KiB: about 250 pages, a quarter of SQLite's 1,000-page threshold.
        let (store, path, settled) = filled("checkpoints", 200).await;
        let started = Instant::now();
        let grown = loop {
            let now = std::fs::metadata(&path).expect("file").len();
            if now >= settled + 200 * 4096 || started.elapsed() > Duration::from_secs(10) {
                break now;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        remove(store, &path).await;
        assert!(
            grown >= settled + 200 * 4096,
            "the database file stayed at {grown} bytes (from {settled}): nothing was checkpointed"
        );
    }

    /// A burst grows the log file past the limit; once checkpointed, the next write starts the
    /// log over and cuts the file back.
    #[tokio::test]
    async fn the_log_file_is_cut_back_when_the_log_starts_over() {
        // 18,000 rows of 4 KiB in one transaction: about 72 MiB of log.
        let (store, path, _) = filled("log-limit", 18_000).await;
        let wal = format!("{}-wal", path.display());
        let burst = std::fs::metadata(&wal).expect("log").len();
        let limit = super::LOG_FILE_LIMIT_BYTES;
        let started = Instant::now();
        let after = loop {
            // Each write starts the log over once the task has checkpointed all of it.
            sqlx::query("insert into filler values (x'00')")
                .execute(&store.write)
                .await
                .expect("small write");
            let now = std::fs::metadata(&wal).expect("log").len();
            if now <= limit || started.elapsed() > Duration::from_secs(10) {
                break now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        remove(store, &path).await;
        assert!(burst > limit, "the burst left a log of only {burst} bytes");
        assert!(
            after <= limit,
            "the log file stayed at {after} bytes (limit {limit})"
        );
    }
}
