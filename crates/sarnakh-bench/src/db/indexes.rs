//! Secondary indexes and triggers set aside during the generator's bulk load (SQLite):
//! building an index once over all the rows sorts them, keeping it current row by row walks
//! it at random; the triggers' derived counts are written by the generator in one aggregate
//! each. Only for the generated fixture: the `create` statements are the migrations' own,
//! read from `sqlite_master` and re-run verbatim, so the schema ends as migrated (they move
//! to the end of `sqlite_master`, which orders nothing).

use super::RawDb;
use anyhow::{Context, Result};

impl RawDb {
    /// Drops the secondary indexes of `tables` that a `create index` made (not the
    /// primary keys' and unique constraints' own) and their triggers, and returns those
    /// statements in creation order, for [`RawDb::restore_schema`]. On PostgreSQL it does
    /// nothing.
    pub async fn set_schema_aside(&self, tables: &[&str]) -> Result<Vec<String>> {
        let Self::Sqlite(pool) = self else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "select type, name, sql from sqlite_master where type in ('index', 'trigger') \
             and sql is not null and tbl_name in (select value from json_each($1)) order by rowid",
        )
        .bind(serde_json::to_string(tables).context("table names as JSON")?)
        .fetch_all(pool)
        .await
        .context("reading the indexes")?;
        for (kind, name, _) in &rows {
            sqlx::query(&format!("drop {kind} \"{name}\""))
                .execute(pool)
                .await
                .with_context(|| format!("dropping {kind} {name}"))?;
        }
        Ok(rows.into_iter().map(|(_, _, sql)| sql).collect())
    }

    /// Runs the statements [`RawDb::set_schema_aside`] returned, in order.
    pub async fn restore_schema(&self, statements: &[String]) -> Result<()> {
        if let Self::Sqlite(pool) = self {
            for sql in statements {
                sqlx::query(sql)
                    .execute(pool)
                    .await
                    .with_context(|| format!("recreating: {sql}"))?;
            }
        }
        Ok(())
    }
}
