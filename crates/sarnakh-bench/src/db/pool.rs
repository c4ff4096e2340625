//! [`RawDb`]: running statements on SQLite or PostgreSQL, binding [`Value`]s as the
//! adapters bind them.

use super::{KeyKind, RawDb, SqliteMode, Stmt, Value};
use anyhow::{Context, Result};
use sarnakh_core::domain::page::{Cursor, CursorKey};
use sqlx::postgres::{PgArguments, PgPoolOptions};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Row, Sqlite};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

impl RawDb {
    /// Opens a SQLite pool of `max` connections on an existing database.
    pub async fn sqlite(url: &str, max: u32, mode: SqliteMode, read_only: bool) -> Result<Self> {
        // The bulk loader fills a fixture nobody else has open (see `datagen::generate`): no
        // fsync, a 1 GiB cache, a rollback journal in memory rather than WAL (which would write
        // every page twice: log, then checkpoint), and no foreign-key lookup per row (the
        // generator links only rows it wrote before; the bench's tests run
        // `foreign_key_check`). A crash leaves a broken fixture only.
        let (sync, cache, journal, foreign_keys) = match mode {
            SqliteMode::Adapter => (
                SqliteSynchronous::Normal,
                "-32000",
                SqliteJournalMode::Wal,
                true,
            ),
            SqliteMode::Bulk => (
                SqliteSynchronous::Off,
                "-1048576",
                SqliteJournalMode::Memory,
                false,
            ),
        };
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(journal)
            .synchronous(sync)
            .foreign_keys(foreign_keys)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", cache)
            .read_only(read_only);
        // Like the store's pools: no ping each time a connection is handed out.
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .context("opening SQLite")?;
        Ok(Self::Sqlite(pool))
    }

    /// Opens a PostgreSQL pool of `max` connections.
    pub async fn postgres(url: &str, max: u32) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max)
            .connect(url)
            .await
            .context("opening PostgreSQL")?;
        Ok(Self::Postgres(pool))
    }

    /// True on SQLite.
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    /// Most bound values one statement may carry.
    pub fn max_params(&self) -> usize {
        if self.is_sqlite() { 30_000 } else { 65_000 }
    }

    /// Runs `stmts` in one transaction; returns the rows they changed.
    pub async fn run_tx(&self, stmts: &[Stmt]) -> Result<u64> {
        let mut changed = 0;
        match self {
            Self::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for s in stmts {
                    changed += bind_sqlite(sqlx::query(&s.sql), &s.values)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| head(&s.sql))?
                        .rows_affected();
                }
                tx.commit().await?;
            }
            Self::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for s in stmts {
                    changed += bind_pg(sqlx::query(&s.sql), &s.values)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| head(&s.sql))?
                        .rows_affected();
                }
                tx.commit().await?;
            }
        }
        Ok(changed)
    }

    /// Runs `sql` once per row of `rows`, all in one transaction: one prepared statement
    /// (sqlx caches it per connection), re-bound for every row. Returns the rows changed.
    pub async fn run_many(&self, sql: &str, rows: &[Vec<Value>]) -> Result<u64> {
        let mut changed = 0;
        match self {
            Self::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                for row in rows {
                    changed += bind_sqlite(sqlx::query(sql), row)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| head(sql))?
                        .rows_affected();
                }
                tx.commit().await?;
            }
            Self::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for row in rows {
                    changed += bind_pg(sqlx::query(sql), row)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| head(sql))?
                        .rows_affected();
                }
                tx.commit().await?;
            }
        }
        Ok(changed)
    }

    /// Runs one statement on its own (autocommit); returns the rows it changed.
    pub async fn execute(&self, s: &Stmt) -> Result<u64> {
        match self {
            Self::Sqlite(pool) => bind_sqlite(sqlx::query(&s.sql), &s.values)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Self::Postgres(pool) => bind_pg(sqlx::query(&s.sql), &s.values)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
        .with_context(|| head(&s.sql))
    }

    /// Fetches every row of a query and returns how many there were.
    pub async fn fetch_count(&self, s: &Stmt) -> Result<usize> {
        Ok(match self {
            Self::Sqlite(pool) => bind_sqlite(sqlx::query(&s.sql), &s.values)
                .fetch_all(pool)
                .await?
                .len(),
            Self::Postgres(pool) => bind_pg(sqlx::query(&s.sql), &s.values)
                .fetch_all(pool)
                .await?
                .len(),
        })
    }

    /// The first column of every row, as ids.
    pub async fn fetch_uuids(&self, s: &Stmt) -> Result<Vec<Uuid>> {
        match self {
            Self::Sqlite(pool) => bind_sqlite(sqlx::query(&s.sql), &s.values)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<Vec<Uuid>, _>>(),
            Self::Postgres(pool) => bind_pg(sqlx::query(&s.sql), &s.values)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<Vec<Uuid>, _>>(),
        }
        .with_context(|| head(&s.sql))
    }

    /// Rows of `(id, text, text ...)`: the first column as an id, the others as text.
    pub async fn fetch_text_rows(&self, s: &Stmt) -> Result<Vec<(Uuid, Vec<Option<String>>)>> {
        macro_rules! decode {
            ($rows:expr) => {
                $rows
                    .iter()
                    .map(|r| {
                        Ok((
                            r.try_get(0)?,
                            (1..r.len())
                                .map(|i| r.try_get(i))
                                .collect::<Result<Vec<_>, sqlx::Error>>()?,
                        ))
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            };
        }
        Ok(match self {
            Self::Sqlite(pool) => decode!(
                bind_sqlite(sqlx::query(&s.sql), &s.values)
                    .fetch_all(pool)
                    .await?
            ),
            Self::Postgres(pool) => decode!(
                bind_pg(sqlx::query(&s.sql), &s.values)
                    .fetch_all(pool)
                    .await?
            ),
        }?)
    }

    /// One `bigint` (a count).
    pub async fn fetch_i64(&self, sql: &str) -> Result<i64> {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .with_context(|| head(sql))
    }

    /// A cursor from a query selecting `(sort key, id)`; `None` when it returns no row.
    pub async fn fetch_cursor(&self, sql: &str, kind: KeyKind) -> Result<Option<Cursor>> {
        macro_rules! decode {
            ($row:expr) => {
                match $row {
                    None => None,
                    Some(r) => Some(Cursor {
                        key: match kind {
                            KeyKind::Time => CursorKey::Time(r.try_get(0)?),
                            KeyKind::Text => CursorKey::Text(r.try_get(0)?),
                            KeyKind::Int => CursorKey::Int(r.try_get(0)?),
                        },
                        id: r.try_get(1)?,
                    }),
                }
            };
        }
        Ok(match self {
            Self::Sqlite(pool) => decode!(sqlx::query(sql).fetch_optional(pool).await?),
            Self::Postgres(pool) => decode!(sqlx::query(sql).fetch_optional(pool).await?),
        })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

fn head(sql: &str) -> String {
    let cut: String = sql.chars().take(80).collect();
    format!("statement failed: {cut}")
}

fn bind_sqlite<'q>(
    mut q: Query<'q, Sqlite, SqliteArguments<'q>>,
    values: &'q [Value],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for v in values {
        q = match v {
            Value::Uuid(u) => q.bind(*u),
            Value::OptUuid(u) => q.bind(*u),
            Value::Text(s) => q.bind(s.as_str()),
            Value::OptText(s) => q.bind(s.as_deref()),
            Value::Str(s) => q.bind(*s),
            Value::OptStr(s) => q.bind(*s),
            Value::I32(i) => q.bind(*i),
            Value::I64(i) => q.bind(*i),
            Value::Time(t) => q.bind(*t),
            Value::OptTime(t) => q.bind(*t),
            Value::OptDate(d) => q.bind(*d),
            Value::Products(p) => {
                q.bind(serde_json::to_string(p).expect("a list of strings serialises"))
            }
        };
    }
    q
}

fn bind_pg<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    values: &'q [Value],
) -> Query<'q, Postgres, PgArguments> {
    for v in values {
        q = match v {
            Value::Uuid(u) => q.bind(*u),
            Value::OptUuid(u) => q.bind(*u),
            Value::Text(s) => q.bind(s.as_str()),
            Value::OptText(s) => q.bind(s.as_deref()),
            Value::Str(s) => q.bind(*s),
            Value::OptStr(s) => q.bind(*s),
            Value::I32(i) => q.bind(*i),
            Value::I64(i) => q.bind(*i),
            Value::Time(t) => q.bind(*t),
            Value::OptTime(t) => q.bind(*t),
            Value::OptDate(d) => q.bind(*d),
            Value::Products(p) => q.bind(p.as_slice()),
        };
    }
    q
}
