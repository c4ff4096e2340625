//! Sarnakh's embedded storage adapter: one SQLite file in WAL mode with foreign keys on.
//!
//! Writes go through a single-connection pool (SQLite has one writer; queueing in the pool
//! avoids `SQLITE_BUSY` upgrades), reads through a small read-only pool that WAL lets run
//! beside the writer. Each [`Store`] method is one transaction, except that captures waiting
//! for the writer share one (`captures`: group commit). No SQL leaves this crate.

mod captures;
mod checkpoints;
mod history;
mod kept_counts;
mod leads;
mod list;
mod maintenance;
mod records;
mod rows;
mod scores;
mod store_impl;

pub use kept_counts::{KEPT_COUNTS, KeptCounts};
pub use maintenance::restore;

use sarnakh_core::store::{Readiness, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

sarnakh_store_sql::shared_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::report_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::experiment_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::content_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::coordination_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::mail_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::stage_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::account_queries!(SqliteStore, Sqlite, read, write);
sarnakh_store_sql::webhook_queries!(SqliteStore, Sqlite, read, write, "", "");

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A Sarnakh store in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
    /// Captures waiting for the writer, committed together.
    captures: Arc<captures::CaptureQueue>,
    /// How the pools connect, for the backup's connection of its own.
    options: SqliteConnectOptions,
    /// The WAL checkpoint task, stopped with the last clone.
    _checkpoints: Arc<checkpoints::Checkpoints>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://sarnakh.db`) and applies
    /// pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A sort or temporary table larger than its share of the cache spills to a
            // temporary file (SQLite's own default, in `SQLITE_TMPDIR` or `/var/tmp`, `/tmp`),
            // not to the process's heap.
            .pragma("temp_store", "file");
        // The bundled SQLite is built with SQLITE_ENABLE_MEMORY_MANAGEMENT, so every
        // connection's page cache draws on one shared pool, as large as their `cache_size`s
        // together: 24 MiB here (16 MiB for the writer, 2 MiB for each of the four readers,
        // 256 KiB for the checkpoint task's connection, which copies pages without caching them),
        // least recently used page out first, whichever connection read it. An evicted page is
        // read again from the operating system's file cache while the machine has memory for
        // it. The 64 MiB pool before made the 1M-lead dashboard no faster and the server
        // 25-40 MiB larger (see docs/PERFORMANCE.md, "fifteenth round").
        let write_options = options
            .clone()
            .pragma("cache_size", "-16000")
            .pragma(
                "wal_autocheckpoint",
                checkpoints::BACKSTOP_PAGES.to_string(),
            )
            .pragma(
                "journal_size_limit",
                checkpoints::LOG_FILE_LIMIT_BYTES.to_string(),
            );
        // A connection in this process cannot be lost the way a network one can, so the pools
        // do not ping it each time it is handed out (a round trip to its worker thread, as
        // dear as a small statement; see docs/PERFORMANCE.md, "twentieth round").
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(write_options)
            .await
            .map_err(backend)?;
        MIGRATOR
            .run(&write)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(
                options
                    .clone()
                    .read_only(true)
                    .pragma("cache_size", "-2000"),
            )
            .await
            .map_err(backend)?;
        let checkpoints =
            checkpoints::Checkpoints::start(&options.clone().pragma("cache_size", "-256")).await?;
        Ok(Self {
            write,
            read,
            captures: Arc::default(),
            options,
            _checkpoints: Arc::new(checkpoints),
        })
    }

    async fn readiness_check(&self) -> Readiness {
        let applied: Result<i64, _> =
            sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
                .fetch_one(&self.read)
                .await;
        match applied {
            Ok(n) => Readiness {
                reachable: true,
                migrations_applied: n as usize >= MIGRATOR.iter().count(),
            },
            Err(_) => Readiness {
                reachable: sqlx::query("select 1").execute(&self.read).await.is_ok(),
                migrations_applied: false,
            },
        }
    }
}

/// Maps a driver error onto the port's error, keeping constraint names.
pub(crate) fn backend(e: impl Into<sqlx::Error>) -> StoreError {
    match e.into() {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db)
            if db.is_unique_violation()
                || db.is_foreign_key_violation()
                || db.is_check_violation() =>
        {
            StoreError::Conflict {
                constraint: db
                    .constraint()
                    .map_or_else(|| db.message().to_owned(), str::to_owned),
            }
        }
        other => StoreError::Backend(other.to_string()),
    }
}
