//! Integrity checks of the PostgreSQL database (migrations and cross-record invariants).
//! Backups are PostgreSQL's own business: `pg_dump` and `pg_restore` do them better than
//! Sarnakh could, so [`MaintenanceStore::backup_to`] says so.

use crate::{MIGRATOR, PostgresStore, backend};
use async_trait::async_trait;
use sarnakh_core::store::{Finding, MaintenanceError, MaintenanceStore, StoreResult};
use sarnakh_store_sql::maintenance::{INVARIANTS, describe, migration_findings};
use std::path::Path;

/// What to use instead of `sarnakh backup` and `sarnakh restore` on PostgreSQL.
pub const PG_DUMP_GUIDANCE: &str = "PostgreSQL databases are backed up with PostgreSQL's own tools, \
consistent while Sarnakh runs: pg_dump --format=custom --file=sarnakh.dump \"$DATABASE_URL\", \
and restored with pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" sarnakh.dump \
(see docs/OPERATIONS.md)";

#[async_trait]
impl MaintenanceStore for PostgresStore {
    async fn check(&self) -> StoreResult<Vec<Finding>> {
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("select version, success from _sqlx_migrations order by version")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
        let mut out = migration_findings(&applied, &known);
        for invariant in INVARIANTS {
            let rows: i64 = sqlx::query_scalar(invariant.sql)
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?;
            if rows > 0 {
                out.push(describe(invariant, rows));
            }
        }
        Ok(out)
    }

    async fn backup_to(&self, _path: &Path) -> Result<(), MaintenanceError> {
        Err(MaintenanceError::Unsupported(PG_DUMP_GUIDANCE.to_owned()))
    }
}
