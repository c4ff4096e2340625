//! Integrity checks, online backups (`VACUUM INTO`) and verified restores of the SQLite
//! file. Backups and restores write a temporary file beside the destination and rename it
//! into place, so a crash never leaves a half-written database under the real name.

use crate::{MIGRATOR, SqliteStore, backend};
use async_trait::async_trait;
use sarnakh_core::store::{Finding, MaintenanceError, MaintenanceStore, StoreResult};
use sarnakh_store_sql::maintenance::{INVARIANTS, describe, migration_findings};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection, Row};
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[async_trait]
impl MaintenanceStore for SqliteStore {
    async fn check(&self) -> StoreResult<Vec<Finding>> {
        findings(&self.read, false).await
    }

    async fn backup_to(&self, path: &Path) -> Result<(), MaintenanceError> {
        let partial = beside(path, "backup")?;
        let target = text(&partial)?;
        // A connection of its own, outside the pools: in WAL mode `VACUUM INTO` reads one
        // snapshot and never holds the writer, so serving goes on while it copies.
        let mut conn = self.options.connect().await.map_err(backend)?;
        let copied = sqlx::query("vacuum into $1")
            .bind(target)
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&partial);
            return Err(backend(e).into());
        }
        install(&partial, path)
    }
}

/// Replaces the SQLite database at `url` with the backup file `backup`: copies it beside
/// the database, verifies the copy (integrity, foreign keys, a complete migrations table no
/// newer than this build), then renames it into place. Sarnakh must not be running on the
/// database. Errors: [`MaintenanceError::Refused`] when the database exists and `force` is
/// not set, or the backup fails verification (nothing is changed then).
pub async fn restore(backup: &Path, url: &str, force: bool) -> Result<(), MaintenanceError> {
    let options = SqliteConnectOptions::from_str(url).map_err(backend)?;
    let target = options.get_filename().to_owned();
    if !backup.is_file() {
        return Err(refused(format!(
            "there is no backup file at {}",
            backup.display()
        )));
    }
    if target.exists() && !force {
        return Err(refused(format!(
            "{} exists; stop Sarnakh and pass --force to replace it",
            target.display()
        )));
    }
    let partial = beside(&target, "restore")?;
    if let Err(e) = verified_copy(backup, &partial).await {
        remove_with_journal(&partial);
        return Err(e);
    }
    if target.exists() {
        // Empty the old database's WAL into it, so no stale log outlives the file it
        // belongs to (SQLite would replay it onto the restored one).
        let mut conn = options.connect().await.map_err(backend)?;
        sqlx::query("pragma wal_checkpoint(truncate)")
            .execute(&mut conn)
            .await
            .map_err(backend)?;
        let _ = conn.close().await;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&target, suffix));
        }
    }
    install(&partial, &target)
}

async fn verified_copy(backup: &Path, partial: &Path) -> Result<(), MaintenanceError> {
    std::fs::copy(backup, partial).map_err(io)?;
    let options = SqliteConnectOptions::new().filename(partial);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| {
            refused(format!(
                "{} is not a SQLite database: {e}",
                backup.display()
            ))
        })?;
    let known: i64 = sqlx::query_scalar(
        "select count(*) from sqlite_master where type = 'table' and name = '_sqlx_migrations'",
    )
    .fetch_one(&pool)
    .await
    .map_err(|e| {
        refused(format!(
            "{} is not a SQLite database: {e}",
            backup.display()
        ))
    })?;
    let problems = if known == 0 {
        vec![Finding {
            check: "migrations".into(),
            detail: "no migrations table: not a Sarnakh database".into(),
        }]
    } else {
        findings(&pool, true).await?
    };
    pool.close().await;
    if problems.is_empty() {
        Ok(())
    } else {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        Err(refused(format!(
            "the backup {} failed verification: {}",
            backup.display(),
            list.join("; ")
        )))
    }
}

/// Every check on one database; `pending_ok` accepts migrations this build would still
/// apply (an older backup).
async fn findings(pool: &SqlitePool, pending_ok: bool) -> StoreResult<Vec<Finding>> {
    let mut out = file_findings(pool).await?;
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("select version, success from _sqlx_migrations order by version")
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    out.extend(
        migration_findings(&applied, &known)
            .into_iter()
            .filter(|f| !(pending_ok && f.detail.ends_with("is not applied"))),
    );
    for invariant in INVARIANTS {
        let rows: i64 = sqlx::query_scalar(invariant.sql)
            .fetch_one(pool)
            .await
            .map_err(backend)?;
        if rows > 0 {
            out.push(describe(invariant, rows));
        }
    }
    for kept in crate::KEPT_COUNTS {
        let rows: i64 = sqlx::query_scalar(&kept.differences_sql())
            .fetch_one(pool)
            .await
            .map_err(backend)?;
        if rows > 0 {
            out.push(finding(
                "kept_counts",
                format!(
                    "{rows} rows of {} differ from a recount of the records",
                    kept.table
                ),
            ));
        }
    }
    Ok(out)
}

/// SQLite's own checks: the file's structure and foreign keys (the first 20 broken ones).
async fn file_findings(pool: &SqlitePool) -> StoreResult<Vec<Finding>> {
    let integrity: Vec<String> = sqlx::query_scalar("pragma integrity_check")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    let mut out: Vec<Finding> = integrity
        .into_iter()
        .filter(|line| line != "ok")
        .map(|detail| finding("integrity_check", detail))
        .collect();
    let broken = sqlx::query("pragma foreign_key_check")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    for row in broken.iter().take(20) {
        let table: String = row.try_get(0).map_err(backend)?;
        let parent: String = row.try_get(2).map_err(backend)?;
        out.push(finding(
            "foreign_key_check",
            format!("a row of {table} points at a missing row of {parent}"),
        ));
    }
    Ok(out)
}

fn finding(check: &str, detail: String) -> Finding {
    Finding {
        check: check.to_owned(),
        detail,
    }
}

fn refused(why: String) -> MaintenanceError {
    MaintenanceError::Refused(why)
}

fn io(e: std::io::Error) -> MaintenanceError {
    MaintenanceError::Store(sarnakh_core::store::StoreError::Backend(e.to_string()))
}

fn text(path: &Path) -> Result<&str, MaintenanceError> {
    path.to_str()
        .ok_or_else(|| refused(format!("{} is not a UTF-8 path", path.display())))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A fresh temporary name in the destination's directory (a rename stays on one file system).
fn beside(path: &Path, what: &str) -> Result<PathBuf, MaintenanceError> {
    let name = path
        .file_name()
        .ok_or_else(|| refused(format!("{} names no file", path.display())))?
        .to_string_lossy();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let partial = format!(".{name}.{what}-{}", uuid::Uuid::now_v7().simple());
    Ok(dir.map_or_else(|| PathBuf::from(&partial), |d| d.join(&partial)))
}

fn remove_with_journal(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

/// Flushes `partial` to disk and renames it to `path`, then flushes the directory entry.
fn install(partial: &Path, path: &Path) -> Result<(), MaintenanceError> {
    let done = std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(partial, path));
    if let Err(e) = done {
        remove_with_journal(partial);
        return Err(io(e));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Best effort: not every platform can open a directory to flush it.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}
