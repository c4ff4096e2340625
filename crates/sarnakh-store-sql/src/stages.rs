//! Queries of the pipeline's stage settings (the version in force, deals per stage, saving a
//! new stage list with its change-log row, reading the change log), the same for both SQL
//! stores: `stage_queries!` expands them as module `stages` with `impl StageStore` in each
//! store crate. Schema: migration `20261129000025_stage_settings.sql`.

use chrono::{DateTime, Utc};
use sarnakh_core::domain::forecast::ForecastCategory;
use sarnakh_core::domain::history::FieldChange;
use sarnakh_core::domain::{PipelineStage, StageKind};
use sarnakh_core::store::StoreError;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A stage's labels as stored: a JSON object of language -> name.
pub fn labels_json(labels: &BTreeMap<String, String>) -> String {
    json!(labels).to_string()
}

/// Labels from their stored JSON.
pub fn labels_from(text: &str) -> Result<BTreeMap<String, String>, StoreError> {
    serde_json::from_str(text).map_err(|_| crate::rows::corrupt("stage labels", text))
}

/// A version's stages as stored (a JSON array).
pub fn stages_json(stages: &[PipelineStage]) -> String {
    let stages: Vec<Value> = stages
        .iter()
        .map(|s| {
            json!({
                "key": s.key, "name": s.name, "labels": s.labels, "probability": s.probability,
                "position": s.position, "kind": s.kind.as_str(),
                "forecast_category": s.forecast_category.as_str(),
                "retired_at": s.retired_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    Value::from(stages).to_string()
}

/// A version's stages from their stored JSON.
pub fn stages_from(text: &str) -> Result<Vec<PipelineStage>, StoreError> {
    let bad = || crate::rows::corrupt("stage version", text);
    let values: Vec<Value> = serde_json::from_str(text).map_err(|_| bad())?;
    values
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().map(str::to_owned).ok_or_else(bad);
            Ok(PipelineStage {
                key: s("key")?,
                name: s("name")?,
                labels: serde_json::from_value(v["labels"].clone()).map_err(|_| bad())?,
                probability: v["probability"]
                    .as_u64()
                    .and_then(|p| u8::try_from(p).ok())
                    .ok_or_else(bad)?,
                position: v["position"]
                    .as_i64()
                    .and_then(|p| i32::try_from(p).ok())
                    .ok_or_else(bad)?,
                kind: StageKind::parse(&s("kind")?).ok_or_else(bad)?,
                forecast_category: ForecastCategory::parse(&s("forecast_category")?)
                    .ok_or_else(bad)?,
                retired_at: match v["retired_at"].as_str() {
                    Some(t) => Some(
                        DateTime::parse_from_rfc3339(t)
                            .map_err(|_| bad())?
                            .with_timezone(&Utc),
                    ),
                    None => None,
                },
            })
        })
        .collect()
}

/// Changes as stored (a JSON array of `{field, old, new}`).
pub fn changes_json(changes: &[FieldChange]) -> String {
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| json!({"field": c.field, "old": c.old, "new": c.new}))
        .collect();
    Value::from(changes).to_string()
}

/// Changes from their stored JSON.
pub fn changes_from(text: &str) -> Result<Vec<FieldChange>, StoreError> {
    let bad = || crate::rows::corrupt("stage changes", text);
    let values: Vec<Value> = serde_json::from_str(text).map_err(|_| bad())?;
    values
        .iter()
        .map(|v| {
            Ok(FieldChange {
                field: v["field"].as_str().ok_or_else(bad)?.to_owned(),
                old: v["old"].as_str().map(str::to_owned),
                new: v["new"].as_str().map(str::to_owned),
            })
        })
        .collect()
}

/// Removed keys from their stored JSON.
pub fn removed_from(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| crate::rows::corrupt("removed stages", text))
}

/// Expands the stage settings queries as module `stages` in the calling store crate.
#[macro_export]
macro_rules! stage_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod stages {
        //! Pipeline stage settings: version, deal counts, saving, change log.

        use super::{$store, backend};
        use async_trait::async_trait;
        use sarnakh_core::domain::{TokenId, UserId};
        use sarnakh_core::store::{StageStore, StageVersion, StoreError, StoreResult};
        use sqlx::Row;
        use std::collections::HashMap;
        use uuid::Uuid;

        #[async_trait]
        impl StageStore for $store {
            async fn pipeline_version(&self) -> StoreResult<i64> {
                let v: Option<i64> = sqlx::query_scalar("select max(version) from pipeline_versions")
                    .fetch_one(&self.$read).await.map_err(backend)?;
                Ok(v.unwrap_or(0))
            }

            async fn stage_deal_counts(&self) -> StoreResult<HashMap<String, u64>> {
                // Served by opportunities_stage_created (stage first).
                let rows = sqlx::query("select stage, count(*) as n from opportunities group by stage")
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|r| {
                        let n: i64 = r.try_get("n").map_err(backend)?;
                        Ok((r.try_get("stage").map_err(backend)?, u64::try_from(n).unwrap_or(0)))
                    })
                    .collect()
            }

            async fn save_stages(&self, v: &StageVersion) -> StoreResult<()> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let newest: Option<i64> = sqlx::query_scalar("select max(version) from pipeline_versions")
                    .fetch_one(&mut *tx).await.map_err(backend)?;
                if newest.unwrap_or(0) != v.version - 1 {
                    return Err(StoreError::StaleVersion);
                }
                // The version row first: a concurrent save of the same version waits on its
                // key and then fails, before touching any stage.
                let inserted = sqlx::query("insert into pipeline_versions (version, stages, removed, changes, changed_at, changed_by, token_id) \
                    values ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(v.version).bind($crate::stages::stages_json(&v.stages))
                    .bind(serde_json::Value::from(v.removed.clone()).to_string())
                    .bind($crate::stages::changes_json(&v.changes)).bind(v.at)
                    .bind(v.by.map(|u| u.as_uuid())).bind(v.token_id.map(|t| t.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend);
                match inserted {
                    Err(StoreError::Conflict { .. }) => return Err(StoreError::StaleVersion),
                    other => { other?; }
                }
                for key in &v.removed {
                    let deals: i64 = sqlx::query_scalar("select count(*) from opportunities where stage = $1")
                        .bind(key).fetch_one(&mut *tx).await.map_err(backend)?;
                    if deals > 0 {
                        return Err(StoreError::Conflict { constraint: "stage_in_use".into() });
                    }
                    sqlx::query("delete from pipeline_stages where key = $1")
                        .bind(key).execute(&mut *tx).await.map_err(backend)?;
                }
                // Positions are unique: move every row out of the way before renumbering.
                sqlx::query("update pipeline_stages set position = -position - 1000")
                    .execute(&mut *tx).await.map_err(backend)?;
                for s in &v.stages {
                    sqlx::query("insert into pipeline_stages (key, name, probability, position, kind, forecast_category, labels, retired_at) \
                        values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (key) do update set name = excluded.name, \
                        probability = excluded.probability, position = excluded.position, kind = excluded.kind, \
                        forecast_category = excluded.forecast_category, labels = excluded.labels, retired_at = excluded.retired_at")
                        .bind(&s.key).bind(&s.name).bind(i32::from(s.probability)).bind(s.position).bind(s.kind.as_str())
                        .bind(s.forecast_category.as_str()).bind($crate::stages::labels_json(&s.labels)).bind(s.retired_at)
                        .execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }

            async fn stage_versions(&self, limit: u32) -> StoreResult<Vec<StageVersion>> {
                let rows = sqlx::query("select version, stages, removed, changes, changed_at, changed_by, token_id \
                    from pipeline_versions order by version desc limit $1")
                    .bind(i64::from(limit)).fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|r| {
                        let text = |c: &str| -> StoreResult<String> { r.try_get(c).map_err(backend) };
                        let by: Option<Uuid> = r.try_get("changed_by").map_err(backend)?;
                        let token: Option<Uuid> = r.try_get("token_id").map_err(backend)?;
                        Ok(StageVersion {
                            version: r.try_get("version").map_err(backend)?,
                            stages: $crate::stages::stages_from(&text("stages")?)?,
                            removed: $crate::stages::removed_from(&text("removed")?)?,
                            changes: $crate::stages::changes_from(&text("changes")?)?,
                            at: r.try_get("changed_at").map_err(backend)?,
                            by: by.map(UserId::from_uuid),
                            token_id: token.map(TokenId::from_uuid),
                        })
                    })
                    .collect()
            }
        }
        }
    };
}
