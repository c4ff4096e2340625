//! Lead scores: derived data written in bulk after engagement events or a rule change, in
//! one statement of arrays (no version change, no history row).

use crate::{PostgresStore, backend};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::scoring::LeadScore;
use sarnakh_core::store::StoreError;
use uuid::Uuid;

impl PostgresStore {
    pub(crate) async fn set_lead_score_rows(
        &self,
        scores: &[(LeadId, LeadScore)],
    ) -> Result<(), StoreError> {
        if scores.is_empty() {
            return Ok(());
        }
        let mut ordered: Vec<&(LeadId, LeadScore)> = scores.iter().collect();
        ordered.sort_by_key(|(id, _)| *id);
        let ids: Vec<Uuid> = ordered.iter().map(|(id, _)| id.as_uuid()).collect();
        let totals: Vec<i32> = ordered.iter().map(|(_, s)| s.total).collect();
        let lines: Vec<String> = ordered
            .iter()
            .map(|(_, s)| serde_json::to_string(&s.lines).expect("score lines serialise"))
            .collect();
        let grades: Vec<&str> = ordered.iter().map(|(_, s)| s.grade.as_str()).collect();
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Lock the rows in id order first: an `update ... from` locks them in whatever order
        // its plan visits them, and two batches naming the same leads must lock them in the
        // same order or they can deadlock. `no key update` is the lock the update itself takes:
        // it does not wait for the key-share locks that inserting events (foreign keys to
        // `leads`) hold, which a plain `for update` would, in the events' order.
        sqlx::query("select id from leads where id = any($1) order by id for no key update")
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(
            "update leads set score = v.score, score_lines = v.lines, grade = v.grade \
             from unnest($1::uuid[], $2::int4[], $3::text[], $4::text[]) as v (id, score, lines, grade) \
             where leads.id = v.id",
        )
        .bind(&ids)
        .bind(&totals)
        .bind(&lines)
        .bind(&grades)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
