//! The append-only history: rows numbered by an increasing sequence, each with the fields
//! an edit changed. The migration's triggers refuse updates and deletes of both tables.

use crate::rows::HistoryRow;
use crate::{SqliteStore, backend};
use sarnakh_core::domain::{FieldChange, HistoryEntry, RecordRef};
use sarnakh_core::store::StoreError;
use sqlx::SqliteConnection;
use std::collections::HashMap;
use uuid::Uuid;

const HISTORY_COLUMNS: &str = "id, subject_type, subject_id, kind, from_state, to_state, reason, note, related_type, related_id, actor_id, at, token_id, playbook_version, seq";

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

impl SqliteStore {
    pub(crate) async fn history_rows_of(
        &self,
        subject: RecordRef,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(&format!("select {HISTORY_COLUMNS} from history where subject_type = $1 and subject_id = $2 order by seq"))
            .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.read).await.map_err(backend)?;
        let changes: Vec<(Uuid, String, Option<String>, Option<String>)> = sqlx::query_as(
            "select c.history_id, c.field, c.old_value, c.new_value from history_changes c join history h on h.id = c.history_id where h.subject_type = $1 and h.subject_id = $2 order by c.history_id, c.position",
        )
        .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.read).await.map_err(backend)?;
        let mut by_row: HashMap<Uuid, Vec<FieldChange>> = HashMap::new();
        for (id, field, old, new) in changes {
            by_row
                .entry(id)
                .or_default()
                .push(FieldChange { field, old, new });
        }
        rows.into_iter()
            .map(|r| {
                let mut entry = HistoryEntry::try_from(r)?;
                entry.changes = by_row.remove(&entry.id.as_uuid()).unwrap_or_default();
                Ok(entry)
            })
            .collect()
    }
}
