//! Browser sessions (by digest), disabling users, and the failed sign-in counters.

use crate::rows::{USER_COLUMNS, UserRow};
use crate::{PostgresStore, backend};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::{Session, User, UserId};
use sarnakh_core::store::StoreError;
use sqlx::Row;
use uuid::Uuid;

impl PostgresStore {
    pub(crate) async fn disable_user_row(
        &self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("update users set disabled_at = coalesce(disabled_at, $2), version = version + 1 where id = $1")
            .bind(user.as_uuid()).bind(at).execute(&mut *tx).await.map_err(backend)?;
        sqlx::query("update sessions set revoked_at = coalesce(revoked_at, $2) where user_id = $1")
            .bind(user.as_uuid())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn insert_session_row(
        &self,
        digest: &[u8],
        s: &Session,
    ) -> Result<(), StoreError> {
        sqlx::query("insert into sessions (id_hash, user_id, created_at, last_seen_at, expires_at, revoked_at) values ($1, $2, $3, $4, $5, $6)")
            .bind(digest).bind(s.user_id.as_uuid()).bind(s.created_at).bind(s.last_seen_at).bind(s.expires_at).bind(s.revoked_at)
            .execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn find_session_row(
        &self,
        digest: &[u8],
    ) -> Result<Option<(Session, User)>, StoreError> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "select {cols}, s.user_id as session_user, s.created_at as session_created, s.last_seen_at, s.expires_at, s.revoked_at from sessions s join users u on u.id = s.user_id where s.id_hash = $1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(digest)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let user = User::try_from(<UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(backend)?)?;
        let session = Session {
            user_id: UserId::from_uuid(row.try_get::<Uuid, _>("session_user").map_err(backend)?),
            created_at: row.try_get("session_created").map_err(backend)?,
            last_seen_at: row.try_get("last_seen_at").map_err(backend)?,
            expires_at: row.try_get("expires_at").map_err(backend)?,
            revoked_at: row.try_get("revoked_at").map_err(backend)?,
        };
        Ok(Some((session, user)))
    }

    pub(crate) async fn touch_session_row(
        &self,
        digest: &[u8],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("update sessions set last_seen_at = $2 where id_hash = $1")
            .bind(digest)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn revoke_session_row(
        &self,
        digest: &[u8],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("update sessions set revoked_at = coalesce(revoked_at, $2) where id_hash = $1")
            .bind(digest)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn revoke_user_session_rows(
        &self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("update sessions set revoked_at = coalesce(revoked_at, $2) where user_id = $1")
            .bind(user.as_uuid())
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn record_login_failure_rows(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for key in keys {
            sqlx::query("delete from login_failures where key = $1 and at < $2")
                .bind(key)
                .bind(forget_before)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            sqlx::query("insert into login_failures (key, at) values ($1, $2)")
                .bind(key)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(crate) async fn count_login_failure_rows(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar("select count(*) from login_failures where key = $1 and at >= $2")
            .bind(key)
            .bind(since)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    pub(crate) async fn clear_login_failure_rows(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("delete from login_failures where key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
