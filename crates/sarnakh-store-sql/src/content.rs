//! Queries of the nurture content library (items, sendings with their activity, the
//! content report's counts), the same for both SQL stores: `content_queries!` expands them
//! as module `content` with `impl ContentStore` in each store crate. The indexes are in
//! migration `20261129000020_content.sql`.

use sarnakh_core::store::StoreError;

/// Products as stored: a JSON array of strings.
pub fn products_json(products: &[String]) -> String {
    serde_json::Value::from(products.to_vec()).to_string()
}

/// Products from their stored JSON.
pub fn products_from(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| crate::rows::corrupt("content products", text))
}

/// Expands the content queries as module `content` in the calling store crate.
#[macro_export]
macro_rules! content_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod content {
        //! Nurture content: items, sendings, report counts.

        use super::{$store, backend};
        use async_trait::async_trait;
        use sarnakh_core::domain::content::{ContentItem, ContentSend, ContentStage};
        use sarnakh_core::domain::report::ReportScope;
        use sarnakh_core::domain::{Activity, ContentId, RecordRef, UserId};
        use sarnakh_core::store::{ContentCounts, ContentStore, StoreError, StoreResult};
        use sqlx::{QueryBuilder, Row};
        use uuid::Uuid;

        type DbRow = <sqlx::$db as sqlx::Database>::Row;

        const COLUMNS: &str = "id, title, url, stage, products, language, active, created_by, created_at, updated_at, version";

        fn item_from(row: &DbRow) -> Result<ContentItem, StoreError> {
            let text = |c: &str| -> Result<String, StoreError> { row.try_get(c).map_err(backend) };
            let by: Option<Uuid> = row.try_get("created_by").map_err(backend)?;
            Ok(ContentItem {
                id: ContentId::from_uuid(row.try_get("id").map_err(backend)?),
                title: text("title")?,
                url: text("url")?,
                stage: $crate::rows::parse("content stage", &text("stage")?, ContentStage::parse)?,
                products: $crate::content::products_from(&text("products")?)?,
                language: text("language")?,
                active: row.try_get("active").map_err(backend)?,
                created_by: by.map(UserId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                version: row.try_get("version").map_err(backend)?,
            })
        }

        fn count(row: &DbRow, col: &str) -> Result<u64, StoreError> {
            let n: Option<i64> = row.try_get(col).map_err(backend)?;
            Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        }

        impl $store {
            async fn write_content(&self, c: &ContentItem, expected: Option<i64>) -> Result<u64, StoreError> {
                let sql = match expected {
                    None => format!("insert into content_items ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
                    Some(_) => "update content_items set title = $2, url = $3, stage = $4, products = $5, language = $6, active = $7, \
                        created_by = $8, created_at = $9, updated_at = $10, version = $11 where id = $1 and version = $12".to_owned(),
                };
                let mut query = sqlx::query(&sql)
                    .bind(c.id.as_uuid()).bind(&c.title).bind(&c.url).bind(c.stage.as_str())
                    .bind($crate::content::products_json(&c.products)).bind(&c.language).bind(c.active)
                    .bind(c.created_by.map(|u| u.as_uuid())).bind(c.created_at).bind(c.updated_at).bind(c.version);
                if let Some(v) = expected {
                    query = query.bind(v);
                }
                let done = query.execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected())
            }
        }

        #[async_trait]
        impl ContentStore for $store {
            async fn insert_content(&self, item: &ContentItem) -> StoreResult<()> {
                self.write_content(item, None).await.map(|_| ())
            }

            async fn update_content(&self, item: &ContentItem, expected: i64) -> StoreResult<()> {
                match self.write_content(item, Some(expected)).await? {
                    0 => Err(StoreError::StaleVersion),
                    _ => Ok(()),
                }
            }

            async fn get_content(&self, id: ContentId) -> StoreResult<Option<ContentItem>> {
                let row = sqlx::query(&format!("select {COLUMNS} from content_items where id = $1"))
                    .bind(id.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(item_from).transpose()
            }

            async fn list_content(&self) -> StoreResult<Vec<ContentItem>> {
                let rows = sqlx::query(&format!("select {COLUMNS} from content_items order by created_at, id"))
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(item_from).collect()
            }

            async fn insert_content_send(&self, activity: &Activity, s: &ContentSend) -> StoreResult<()> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                super::work::insert_activity_in(&mut tx, activity).await?;
                sqlx::query("insert into content_sends (activity_id, content_id, subject_type, subject_id, lead_id, sent_at, sent_by) \
                    values ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(s.activity_id.as_uuid()).bind(s.content_id.as_uuid()).bind(s.subject.kind()).bind(s.subject.uuid())
                    .bind(s.lead_id.map(|l| l.as_uuid())).bind(s.sent_at).bind(s.sent_by.map(|u| u.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            async fn content_sent_to(&self, subject: RecordRef) -> StoreResult<Vec<ContentId>> {
                let ids: Vec<Uuid> = sqlx::query_scalar("select distinct content_id from content_sends where subject_type = $1 and subject_id = $2")
                    .bind(subject.kind()).bind(subject.uuid())
                    .fetch_all(&self.$read).await.map_err(backend)?;
                Ok(ids.into_iter().map(ContentId::from_uuid).collect())
            }

            async fn content_counts(&self, scope: &ReportScope) -> StoreResult<Vec<ContentCounts>> {
                // Per item and lead: the first sending in the period; then per item, the
                // leads that qualified, converted or won at or after it.
                let mut qb: QueryBuilder<'static, sqlx::$db> = QueryBuilder::new(
                    "with firsts as (select s.content_id as content_id, s.lead_id as lead_id, min(s.sent_at) as first_at, count(*) as sends \
                     from content_sends s join leads l on l.id = s.lead_id where 1 = 1",
                );
                if let Some(p) = &scope.period {
                    $crate::reports::push_period(&mut qb, "s.sent_at", p);
                }
                $crate::reports::push_filter(&mut qb, &scope.filter, "l.owner_id", false);
                $crate::list::push_visibility(&mut qb, &scope.lead_visibility, "l.owner_id", Some("l.team_id"));
                qb.push(
                    " group by s.content_id, s.lead_id) \
                     select f.content_id as content_id, cast(sum(f.sends) as bigint) as sends, count(*) as leads, \
                     sum(case when l.qualified_at >= f.first_at then 1 else 0 end) as qualified, \
                     sum(case when l.converted_at >= f.first_at then 1 else 0 end) as converted, \
                     sum(case when exists (select 1 from opportunities o where o.lead_id = f.lead_id and o.status = 'won' and o.closed_at >= f.first_at) then 1 else 0 end) as won \
                     from firsts f join leads l on l.id = f.lead_id group by f.content_id",
                );
                let rows = qb.build().fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        Ok(ContentCounts {
                            content_id: ContentId::from_uuid(row.try_get("content_id").map_err(backend)?),
                            sends: count(row, "sends")?,
                            leads: count(row, "leads")?,
                            qualified: count(row, "qualified")?,
                            converted: count(row, "converted")?,
                            won: count(row, "won")?,
                        })
                    })
                    .collect()
            }
        }
        }
    };
}
