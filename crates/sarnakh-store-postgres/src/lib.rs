//! Sarnakh's scale-out storage adapter: PostgreSQL.
//!
//! One connection pool serves reads and writes; PostgreSQL runs concurrent writers itself.
//! Each [`Store`](sarnakh_core::store::Store) method is one transaction (or one statement).
//! No SQL leaves this crate.

mod history;
mod leads;
mod list;
mod maintenance;
mod records;
mod rows;
mod scores;
mod store_impl;

pub use maintenance::PG_DUMP_GUIDANCE;

use sarnakh_core::store::{Readiness, StoreError};
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

sarnakh_store_sql::shared_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::report_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::experiment_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::content_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::coordination_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::mail_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::stage_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::account_queries!(PostgresStore, Postgres, pool, pool);
sarnakh_store_sql::webhook_queries!(
    PostgresStore,
    Postgres,
    pool,
    pool,
    " for update of o skip locked",
    " for update of d skip locked"
);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections in the pool [`PostgresStore::open`] makes.
const DEFAULT_MAX_CONNECTIONS: u32 = 16;

/// A Sarnakh store in one PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:5432/sarnakh`) and applies
    /// pending migrations. The database itself must exist.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// Like [`PostgresStore::open`], with at most `max_connections` pooled connections.
    pub async fn open_with(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(backend)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }

    async fn readiness_check(&self) -> Readiness {
        let applied: Result<i64, _> =
            sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
                .fetch_one(&self.pool)
                .await;
        match applied {
            Ok(n) => Readiness {
                reachable: true,
                migrations_applied: usize::try_from(n).is_ok_and(|n| n >= MIGRATOR.iter().count()),
            },
            Err(_) => Readiness {
                reachable: sqlx::query("select 1").execute(&self.pool).await.is_ok(),
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
