//! Queries of A/B experiments (the experiments, the leads' assignments, the report's
//! per-variant counts), the same for both SQL stores: `experiment_queries!` expands them
//! as module `experiments` with `impl ExperimentStore` in each store crate. The indexes
//! are in migration `20261129000019_experiments.sql`.

use sarnakh_core::domain::FormId;
use sarnakh_core::domain::experiment::Variant;
use sarnakh_core::store::StoreError;
use serde_json::{Value, json};

/// The variants as stored: a JSON array of objects.
pub fn variants_json(variants: &[Variant]) -> String {
    Value::Array(
        variants
            .iter()
            .map(|v| {
                json!({
                    "key": v.key,
                    "name": v.name,
                    "form_id": v.form_id.map(|f| f.to_string()),
                    "campaign": v.campaign,
                    "weight": v.weight,
                })
            })
            .collect(),
    )
    .to_string()
}

/// The variants from their stored JSON.
pub fn variants_from(text: &str) -> Result<Vec<Variant>, StoreError> {
    let bad = || crate::rows::corrupt("experiment variants", text);
    let list: Vec<Value> = serde_json::from_str(text).map_err(|_| bad())?;
    list.iter()
        .map(|v| {
            let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
            Ok(Variant {
                key: s("key").ok_or_else(bad)?,
                name: s("name").ok_or_else(bad)?,
                form_id: s("form_id")
                    .map(|f| f.parse::<FormId>().map_err(|_| bad()))
                    .transpose()?,
                campaign: s("campaign"),
                weight: v
                    .get("weight")
                    .and_then(Value::as_u64)
                    .and_then(|w| u32::try_from(w).ok())
                    .ok_or_else(bad)?,
            })
        })
        .collect()
}

/// Expands the experiment queries as module `experiments` in the calling store crate.
#[macro_export]
macro_rules! experiment_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod experiments {
        //! A/B experiments: rows, assignments, report counts.

        use super::{$store, backend};
        use async_trait::async_trait;
        use sarnakh_core::domain::experiment::{Assignment, Experiment, LeadOrigin};
        use sarnakh_core::domain::report::ReportScope;
        use sarnakh_core::domain::{ExperimentId, FormId, LeadId, UserId};
        use sarnakh_core::store::{CandidateWindow, ExperimentStore, StoreError, StoreResult, VariantCounts};
        use sqlx::{QueryBuilder, Row};
        use uuid::Uuid;

        type DbRow = <sqlx::$db as sqlx::Database>::Row;

        const COLUMNS: &str = "id, key, name, description, kind, method, status, variants, started_at, stopped_at, created_by, created_at, updated_at, version";

        /// A lead's accepted form submission, if it came from a form.
        const ORIGIN: &str = "select l.id as id, l.campaign as campaign, l.created_at as created_at, \
            (select s.form_id from form_submissions s where s.lead_id = l.id and s.status = 'accepted' order by s.received_at limit 1) as form_id \
            from leads l where ";

        fn experiment_from(row: &DbRow) -> Result<Experiment, StoreError> {
            use $crate::rows::parse;
            use sarnakh_core::domain::experiment::{AssignmentMethod, ExperimentKind, ExperimentStatus};
            let text = |c: &str| -> Result<String, StoreError> { row.try_get(c).map_err(backend) };
            let by: Option<Uuid> = row.try_get("created_by").map_err(backend)?;
            Ok(Experiment {
                id: ExperimentId::from_uuid(row.try_get("id").map_err(backend)?),
                key: text("key")?,
                name: text("name")?,
                description: row.try_get("description").map_err(backend)?,
                kind: parse("experiment kind", &text("kind")?, ExperimentKind::parse)?,
                method: parse("assignment method", &text("method")?, AssignmentMethod::parse)?,
                status: parse("experiment status", &text("status")?, ExperimentStatus::parse)?,
                variants: $crate::experiments::variants_from(&text("variants")?)?,
                started_at: row.try_get("started_at").map_err(backend)?,
                stopped_at: row.try_get("stopped_at").map_err(backend)?,
                created_by: by.map(UserId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                version: row.try_get("version").map_err(backend)?,
            })
        }

        fn origin_from(row: &DbRow) -> Result<LeadOrigin, StoreError> {
            let form: Option<Uuid> = row.try_get("form_id").map_err(backend)?;
            Ok(LeadOrigin {
                lead_id: LeadId::from_uuid(row.try_get("id").map_err(backend)?),
                campaign: row.try_get("campaign").map_err(backend)?,
                form_id: form.map(FormId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
            })
        }

        fn count(row: &DbRow, col: &str) -> Result<u64, StoreError> {
            let n: Option<i64> = row.try_get(col).map_err(backend)?;
            Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        }

        fn push_ids(qb: &mut QueryBuilder<'static, sqlx::$db>, ids: &[LeadId]) {
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(id.as_uuid());
            }
            if ids.is_empty() {
                list.push("null");
            }
        }

        impl $store {
            async fn experiments_where(&self, cond: &str, value: Option<String>) -> Result<Vec<Experiment>, StoreError> {
                let sql = format!("select {COLUMNS} from experiments where {cond} order by created_at desc, id desc");
                let rows = match value {
                    Some(v) => sqlx::query(&sql).bind(v).fetch_all(&self.$read).await,
                    None => sqlx::query(&sql).fetch_all(&self.$read).await,
                }
                .map_err(backend)?;
                rows.iter().map(experiment_from).collect()
            }

            async fn write_experiment(&self, x: &Experiment, expected: Option<i64>) -> Result<u64, StoreError> {
                let sql = match expected {
                    None => format!("insert into experiments ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"),
                    Some(_) => "update experiments set key = $2, name = $3, description = $4, kind = $5, method = $6, status = $7, variants = $8, \
                        started_at = $9, stopped_at = $10, created_by = $11, created_at = $12, updated_at = $13, version = $14 where id = $1 and version = $15".to_owned(),
                };
                let mut query = sqlx::query(&sql)
                    .bind(x.id.as_uuid()).bind(&x.key).bind(&x.name).bind(&x.description)
                    .bind(x.kind.as_str()).bind(x.method.as_str()).bind(x.status.as_str())
                    .bind($crate::experiments::variants_json(&x.variants))
                    .bind(x.started_at).bind(x.stopped_at).bind(x.created_by.map(|u| u.as_uuid()))
                    .bind(x.created_at).bind(x.updated_at).bind(x.version);
                if let Some(v) = expected {
                    query = query.bind(v);
                }
                let done = query.execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected())
            }
        }

        #[async_trait]
        impl ExperimentStore for $store {
            async fn insert_experiment(&self, x: &Experiment) -> StoreResult<()> {
                self.write_experiment(x, None).await.map(|_| ())
            }

            async fn update_experiment(&self, x: &Experiment, expected: i64) -> StoreResult<()> {
                match self.write_experiment(x, Some(expected)).await? {
                    0 => Err(StoreError::StaleVersion),
                    _ => Ok(()),
                }
            }

            async fn get_experiment(&self, id: ExperimentId) -> StoreResult<Option<Experiment>> {
                let row = sqlx::query(&format!("select {COLUMNS} from experiments where id = $1"))
                    .bind(id.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(experiment_from).transpose()
            }

            async fn experiment_by_key(&self, key: &str) -> StoreResult<Option<Experiment>> {
                Ok(self.experiments_where("key = $1", Some(key.to_owned())).await?.into_iter().next())
            }

            async fn list_experiments(&self) -> StoreResult<Vec<Experiment>> {
                self.experiments_where("1 = 1", None).await
            }

            async fn running_experiments(&self) -> StoreResult<Vec<Experiment>> {
                self.experiments_where("status = $1", Some("running".to_owned())).await
            }

            async fn insert_assignments(&self, list: &[Assignment]) -> StoreResult<u64> {
                if list.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let mut new = 0;
                for a in list {
                    let done = sqlx::query("insert into experiment_assignments (experiment_id, lead_id, variant, assigned_at) values ($1, $2, $3, $4) \
                        on conflict (experiment_id, lead_id) do nothing")
                        .bind(a.experiment_id.as_uuid()).bind(a.lead_id.as_uuid()).bind(&a.variant).bind(a.assigned_at)
                        .execute(&mut *tx).await.map_err(backend)?;
                    new += done.rows_affected();
                }
                tx.commit().await.map_err(backend)?;
                Ok(new)
            }

            async fn unassigned_leads(&self, experiment: ExperimentId, w: &CandidateWindow) -> StoreResult<Vec<LeadOrigin>> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(ORIGIN);
                qb.push("l.created_at >= ").push_bind(w.from);
                qb.push(" and l.created_at < ").push_bind(w.to);
                qb.push(" and not exists (select 1 from experiment_assignments a where a.lead_id = l.id and a.experiment_id = ")
                    .push_bind(experiment.as_uuid()).push(")");
                if let Some((at, id)) = w.after {
                    qb.push(" and (l.created_at, l.id) > (").push_bind(at).push(", ").push_bind(id.as_uuid()).push(")");
                }
                qb.push(" order by l.created_at, l.id limit ").push_bind(i64::from(w.limit));
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(origin_from).collect()
            }

            async fn lead_origins(&self, leads: &[LeadId]) -> StoreResult<Vec<LeadOrigin>> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(ORIGIN);
                qb.push("l.id in (");
                push_ids(&mut qb, leads);
                qb.push(")");
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(origin_from).collect()
            }

            async fn assigned_among(&self, experiment: ExperimentId, leads: &[LeadId]) -> StoreResult<Vec<LeadId>> {
                let mut qb: QueryBuilder<'static, sqlx::$db> =
                    QueryBuilder::new("select lead_id from experiment_assignments where experiment_id = ");
                qb.push_bind(experiment.as_uuid()).push(" and lead_id in (");
                push_ids(&mut qb, leads);
                qb.push(")");
                let ids: Vec<Uuid> = qb.build_query_scalar().fetch_all(&self.$read).await.map_err(backend)?;
                Ok(ids.into_iter().map(LeadId::from_uuid).collect())
            }

            async fn experiment_counts(&self, experiment: ExperimentId, scope: &ReportScope) -> StoreResult<Vec<VariantCounts>> {
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(
                    "select a.variant as variant, count(*) as n, \
                     sum(case when l.qualified_at >= a.assigned_at then 1 else 0 end) as prospects, \
                     sum(case when l.converted_at >= a.assigned_at then 1 else 0 end) as opportunities, \
                     sum(case when exists (select 1 from opportunities o where o.lead_id = l.id and o.status = 'won' and o.closed_at >= a.assigned_at) then 1 else 0 end) as won \
                     from experiment_assignments a join leads l on l.id = a.lead_id where a.experiment_id = ",
                );
                qb.push_bind(experiment.as_uuid());
                $crate::reports::push_filter(&mut qb, &scope.filter, "l.owner_id", false);
                $crate::list::push_visibility(&mut qb, &scope.lead_visibility, "l.owner_id", Some("l.team_id"));
                if let Some(p) = &scope.period {
                    $crate::reports::push_period(&mut qb, "a.assigned_at", p);
                }
                qb.push(" group by a.variant");
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        Ok(VariantCounts {
                            variant: row.try_get("variant").map_err(backend)?,
                            exposed: count(row, "n")?,
                            prospects: count(row, "prospects")?,
                            opportunities: count(row, "opportunities")?,
                            won: count(row, "won")?,
                        })
                    })
                    .collect()
            }
        }
        }
    };
}
