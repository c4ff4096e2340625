//! The database a run uses: a fresh SQLite file or a fresh PostgreSQL database, its real
//! store (which applies the real migrations), raw pools beside it, and the clean-up.

use crate::db::{RawDb, SqliteMode};
use crate::options::{Backend, Options};
use anyhow::{Context, Result};
use sarnakh_core::store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// One fresh database.
#[derive(Debug, Clone)]
pub struct Target {
    /// Which database.
    pub backend: Backend,
    /// URL the application and the raw pools open.
    pub url: String,
    file: Option<PathBuf>,
    admin_url: Option<String>,
    name: String,
    keep: bool,
}

impl Target {
    /// Creates an empty database for a run at `scale` leads.
    pub async fn create(opts: &Options, scale: u64) -> Result<Self> {
        Self::create_named(opts, &scale.to_string()).await
    }

    /// Creates an empty database `sarnakh_bench_<pid>_<suffix>` (a file in the temp
    /// directory, or a database on the PostgreSQL server), dropped by [`Target::cleanup`].
    pub async fn create_named(opts: &Options, suffix: &str) -> Result<Self> {
        let name = format!("sarnakh_bench_{}_{suffix}", std::process::id());
        let keep = opts.keep.is_some();
        match opts.database {
            Backend::Sqlite => {
                let dir = opts.keep.clone().unwrap_or_else(std::env::temp_dir);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let file = dir.join(format!("{name}.db"));
                remove_sqlite(&file);
                let url = format!("sqlite://{}", file.display());
                Ok(Self {
                    backend: Backend::Sqlite,
                    url,
                    file: Some(file),
                    admin_url: None,
                    name,
                    keep,
                })
            }
            Backend::Postgres => {
                let admin = RawDb::postgres(&opts.postgres_url, 1).await?;
                admin
                    .execute(&crate::db::Stmt::new(
                        format!("drop database if exists {name}"),
                        vec![],
                    ))
                    .await?;
                admin
                    .execute(&crate::db::Stmt::new(
                        format!("create database {name}"),
                        vec![],
                    ))
                    .await?;
                admin.close().await;
                let url = with_database(&opts.postgres_url, &name);
                Ok(Self {
                    backend: Backend::Postgres,
                    url,
                    file: None,
                    admin_url: Some(opts.postgres_url.clone()),
                    name,
                    keep,
                })
            }
        }
    }

    /// Opens the real store on the database, applying the real migrations.
    pub async fn open_store(&self) -> Result<Arc<dyn Store>> {
        Ok(match self.backend {
            Backend::Sqlite => Arc::new(sarnakh_store_sqlite::SqliteStore::open(&self.url).await?),
            Backend::Postgres => {
                Arc::new(sarnakh_store_postgres::PostgresStore::open(&self.url).await?)
            }
        })
    }

    /// The bulk-load pool of the generator. On SQLite it leaves WAL, which needs every other
    /// connection closed: a store dropped just before may still be closing its own, so it
    /// retries for a few seconds.
    pub async fn bulk(&self) -> Result<RawDb> {
        match self.backend {
            Backend::Sqlite => {
                let mut tries = 0;
                loop {
                    match RawDb::sqlite(&self.url, 1, SqliteMode::Bulk, false).await {
                        Err(_) if tries < 100 => {
                            tries += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                        other => return other,
                    }
                }
            }
            Backend::Postgres => RawDb::postgres(&self.url, 1).await,
        }
    }

    /// A raw writer shaped like the adapter's: SQLite one connection with the adapter's
    /// durability settings; PostgreSQL a pool of 16 (the adapter's default).
    pub async fn raw_writer(&self) -> Result<RawDb> {
        match self.backend {
            Backend::Sqlite => RawDb::sqlite(&self.url, 1, SqliteMode::Adapter, false).await,
            Backend::Postgres => RawDb::postgres(&self.url, 16).await,
        }
    }

    /// A raw reader shaped like the adapter's: SQLite four read-only connections.
    pub async fn raw_reader(&self) -> Result<RawDb> {
        match self.backend {
            Backend::Sqlite => RawDb::sqlite(&self.url, 4, SqliteMode::Adapter, true).await,
            Backend::Postgres => RawDb::postgres(&self.url, 16).await,
        }
    }

    /// Size of the database on disk in bytes (SQLite file plus WAL), when known.
    pub fn file_bytes(&self) -> Option<u64> {
        let file = self.file.as_ref()?;
        let wal = PathBuf::from(format!("{}-wal", file.display()));
        Some(
            [file.clone(), wal]
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum(),
        )
    }

    /// Deletes the database unless `--keep` was given.
    pub async fn cleanup(&self) -> Result<()> {
        if self.keep {
            return Ok(());
        }
        if let Some(file) = &self.file {
            remove_sqlite(file);
        }
        if let Some(admin_url) = &self.admin_url {
            let admin = RawDb::postgres(admin_url, 1).await?;
            let drop = format!("drop database if exists {} with (force)", self.name);
            admin.execute(&crate::db::Stmt::new(drop, vec![])).await?;
            admin.close().await;
        }
        Ok(())
    }
}

fn remove_sqlite(file: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

/// `url` pointing at database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[host_start..].find('/') {
        Some(slash) => &base[..host_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_is_swapped_in_the_url() {
        let swap = super::with_database;
        assert_eq!(
            swap("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            swap("postgres://u:p@h/db?sslmode=disable", "b"),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert_eq!(swap("postgres://h", "b"), "postgres://h/b");
    }
}
