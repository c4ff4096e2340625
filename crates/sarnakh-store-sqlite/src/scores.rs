//! Lead scores: derived data written in bulk after engagement events or a rule change, in
//! multi-row statements (no version change, no history row).

use crate::{SqliteStore, backend};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::scoring::LeadScore;
use sarnakh_core::store::StoreError;
use sqlx::{QueryBuilder, Sqlite};

/// Leads per statement: four values each, far under SQLite's 32,766.
const ROWS: usize = 500;

impl SqliteStore {
    pub(crate) async fn set_lead_score_rows(
        &self,
        scores: &[(LeadId, LeadScore)],
    ) -> Result<(), StoreError> {
        // In id order, like the PostgreSQL adapter (one writer here, so nothing to deadlock).
        let mut ordered: Vec<&(LeadId, LeadScore)> = scores.iter().collect();
        ordered.sort_by_key(|(id, _)| *id);
        let mut tx = self.write.begin().await.map_err(backend)?;
        for chunk in ordered.chunks(ROWS) {
            // `update ... from` needs SQLite 3.33; the bundled one is newer.
            let mut q = QueryBuilder::<Sqlite>::new("with v (id, score, lines, grade) as (");
            q.push_values(chunk, |mut row, (id, s)| {
                row.push_bind(id.as_uuid())
                    .push_bind(s.total)
                    .push_bind(serde_json::to_string(&s.lines).expect("score lines serialise"))
                    .push_bind(s.grade.as_str());
            });
            // `+v.id` keeps the planner from indexing `v` and walking every lead's entry in
            // `leads_score` to probe it (SQLite 3.46 chose that: 240 ms a statement at 1M
            // leads); with it, each of the 500 leads is found by its id (39 ms).
            q.push(
                ") update leads set score = v.score, score_lines = v.lines, grade = v.grade \
                 from v where leads.id = +v.id",
            );
            q.build().execute(&mut *tx).await.map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }
}
