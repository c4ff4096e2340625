//! Queries of webhooks and the outbox (subscriptions, fan-out, claiming, attempts, the
//! event stream's reads, `task.overdue` events, pruning), the same for both SQL stores:
//! `webhook_queries!` expands them as module `webhooks` with `impl WebhookStore` in each
//! store crate. `$lock_o` and `$lock_d` are the row-locking clauses of the outbox and delivery claims (`for update of x skip
//! locked` on PostgreSQL; empty on SQLite, whose single writer makes each statement
//! atomic). Tables, triggers and indexes: migration `20261129000023_webhooks.sql`.

/// Expands the webhook queries as module `webhooks` in the calling store crate.
#[macro_export]
macro_rules! webhook_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident, $lock_o:literal, $lock_d:literal) => {
        pub(crate) mod webhooks {
        //! Webhooks, the outbox and deliveries.

        use super::{$store, backend};
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::webhook::{AttemptOutcome, ClaimedDelivery, Delivery, DeliveryStatus, OutboxEvent, Webhook};
        use sarnakh_core::domain::{DeliveryId, FieldChange, UserId, WebhookId};
        use sarnakh_core::store::{FanOut, StoreError, StoreResult, StreamEvent, WebhookStore};
        use sqlx::Row;
        use uuid::Uuid;

        type DbRow = <sqlx::$db as sqlx::Database>::Row;

        const HOOK_COLUMNS: &str = "id, url, events, active, secret, description, created_by, created_at, updated_at, version";
        const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at, \
            d.last_error, d.response_code, d.created_at, d.updated_at, d.delivered_at";
        const LISTENING: &str = "(exists (select 1 from webhooks where active = true) or exists (select 1 from outbox_consumers))";

        fn hook_from(row: &DbRow) -> Result<Webhook, StoreError> {
            let by: Option<Uuid> = row.try_get("created_by").map_err(backend)?;
            let events: String = row.try_get("events").map_err(backend)?;
            Ok(Webhook {
                id: WebhookId::from_uuid(row.try_get("id").map_err(backend)?),
                url: row.try_get("url").map_err(backend)?,
                events: $crate::webhook_data::events_from(&events)?,
                active: row.try_get("active").map_err(backend)?,
                secret: row.try_get("secret").map_err(backend)?,
                description: row.try_get("description").map_err(backend)?,
                created_by: by.map(UserId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                version: row.try_get("version").map_err(backend)?,
            })
        }

        fn delivery_from(row: &DbRow) -> Result<Delivery, StoreError> {
            let status: String = row.try_get("status").map_err(backend)?;
            Ok(Delivery {
                id: DeliveryId::from_uuid(row.try_get("id").map_err(backend)?),
                webhook_id: WebhookId::from_uuid(row.try_get("webhook_id").map_err(backend)?),
                event_id: row.try_get("event_id").map_err(backend)?,
                event_type: row.try_get("event_type").map_err(backend)?,
                payload: row.try_get("payload").map_err(backend)?,
                status: $crate::rows::parse("delivery status", &status, DeliveryStatus::parse)?,
                attempts: row.try_get("attempts").map_err(backend)?,
                next_attempt_at: row.try_get("next_attempt_at").map_err(backend)?,
                last_error: row.try_get("last_error").map_err(backend)?,
                response_code: row.try_get("response_code").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                delivered_at: row.try_get("delivered_at").map_err(backend)?,
            })
        }

        fn count(row: &DbRow) -> Result<u64, StoreError> {
            let n: i64 = row.try_get(0).map_err(backend)?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        impl $store {
            async fn write_webhook(&self, w: &Webhook, expected: Option<i64>) -> Result<u64, StoreError> {
                let sql = match expected {
                    None => format!("insert into webhooks ({HOOK_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
                    Some(_) => "update webhooks set url = $2, events = $3, active = $4, secret = $5, description = $6, \
                        created_by = $7, created_at = $8, updated_at = $9, version = $10 where id = $1 and version = $11".to_owned(),
                };
                let mut query = sqlx::query(&sql)
                    .bind(w.id.as_uuid()).bind(&w.url).bind($crate::webhook_data::events_json(&w.events)).bind(w.active)
                    .bind(&w.secret).bind(&w.description).bind(w.created_by.map(|u| u.as_uuid()))
                    .bind(w.created_at).bind(w.updated_at).bind(w.version);
                if let Some(v) = expected {
                    query = query.bind(v);
                }
                Ok(query.execute(&self.$write).await.map_err(backend)?.rows_affected())
            }

            /// The outbox events of one fan-out pass, with their history's fields and changes.
            async fn outbox_batch(tx: &mut sqlx::Transaction<'static, sqlx::$db>, limit: u32) -> Result<Vec<OutboxEvent>, StoreError> {
                let sql = format!("select o.event_id, o.event_type, o.subject_type, o.subject_id, o.occurred_at, o.seq, o.actor_id, o.data, \
                    h.id as history_id, h.from_state, h.to_state, h.reason, h.note, h.related_type, h.related_id \
                    from outbox o left join history h on h.id = o.event_id \
                    where o.fanned_out = false order by o.position limit $1{}", $lock_o);
                let rows = sqlx::query(&sql).bind(i64::from(limit)).fetch_all(&mut **tx).await.map_err(backend)?;
                let mut events = Vec::with_capacity(rows.len());
                for row in &rows {
                    let get_s = |c: &str| -> Result<Option<String>, StoreError> { row.try_get(c).map_err(backend) };
                    let history_id: Option<Uuid> = row.try_get("history_id").map_err(backend)?;
                    let changes = match history_id {
                        Some(id) => Self::changes_of(tx, id).await?,
                        None => Vec::new(),
                    };
                    let history = $crate::webhook_data::history_data(
                        history_id, get_s("from_state")?, get_s("to_state")?, get_s("reason")?, get_s("note")?,
                        get_s("related_type")?, row.try_get("related_id").map_err(backend)?, changes,
                    );
                    let data: Option<String> = get_s("data")?;
                    let subject_type: String = row.try_get("subject_type").map_err(backend)?;
                    let subject_id: Uuid = row.try_get("subject_id").map_err(backend)?;
                    let mut data = $crate::webhook_data::event_data(data.as_deref(), history)?;
                    if let (Some(record), Some(map)) = (Self::record_of(tx, &subject_type, subject_id).await?, data.as_object_mut()) {
                        map.insert("record".to_owned(), record);
                    }
                    events.push(OutboxEvent {
                        id: row.try_get("event_id").map_err(backend)?,
                        event_type: row.try_get("event_type").map_err(backend)?,
                        subject_type,
                        subject_id,
                        occurred_at: row.try_get("occurred_at").map_err(backend)?,
                        seq: row.try_get("seq").map_err(backend)?,
                        actor_id: row.try_get("actor_id").map_err(backend)?,
                        data,
                    });
                }
                Ok(events)
            }

            /// The subject's main fields as they are now (leads, deals, accounts: one
            /// lookup by primary key); `None` for other subjects or a vanished record.
            async fn record_of(tx: &mut sqlx::Transaction<'static, sqlx::$db>, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>, StoreError> {
                let sql = match kind {
                    "lead" => "select first_name, last_name, email, phone, company, country, source, stage, status, owner_id, score, grade, version from leads where id = $1",
                    "opportunity" => "select name, product, amount_minor, currency, stage, status, account_id, owner_id, version from opportunities where id = $1",
                    "account" => "select name, country, industry, owner_id, version from accounts where id = $1",
                    _ => return Ok(None),
                };
                let Some(r) = sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await.map_err(backend)? else {
                    return Ok(None);
                };
                let s = |c: &str| -> Result<Option<String>, StoreError> { r.try_get(c).map_err(backend) };
                let owner: Option<Uuid> = r.try_get("owner_id").map_err(backend)?;
                let version: i64 = r.try_get("version").map_err(backend)?;
                Ok(Some(match kind {
                    "lead" => serde_json::json!({
                        "first_name": s("first_name")?, "last_name": s("last_name")?, "email": s("email")?, "phone": s("phone")?,
                        "company": s("company")?, "country": s("country")?, "source": s("source")?, "stage": s("stage")?,
                        "status": s("status")?, "owner_id": owner, "score": r.try_get::<i32, _>("score").map_err(backend)?,
                        "grade": s("grade")?, "version": version,
                    }),
                    "opportunity" => serde_json::json!({
                        "name": s("name")?, "product": s("product")?, "amount_minor": r.try_get::<i64, _>("amount_minor").map_err(backend)?,
                        "currency": s("currency")?, "stage": s("stage")?, "status": s("status")?,
                        "account_id": r.try_get::<Uuid, _>("account_id").map_err(backend)?, "owner_id": owner, "version": version,
                    }),
                    _ => serde_json::json!({
                        "name": s("name")?, "country": s("country")?, "industry": s("industry")?, "owner_id": owner, "version": version,
                    }),
                }))
            }

            async fn changes_of(tx: &mut sqlx::Transaction<'static, sqlx::$db>, id: Uuid) -> Result<Vec<FieldChange>, StoreError> {
                let rows = sqlx::query("select field, old_value, new_value from history_changes where history_id = $1 order by position")
                    .bind(id).fetch_all(&mut **tx).await.map_err(backend)?;
                rows.iter().map(|r| Ok(FieldChange {
                    field: r.try_get("field").map_err(backend)?,
                    old: r.try_get("old_value").map_err(backend)?,
                    new: r.try_get("new_value").map_err(backend)?,
                })).collect()
            }

            async fn mark_overdue(tx: &mut sqlx::Transaction<'static, sqlx::$db>, row: &DbRow) -> Result<bool, StoreError> {
                let id: Uuid = row.try_get("id").map_err(backend)?;
                let due: DateTime<Utc> = row.try_get("due_at").map_err(backend)?;
                let marked = sqlx::query("insert into task_overdue_events (task_id, due_at) values ($1, $2) on conflict do nothing")
                    .bind(id).bind(due).execute(&mut **tx).await.map_err(backend)?.rows_affected();
                if marked == 0 {
                    return Ok(false);
                }
                let owner: Uuid = row.try_get("owner_id").map_err(backend)?;
                let subject_type: Option<String> = row.try_get("subject_type").map_err(backend)?;
                let subject_id: Option<Uuid> = row.try_get("subject_id").map_err(backend)?;
                let title: String = row.try_get("title").map_err(backend)?;
                let data = serde_json::json!({
                    "title": title, "due_at": due, "owner_id": owner,
                    "related": subject_type.zip(subject_id).map(|(t, i)| serde_json::json!({ "type": t, "id": i })),
                });
                sqlx::query(&format!("insert into outbox (event_id, event_type, subject_type, subject_id, occurred_at, data) \
                    select $1, 'task.overdue', 'task', $2, $3, $4 where {LISTENING}"))
                    .bind(Uuid::now_v7()).bind(id).bind(due).bind(data.to_string())
                    .execute(&mut **tx).await.map_err(backend)?;
                Ok(true)
            }
        }

        #[async_trait]
        impl WebhookStore for $store {
            async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()> {
                self.write_webhook(hook, None).await.map(|_| ())
            }

            async fn update_webhook(&self, hook: &Webhook, expected: i64) -> StoreResult<()> {
                match self.write_webhook(hook, Some(expected)).await? {
                    0 => Err(StoreError::StaleVersion),
                    _ => Ok(()),
                }
            }

            async fn get_webhook(&self, id: WebhookId) -> StoreResult<Option<Webhook>> {
                let row = sqlx::query(&format!("select {HOOK_COLUMNS} from webhooks where id = $1"))
                    .bind(id.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(hook_from).transpose()
            }

            async fn list_webhooks(&self) -> StoreResult<Vec<Webhook>> {
                let rows = sqlx::query(&format!("select {HOOK_COLUMNS} from webhooks order by created_at, id"))
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(hook_from).collect()
            }

            async fn delete_webhook(&self, id: WebhookId) -> StoreResult<()> {
                let done = sqlx::query("delete from webhooks where id = $1")
                    .bind(id.as_uuid()).execute(&self.$write).await.map_err(backend)?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            async fn fan_out_events(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<FanOut> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let events = Self::outbox_batch(&mut tx, limit).await?;
                let mut done = FanOut::default();
                if events.is_empty() {
                    return Ok(done);
                }
                let rows = sqlx::query(&format!("select {HOOK_COLUMNS} from webhooks where active = true"))
                    .fetch_all(&mut *tx).await.map_err(backend)?;
                let hooks = rows.iter().map(hook_from).collect::<Result<Vec<_>, _>>()?;
                for event in &events {
                    let payload = event.payload();
                    for hook in hooks.iter().filter(|h| h.wants(&event.event_type)) {
                        let added = sqlx::query("insert into webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, attempts, \
                            next_attempt_at, created_at, updated_at) values ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6) \
                            on conflict (webhook_id, event_id) do nothing")
                            .bind(DeliveryId::new().as_uuid()).bind(hook.id.as_uuid()).bind(event.id).bind(&event.event_type)
                            .bind(&payload).bind(now)
                            .execute(&mut *tx).await.map_err(backend)?;
                        done.deliveries += added.rows_affected();
                    }
                    sqlx::query("update outbox set fanned_out = true, payload = $2 where event_id = $1")
                        .bind(event.id).bind(&payload).execute(&mut *tx).await.map_err(backend)?;
                    done.events += 1;
                }
                tx.commit().await.map_err(backend)?;
                Ok(done)
            }

            async fn claim_deliveries(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<ClaimedDelivery>> {
                let lease = Uuid::now_v7();
                // The outer condition repeats the inner one: a PostgreSQL claimer that
                // waited on another's rows re-checks them and takes none of them.
                let due = "((status = 'pending' and next_attempt_at <= $1) or (status = 'delivering' and lease_until < $1))";
                let sql = format!("update webhook_deliveries set status = 'delivering', attempts = attempts + 1, lease_until = $2, lease_id = $3, updated_at = $1 \
                    where id in (select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id where w.active = true and \
                    ((d.status = 'pending' and d.next_attempt_at <= $1) or (d.status = 'delivering' and d.lease_until < $1)) \
                    order by d.next_attempt_at limit $4{}) and {due}", $lock_d);
                sqlx::query(&sql).bind(now).bind(lease_until).bind(lease).bind(i64::from(limit))
                    .execute(&self.$write).await.map_err(backend)?;
                let rows = sqlx::query(&format!("select {DELIVERY_COLUMNS}, w.url, w.secret from webhook_deliveries d \
                    join webhooks w on w.id = d.webhook_id where d.lease_id = $1 order by d.next_attempt_at"))
                    .bind(lease).fetch_all(&self.$write).await.map_err(backend)?;
                rows.iter().map(|r| Ok(ClaimedDelivery {
                    delivery: delivery_from(r)?,
                    url: r.try_get("url").map_err(backend)?,
                    secret: r.try_get("secret").map_err(backend)?,
                    lease_id: lease,
                })).collect()
            }

            async fn finish_delivery(&self, id: DeliveryId, lease_id: Uuid, o: &AttemptOutcome, now: DateTime<Utc>) -> StoreResult<bool> {
                let delivered = (o.status == DeliveryStatus::Delivered).then_some(now);
                let done = sqlx::query("update webhook_deliveries set status = $3, next_attempt_at = $4, last_error = $5, response_code = $6, \
                    delivered_at = coalesce($7, delivered_at), lease_until = null, lease_id = null, updated_at = $8 \
                    where id = $1 and lease_id = $2 and status = 'delivering'")
                    .bind(id.as_uuid()).bind(lease_id).bind(o.status.as_str()).bind(o.next_attempt_at)
                    .bind(&o.error).bind(o.response_code).bind(delivered).bind(now)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected() == 1)
            }

            async fn list_deliveries(&self, webhook: WebhookId, status: Option<DeliveryStatus>, limit: u32) -> StoreResult<Vec<Delivery>> {
                let rows = match status {
                    Some(s) => sqlx::query(&format!("select {DELIVERY_COLUMNS} from webhook_deliveries d where d.webhook_id = $1 and d.status = $2 \
                        order by d.created_at desc, d.id desc limit $3"))
                        .bind(webhook.as_uuid()).bind(s.as_str()).bind(i64::from(limit)).fetch_all(&self.$read).await,
                    None => sqlx::query(&format!("select {DELIVERY_COLUMNS} from webhook_deliveries d where d.webhook_id = $1 \
                        order by d.created_at desc, d.id desc limit $2"))
                        .bind(webhook.as_uuid()).bind(i64::from(limit)).fetch_all(&self.$read).await,
                }.map_err(backend)?;
                rows.iter().map(delivery_from).collect()
            }

            async fn get_delivery(&self, id: DeliveryId) -> StoreResult<Option<Delivery>> {
                let row = sqlx::query(&format!("select {DELIVERY_COLUMNS} from webhook_deliveries d where d.id = $1"))
                    .bind(id.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(delivery_from).transpose()
            }

            async fn replay_delivery(&self, id: DeliveryId, now: DateTime<Utc>) -> StoreResult<Delivery> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let done = sqlx::query("update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = $2, \
                    lease_until = null, lease_id = null, updated_at = $2 where id = $1 and status in ('dead', 'delivered')")
                    .bind(id.as_uuid()).bind(now).execute(&mut *tx).await.map_err(backend)?;
                let row = sqlx::query(&format!("select {DELIVERY_COLUMNS} from webhook_deliveries d where d.id = $1"))
                    .bind(id.as_uuid()).fetch_optional(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)?;
                match (row, done.rows_affected()) {
                    (None, _) => Err(StoreError::NotFound),
                    (Some(_), 0) => Err(StoreError::Conflict { constraint: "webhook_deliveries_replayable".into() }),
                    (Some(r), _) => delivery_from(&r),
                }
            }

            async fn pending_deliveries(&self) -> StoreResult<u64> {
                let row = sqlx::query("select count(*) from webhook_deliveries where status in ('pending', 'delivering')")
                    .fetch_one(&self.$read).await.map_err(backend)?;
                count(&row)
            }

            async fn touch_outbox_consumer(&self, name: Option<&str>, now: DateTime<Utc>, stale_before: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                if let Some(name) = name {
                    sqlx::query("insert into outbox_consumers (name, seen_at) values ($1, $2) on conflict (name) do update set seen_at = excluded.seen_at")
                        .bind(name).bind(now).execute(&mut *tx).await.map_err(backend)?;
                }
                sqlx::query("delete from outbox_consumers where seen_at < $1")
                    .bind(stale_before).execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            async fn unstreamed_events(&self, limit: u32) -> StoreResult<Vec<StreamEvent>> {
                let rows = sqlx::query("select event_id, event_type, payload from outbox where fanned_out = true and streamed = false \
                    order by position limit $1")
                    .bind(i64::from(limit)).fetch_all(&self.$write).await.map_err(backend)?;
                rows.iter().map(|r| Ok(StreamEvent {
                    id: r.try_get("event_id").map_err(backend)?,
                    event_type: r.try_get("event_type").map_err(backend)?,
                    payload: r.try_get::<Option<String>, _>("payload").map_err(backend)?.unwrap_or_default(),
                })).collect()
            }

            async fn mark_streamed(&self, ids: &[Uuid]) -> StoreResult<()> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                for id in ids {
                    sqlx::query("update outbox set streamed = true where event_id = $1")
                        .bind(*id).execute(&mut *tx).await.map_err(backend)?;
                }
                tx.commit().await.map_err(backend)
            }

            async fn emit_overdue_tasks(&self, since: DateTime<Utc>, now: DateTime<Utc>, limit: u32) -> StoreResult<u64> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let rows = sqlx::query("select t.id, t.title, t.due_at, t.owner_id, t.subject_type, t.subject_id from tasks t \
                    where t.completed_at is null and t.due_at >= $1 and t.due_at < $2 \
                    and not exists (select 1 from task_overdue_events e where e.task_id = t.id and e.due_at = t.due_at) \
                    order by t.due_at, t.id limit $3")
                    .bind(since).bind(now).bind(i64::from(limit)).fetch_all(&mut *tx).await.map_err(backend)?;
                let mut marked = 0;
                for row in &rows {
                    if Self::mark_overdue(&mut tx, row).await? {
                        marked += 1;
                    }
                }
                tx.commit().await.map_err(backend)?;
                Ok(marked)
            }

            async fn prune_outbox(&self, outbox_before: DateTime<Utc>, delivered_before: DateTime<Utc>) -> StoreResult<u64> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let a = sqlx::query("delete from outbox where (fanned_out = true and (streamed = true or not exists (select 1 from outbox_consumers))) \
                    or created_at < $1")
                    .bind(outbox_before).execute(&mut *tx).await.map_err(backend)?.rows_affected();
                let b = sqlx::query("delete from webhook_deliveries where status = 'delivered' and delivered_at < $1")
                    .bind(delivered_before).execute(&mut *tx).await.map_err(backend)?.rows_affected();
                // Overdue markers older than the outbox's horizon: the relay only announces
                // tasks that fell due within the last day, so these can never repeat.
                let c = sqlx::query("delete from task_overdue_events where due_at < $1")
                    .bind(outbox_before).execute(&mut *tx).await.map_err(backend)?.rows_affected();
                tx.commit().await.map_err(backend)?;
                Ok(a + b + c)
            }

            async fn outbox_len(&self) -> StoreResult<u64> {
                let row = sqlx::query("select count(*) from outbox").fetch_one(&self.$write).await.map_err(backend)?;
                count(&row)
            }
        }
        }
    };
}
