//! Appending to the append-only history: rows numbered by an increasing sequence, each with
//! the fields an edit changed (reading is shared, in `sarnakh-store-sql`). The migration's
//! triggers refuse updates and deletes of both tables.

use crate::backend;
use sarnakh_core::domain::HistoryEntry;
use sarnakh_core::store::StoreError;
use sarnakh_store_sql::bulk::ROWS_PER_STATEMENT;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use sarnakh_store_sql::rows::HISTORY_COLUMNS;

/// Appends one history row and its field changes. SQLite has one writer, so the next
/// sequence number is simply one past the largest.
pub(crate) async fn insert_history(
    conn: &mut SqliteConnection,
    h: &HistoryEntry,
) -> Result<(), StoreError> {
    sqlx::query(&format!("insert into history ({HISTORY_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, (select coalesce(max(seq), 0) + 1 from history))"))
        .bind(h.id.as_uuid()).bind(h.subject.kind()).bind(h.subject.uuid()).bind(&h.kind)
        .bind(&h.from).bind(&h.to).bind(&h.reason).bind(&h.note)
        .bind(h.related.map(|r| r.kind())).bind(h.related.map(|r| r.uuid()))
        .bind(h.actor_id.map(|a| a.as_uuid())).bind(h.at).bind(h.token_id.map(|t| t.as_uuid()))
        .bind(h.playbook_version)
        .execute(&mut *conn).await.map_err(backend)?;
    for (position, c) in h.changes.iter().enumerate() {
        sqlx::query("insert into history_changes (history_id, position, field, old_value, new_value) values ($1, $2, $3, $4, $5)")
            .bind(h.id.as_uuid()).bind(position as i64).bind(&c.field).bind(&c.old).bind(&c.new)
            .execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

/// Appends many history rows and their changes, many rows per statement, numbered on from
/// the largest sequence (read once: the writer holds the database for the transaction).
pub(crate) async fn insert_histories(
    conn: &mut SqliteConnection,
    rows: &[&HistoryEntry],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let base: i64 = sqlx::query_scalar("select coalesce(max(seq), 0) from history")
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    let mut next = base;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q =
            QueryBuilder::<Sqlite>::new(format!("insert into history ({HISTORY_COLUMNS}) "));
        q.push_values(chunk, |mut b, h| {
            next += 1;
            sarnakh_store_sql::bind_history!(b, h);
            b.push_bind(next);
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    insert_changes(conn, rows).await
}

async fn insert_changes(
    conn: &mut SqliteConnection,
    rows: &[&HistoryEntry],
) -> Result<(), StoreError> {
    let changes: Vec<_> = rows
        .iter()
        .flat_map(|h| {
            h.changes
                .iter()
                .enumerate()
                .map(move |(i, c)| (h.id.as_uuid(), i as i64, c))
        })
        .collect();
    for chunk in changes.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "insert into history_changes (history_id, position, field, old_value, new_value) ",
        );
        q.push_values(chunk, |mut b, (id, i, c)| {
            b.push_bind(*id)
                .push_bind(*i)
                .push_bind(c.field.clone())
                .push_bind(c.old.clone())
                .push_bind(c.new.clone());
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}
