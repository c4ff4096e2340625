//! Credentials and teams: password hashes, API token digests, team membership.

use crate::rows::{TOKEN_COLUMNS, TokenRow, USER_COLUMNS, UserRow};
use crate::{PostgresStore, backend};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::{ApiToken, Team, TeamId, TokenId, User, UserId};
use sarnakh_core::store::StoreError;
use sqlx::Row;
use uuid::Uuid;

impl PostgresStore {
    pub(crate) async fn user_by_email(
        &self,
        email: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let sql = format!("select {USER_COLUMNS}, password_hash from users where email = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let hash: Option<String> = row.try_get("password_hash").map_err(backend)?;
        let user = <UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(backend)?;
        Ok(Some((User::try_from(user)?, hash)))
    }

    pub(crate) async fn set_password_row(
        &self,
        user: UserId,
        hash: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("update users set password_hash = $2, version = version + 1 where id = $1")
                .bind(user.as_uuid())
                .bind(hash)
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        if done.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    pub(crate) async fn team_member_rows(&self, team: TeamId) -> Result<Vec<UserId>, StoreError> {
        let ids: Vec<Uuid> =
            sqlx::query_scalar("select id from users where team_id = $1 order by id")
                .bind(team.as_uuid())
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(ids.into_iter().map(UserId::from_uuid).collect())
    }

    pub(crate) async fn ensure_team_row(&self, team: &Team) -> Result<Team, StoreError> {
        sqlx::query("insert into teams (id, name, created_at) values ($1, $2, $3) on conflict (name) do nothing")
            .bind(team.id.as_uuid()).bind(&team.name).bind(team.created_at)
            .execute(&self.pool).await.map_err(backend)?;
        let (id, name, created_at): (Uuid, String, DateTime<Utc>) =
            sqlx::query_as("select id, name, created_at from teams where name = $1")
                .bind(&team.name)
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?;
        Ok(Team {
            id: TeamId::from_uuid(id),
            name,
            created_at,
        })
    }

    pub(crate) async fn insert_token_row(
        &self,
        t: &ApiToken,
        digest: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(&format!("insert into api_tokens ({TOKEN_COLUMNS}, token_hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
            .bind(t.id.as_uuid()).bind(t.user_id.as_uuid()).bind(&t.name).bind(&t.prefix).bind(t.scope.as_str())
            .bind(t.created_at).bind(t.last_used_at).bind(t.revoked_at).bind(digest)
            .execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn find_token_row(
        &self,
        digest: &[u8],
    ) -> Result<Option<(ApiToken, User)>, StoreError> {
        let token: Option<TokenRow> = sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS} from api_tokens where token_hash = $1"
        ))
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(token) = token.map(ApiToken::try_from).transpose()? else {
            return Ok(None);
        };
        let user = self
            .get_user_row(token.user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Some((token, user)))
    }

    pub(crate) async fn get_token_row(&self, id: TokenId) -> Result<Option<ApiToken>, StoreError> {
        let row: Option<TokenRow> = sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS} from api_tokens where id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(ApiToken::try_from).transpose()
    }

    pub(crate) async fn list_token_rows(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows: Vec<TokenRow> = sqlx::query_as(&format!("select {TOKEN_COLUMNS} from api_tokens where user_id = $1 order by created_at desc, id desc"))
            .bind(user.as_uuid()).fetch_all(&self.pool).await.map_err(backend)?;
        rows.into_iter().map(ApiToken::try_from).collect()
    }

    pub(crate) async fn touch_token_row(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("update api_tokens set last_used_at = $2 where id = $1")
            .bind(id.as_uuid())
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn revoke_token_row(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("update api_tokens set revoked_at = coalesce(revoked_at, $2) where id = $1")
            .bind(id.as_uuid())
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
