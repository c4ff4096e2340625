//! Playbook and scoring rules versions (JSON text, one row per version), and storing
//! recomputed lead scores.

use crate::{SqliteStore, backend};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::UserId;
use sarnakh_core::domain::playbook::{Playbook, PlaybookRules};
use sarnakh_core::domain::scoring::{LeadScore, ScoringRules};
use sarnakh_core::store::StoreError;
use uuid::Uuid;

impl SqliteStore {
    pub(crate) async fn current_playbook_row(&self) -> Result<Option<Playbook>, StoreError> {
        let row: Option<(i64, String, DateTime<Utc>, Option<Uuid>)> =
            sqlx::query_as("select version, rules, created_at, created_by from playbooks order by version desc limit 1")
                .fetch_optional(&self.read).await.map_err(backend)?;
        row.map(|(version, rules, created_at, created_by)| {
            let rules = PlaybookRules::from_json(&rules).map_err(|e| {
                StoreError::Backend(format!(
                    "stored playbook v{version} is not valid: {}",
                    e.message
                ))
            })?;
            Ok(Playbook {
                version,
                rules,
                created_at,
                created_by: created_by.map(UserId::from_uuid),
            })
        })
        .transpose()
    }

    pub(crate) async fn save_playbook_row(&self, p: &Playbook) -> Result<(), StoreError> {
        sqlx::query("insert into playbooks (version, rules, created_at, created_by) values ($1, $2, $3, $4)")
            .bind(p.version).bind(p.rules.to_json()).bind(p.created_at).bind(p.created_by.map(|u| u.as_uuid()))
            .execute(&self.write).await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn current_scoring_row(
        &self,
    ) -> Result<Option<(i64, ScoringRules)>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "select version, rules from scoring_rules order by version desc limit 1",
        )
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        row.map(|(version, rules)| {
            let rules = ScoringRules::from_json(&rules).map_err(|e| {
                StoreError::Backend(format!(
                    "stored scoring rules v{version} are not valid: {}",
                    e.message
                ))
            })?;
            Ok((version, rules))
        })
        .transpose()
    }

    pub(crate) async fn save_scoring_row(
        &self,
        version: i64,
        rules: &ScoringRules,
        at: DateTime<Utc>,
        by: Option<UserId>,
    ) -> Result<(), StoreError> {
        sqlx::query("insert into scoring_rules (version, rules, created_at, created_by) values ($1, $2, $3, $4)")
            .bind(version).bind(rules.to_json()).bind(at).bind(by.map(|u| u.as_uuid()))
            .execute(&self.write).await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn set_lead_score_rows(
        &self,
        scores: &[(LeadId, LeadScore)],
    ) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        for (id, s) in scores {
            let lines = serde_json::to_string(&s.lines).expect("score lines serialise");
            sqlx::query("update leads set score = $2, score_lines = $3, grade = $4 where id = $1")
                .bind(id.as_uuid())
                .bind(s.total)
                .bind(lines)
                .bind(s.grade.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }
}
