//! Playbook versions: the rules as JSON text, one row per version.

use crate::{PostgresStore, backend};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::UserId;
use sarnakh_core::domain::playbook::{Playbook, PlaybookRules};
use sarnakh_core::store::StoreError;
use uuid::Uuid;

impl PostgresStore {
    pub(crate) async fn current_playbook_row(&self) -> Result<Option<Playbook>, StoreError> {
        let row: Option<(i64, String, DateTime<Utc>, Option<Uuid>)> =
            sqlx::query_as("select version, rules, created_at, created_by from playbooks order by version desc limit 1")
                .fetch_optional(&self.pool).await.map_err(backend)?;
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
            .execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }
}
