//! Engagement events: idempotent batch inserts and per-lead reads.

use crate::rows::EventRow;
use crate::{SqliteStore, backend};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::event::EngagementEvent;
use sarnakh_core::store::StoreError;
use uuid::Uuid;

impl SqliteStore {
    pub(crate) async fn insert_event_rows(
        &self,
        events: &[EngagementEvent],
        received_at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let mut new = 0;
        for e in events {
            let done = sqlx::query("insert into events (id, lead_id, kind, url, occurred_at, received_at) values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing")
                .bind(&e.id).bind(e.lead_id.as_uuid()).bind(e.kind.as_str()).bind(&e.url).bind(e.occurred_at).bind(received_at)
                .execute(&mut *tx).await.map_err(backend)?;
            new += usize::try_from(done.rows_affected()).unwrap_or(0);
        }
        tx.commit().await.map_err(backend)?;
        Ok(new)
    }

    pub(crate) async fn event_rows_of(
        &self,
        lead: LeadId,
    ) -> Result<Vec<EngagementEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as("select id, lead_id, kind, url, occurred_at from events where lead_id = $1 order by occurred_at, id")
            .bind(lead.as_uuid())
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        rows.into_iter().map(EngagementEvent::try_from).collect()
    }

    pub(crate) async fn lead_id_by_email(&self, email: &str) -> Result<Option<LeadId>, StoreError> {
        let id: Option<Uuid> = sqlx::query_scalar("select id from leads where lower(email) = lower($1) order by created_at desc, id desc limit 1")
            .bind(email).fetch_optional(&self.read).await.map_err(backend)?;
        Ok(id.map(LeadId::from_uuid))
    }
}
