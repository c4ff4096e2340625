//! Queries of email and the calendar feed (mail choices, calendar feed digests, the
//! once-only mail log, first-contact breach candidates), the same for both SQL stores:
//! `mail_queries!` expands them as module `mail` with `impl MailStore` in each store crate.
//! The tables and indexes are in migration `20261129000024_mail_calendar.sql`.

/// Expands the mail queries as module `mail` in the calling store crate.
#[macro_export]
macro_rules! mail_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod mail {
        //! Mail choices, calendar feed digests, the mail log, breach candidates.

        use super::{$store, backend};
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{LeadId, TeamId, UserId};
        use sarnakh_core::store::{
            ClaimRequest, MailClaim, MailKind, MailLogEntry, MailOutcome, MailStatus, MailStore,
            SlaCandidate, StoreError, StoreResult,
        };
        use sqlx::Row;
        use uuid::Uuid;

        type DbRow = <sqlx::$db as sqlx::Database>::Row;

        const LOG_COLUMNS: &str = "id, kind, recipient_id, ref_key, status, attempts, claimed_at, next_attempt_at, sent_at, last_error";

        fn entry_from(row: &DbRow) -> Result<MailLogEntry, StoreError> {
            let text = |c: &str| -> Result<String, StoreError> { row.try_get(c).map_err(backend) };
            let attempts: i64 = row.try_get("attempts").map_err(backend)?;
            Ok(MailLogEntry {
                id: row.try_get("id").map_err(backend)?,
                kind: $crate::rows::parse("mail kind", &text("kind")?, MailKind::parse)?,
                recipient: UserId::from_uuid(row.try_get("recipient_id").map_err(backend)?),
                key: text("ref_key")?,
                status: $crate::rows::parse("mail status", &text("status")?, MailStatus::parse)?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                claimed_at: row.try_get("claimed_at").map_err(backend)?,
                next_attempt_at: row.try_get("next_attempt_at").map_err(backend)?,
                sent_at: row.try_get("sent_at").map_err(backend)?,
                last_error: row.try_get("last_error").map_err(backend)?,
            })
        }

        #[async_trait]
        impl MailStore for $store {
            async fn email_digest_on(&self, user: UserId) -> StoreResult<bool> {
                let on: Option<bool> = sqlx::query_scalar("select email_digest from user_mail_settings where user_id = $1")
                    .bind(user.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                Ok(on.unwrap_or(true))
            }

            async fn email_digest_opt_outs(&self) -> StoreResult<Vec<UserId>> {
                let ids: Vec<Uuid> = sqlx::query_scalar("select user_id from user_mail_settings where email_digest = $1")
                    .bind(false).fetch_all(&self.$read).await.map_err(backend)?;
                Ok(ids.into_iter().map(UserId::from_uuid).collect())
            }

            async fn set_email_digest(&self, user: UserId, on: bool, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("insert into user_mail_settings (user_id, email_digest, updated_at) values ($1, $2, $3) \
                    on conflict (user_id) do update set email_digest = excluded.email_digest, updated_at = excluded.updated_at")
                    .bind(user.as_uuid()).bind(on).bind(at)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            async fn set_calendar_token(&self, user: UserId, digest: &[u8], at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("insert into user_mail_settings (user_id, email_digest, calendar_token_hash, calendar_token_at, updated_at) \
                    values ($1, $2, $3, $4, $4) on conflict (user_id) do update set calendar_token_hash = excluded.calendar_token_hash, \
                    calendar_token_at = excluded.calendar_token_at, updated_at = excluded.updated_at")
                    .bind(user.as_uuid()).bind(true).bind(digest).bind(at)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            async fn clear_calendar_token(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query("update user_mail_settings set calendar_token_hash = null, calendar_token_at = null, updated_at = $2 \
                    where user_id = $1 and calendar_token_hash is not null")
                    .bind(user.as_uuid()).bind(at)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected() > 0)
            }

            async fn calendar_token_user(&self, digest: &[u8]) -> StoreResult<Option<UserId>> {
                let id: Option<Uuid> = sqlx::query_scalar("select user_id from user_mail_settings where calendar_token_hash = $1")
                    .bind(digest).fetch_optional(&self.$read).await.map_err(backend)?;
                Ok(id.map(UserId::from_uuid))
            }

            async fn calendar_token_at(&self, user: UserId) -> StoreResult<Option<DateTime<Utc>>> {
                let at: Option<Option<DateTime<Utc>>> = sqlx::query_scalar("select calendar_token_at from user_mail_settings where user_id = $1")
                    .bind(user.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                Ok(at.flatten())
            }

            async fn claim_mail(&self, c: &ClaimRequest<'_>) -> StoreResult<Option<MailClaim>> {
                let id = Uuid::now_v7();
                let inserted = sqlx::query("insert into mail_log (id, kind, recipient_id, ref_key, status, attempts, claimed_at, next_attempt_at) \
                    values ($1, $2, $3, $4, 'sending', 1, $5, $6) on conflict (kind, recipient_id, ref_key) do nothing")
                    .bind(id).bind(c.kind.as_str()).bind(c.recipient.as_uuid()).bind(c.key).bind(c.now).bind(c.lease_until)
                    .execute(&self.$write).await.map_err(backend)?;
                if inserted.rows_affected() == 1 {
                    return Ok(Some(MailClaim { id, attempt: 1 }));
                }
                // A claim that expired with no attempt left: its outcome is unknown; stop.
                sqlx::query("update mail_log set status = 'abandoned', \
                    last_error = 'the sending instance stopped before it recorded the outcome' \
                    where kind = $1 and recipient_id = $2 and ref_key = $3 and status = 'sending' and next_attempt_at <= $4 and attempts >= $5")
                    .bind(c.kind.as_str()).bind(c.recipient.as_uuid()).bind(c.key).bind(c.now).bind(i64::from(c.max_attempts))
                    .execute(&self.$write).await.map_err(backend)?;
                let row = sqlx::query("update mail_log set status = 'sending', attempts = attempts + 1, claimed_at = $4, next_attempt_at = $5 \
                    where kind = $1 and recipient_id = $2 and ref_key = $3 and status in ('failed', 'sending') \
                    and next_attempt_at <= $4 and attempts < $6 returning id, attempts")
                    .bind(c.kind.as_str()).bind(c.recipient.as_uuid()).bind(c.key).bind(c.now).bind(c.lease_until)
                    .bind(i64::from(c.max_attempts))
                    .fetch_optional(&self.$write).await.map_err(backend)?;
                row.map(|r| {
                    let attempts: i64 = r.try_get("attempts").map_err(backend)?;
                    Ok(MailClaim { id: r.try_get("id").map_err(backend)?, attempt: u32::try_from(attempts).unwrap_or(u32::MAX) })
                })
                .transpose()
            }

            async fn finish_mail(&self, id: Uuid, outcome: &MailOutcome, at: DateTime<Utc>, max_attempts: u32) -> StoreResult<()> {
                let query = match outcome {
                    MailOutcome::Sent => sqlx::query("update mail_log set status = 'sent', sent_at = $2, last_error = null where id = $1 and status = 'sending'")
                        .bind(id).bind(at),
                    MailOutcome::Skipped => sqlx::query("update mail_log set status = 'skipped', last_error = null, next_attempt_at = $2 where id = $1 and status = 'sending'")
                        .bind(id).bind(at),
                    MailOutcome::Failed { error, retry_at } => sqlx::query("update mail_log set \
                        status = case when attempts >= $4 then 'abandoned' else 'failed' end, last_error = $2, next_attempt_at = $3 \
                        where id = $1 and status = 'sending'")
                        .bind(id).bind(error.as_str()).bind(*retry_at).bind(i64::from(max_attempts)),
                };
                query.execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            async fn mail_log(&self, kind: MailKind, since: DateTime<Utc>) -> StoreResult<Vec<MailLogEntry>> {
                let rows = sqlx::query(&format!("select {LOG_COLUMNS} from mail_log where kind = $1 and claimed_at >= $2 order by claimed_at, id"))
                    .bind(kind.as_str()).bind(since)
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(entry_from).collect()
            }

            async fn prune_mail_log(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                let done = sqlx::query("delete from mail_log where claimed_at < $1")
                    .bind(before).execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected())
            }

            async fn sla_candidates(&self, since: DateTime<Utc>) -> StoreResult<Vec<SlaCandidate>> {
                let rows = sqlx::query("select l.id, l.owner_id, l.team_id, l.created_at from leads l \
                    where l.stage = 'lead' and l.status = 'open' and l.owner_id is not null and l.created_at >= $1 \
                    and l.first_contact_at is null order by l.created_at, l.id")
                    .bind(since)
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        let owner: Uuid = row.try_get("owner_id").map_err(backend)?;
                        let team: Option<Uuid> = row.try_get("team_id").map_err(backend)?;
                        Ok(SlaCandidate {
                            lead_id: LeadId::from_uuid(row.try_get("id").map_err(backend)?),
                            owner_id: UserId::from_uuid(owner),
                            team_id: team.map(TeamId::from_uuid),
                            created_at: row.try_get("created_at").map_err(backend)?,
                        })
                    })
                    .collect()
            }
        }
        }
    };
}
