//! Query code that is the same for both SQL stores, written once: users, stages, activities,
//! tasks, credentials,
//! sessions and sign-in throttling, playbook and scoring versions, engagement events.
//!
//! The stores differ only in their pool types and in which pool serves reads, so this is a
//! macro that each store expands at the root of its own crate:
//! `sarnakh_store_sql::shared_queries!(SqliteStore, Sqlite, read, write);` (a reader pool and a
//! writer pool) or `sarnakh_store_sql::shared_queries!(PostgresStore, Postgres, pool, pool);`. The
//! expansion uses the store's `backend` function (its error mapping) from that crate root.

/// Expands the shared query functions as `impl $store` blocks in the calling store crate.
#[macro_export]
macro_rules! shared_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod auth {
        //! Credentials and teams: password hashes, API token digests, team membership.

        use $crate::rows::{TOKEN_COLUMNS, TOKEN_USER_COLUMNS, TokenRow, TokenUserRow, USER_COLUMNS, UserRow};
        use super::backend;
                use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{ApiToken, Team, TeamId, TokenId, User, UserId};
        use sarnakh_core::store::StoreError;
        use sqlx::Row;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn user_by_email(
                &self,
                email: &str,
            ) -> Result<Option<(User, Option<String>)>, StoreError> {
                let sql = format!("select {USER_COLUMNS}, password_hash from users where email = $1");
                let Some(row) = sqlx::query(&sql)
                    .bind(email)
                    .fetch_optional(&self.$read)
                    .await
                    .map_err(backend)?
                else {
                    return Ok(None);
                };
                let hash: Option<String> = row.try_get("password_hash").map_err(backend)?;
                let user = <UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(backend)?;
                Ok(Some((User::try_from(user)?, hash)))
            }

            pub(crate) async fn set_preferences_row(
                &self,
                user: UserId,
                locale: &str,
                time_zone: &str,
            ) -> Result<(), StoreError> {
                let done = sqlx::query("update users set locale = $2, time_zone = $3, version = version + 1 where id = $1")
                    .bind(user.as_uuid()).bind(locale).bind(time_zone)
                    .execute(&self.$write).await.map_err(backend)?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
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
                        .execute(&self.$write)
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
                        .fetch_all(&self.$read)
                        .await
                        .map_err(backend)?;
                Ok(ids.into_iter().map(UserId::from_uuid).collect())
            }

            pub(crate) async fn team_rows(&self) -> Result<Vec<Team>, StoreError> {
                let rows: Vec<(Uuid, String, DateTime<Utc>)> =
                    sqlx::query_as("select id, name, created_at from teams order by name")
                        .fetch_all(&self.$read)
                        .await
                        .map_err(backend)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, created_at)| Team { id: TeamId::from_uuid(id), name, created_at })
                    .collect())
            }

            pub(crate) async fn set_user_access_row(
                &self,
                user: UserId,
                role: &str,
                team: Option<TeamId>,
            ) -> Result<(), StoreError> {
                let done = sqlx::query("update users set role = $2, team_id = $3, version = version + 1 where id = $1")
                    .bind(user.as_uuid()).bind(role).bind(team.map(|t| t.as_uuid()))
                    .execute(&self.$write).await.map_err(backend)?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            pub(crate) async fn ensure_team_row(&self, team: &Team) -> Result<Team, StoreError> {
                sqlx::query("insert into teams (id, name, created_at) values ($1, $2, $3) on conflict (name) do nothing")
                    .bind(team.id.as_uuid()).bind(&team.name).bind(team.created_at)
                    .execute(&self.$write).await.map_err(backend)?;
                let (id, name, created_at): (Uuid, String, DateTime<Utc>) =
                    sqlx::query_as("select id, name, created_at from teams where name = $1")
                        .bind(&team.name)
                        .fetch_one(&self.$write)
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
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn find_token_row(
                &self,
                digest: &[u8],
            ) -> Result<Option<(ApiToken, User)>, StoreError> {
                // One read for the token and its user: every API request starts here.
                let row: Option<TokenUserRow> = sqlx::query_as(&format!(
                    "select {TOKEN_USER_COLUMNS} from api_tokens t \
                     join users u on u.id = t.user_id where t.token_hash = $1"
                ))
                .bind(digest)
                .fetch_optional(&self.$read)
                .await
                .map_err(backend)?;
                row.map(<(ApiToken, User)>::try_from).transpose()
            }

            pub(crate) async fn get_token_row(&self, id: TokenId) -> Result<Option<ApiToken>, StoreError> {
                let row: Option<TokenRow> = sqlx::query_as(&format!(
                    "select {TOKEN_COLUMNS} from api_tokens where id = $1"
                ))
                .bind(id.as_uuid())
                .fetch_optional(&self.$read)
                .await
                .map_err(backend)?;
                row.map(ApiToken::try_from).transpose()
            }

            pub(crate) async fn list_token_rows(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
                let rows: Vec<TokenRow> = sqlx::query_as(&format!("select {TOKEN_COLUMNS} from api_tokens where user_id = $1 order by created_at desc, id desc"))
                    .bind(user.as_uuid()).fetch_all(&self.$read).await.map_err(backend)?;
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
                    .execute(&self.$write)
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
                    .execute(&self.$write)
                    .await
                    .map_err(backend)?;
                Ok(())
            }
        }

        }

        pub(crate) mod sessions {
        //! Browser sessions (by digest), disabling users, and the failed sign-in counters.

        use $crate::rows::{USER_COLUMNS, UserRow};
        use super::backend;
                use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{Session, User, UserId};
        use sarnakh_core::store::StoreError;
        use sqlx::Row;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn disable_user_row(
                &self,
                user: UserId,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
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
                    .execute(&self.$write).await.map_err(backend)?;
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
                    .fetch_optional(&self.$read)
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
                    .execute(&self.$write)
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
                    .execute(&self.$write)
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
                    .execute(&self.$write)
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
                let mut tx = self.$write.begin().await.map_err(backend)?;
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
                    .fetch_one(&self.$read)
                    .await
                    .map_err(backend)
            }

            pub(crate) async fn clear_login_failure_rows(&self, key: &str) -> Result<(), StoreError> {
                sqlx::query("delete from login_failures where key = $1")
                    .bind(key)
                    .execute(&self.$write)
                    .await
                    .map_err(backend)?;
                Ok(())
            }
        }

        }

        pub(crate) mod playbook {
        //! Playbook and scoring rules versions (JSON text, one row per version), and storing
        //! recomputed lead scores.

        use super::backend;
                use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::LeadId;
        use sarnakh_core::domain::UserId;
        use sarnakh_core::domain::playbook::{Playbook, PlaybookRules};
        use sarnakh_core::domain::scoring::{LeadScore, ScoringRules};
        use sarnakh_core::store::StoreError;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn current_playbook_row(&self) -> Result<Option<Playbook>, StoreError> {
                let row: Option<(i64, String, DateTime<Utc>, Option<Uuid>)> =
                    sqlx::query_as("select version, rules, created_at, created_by from playbooks order by version desc limit 1")
                        .fetch_optional(&self.$read).await.map_err(backend)?;
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
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn current_scoring_row(
                &self,
            ) -> Result<Option<(i64, ScoringRules)>, StoreError> {
                let row: Option<(i64, String)> = sqlx::query_as(
                    "select version, rules from scoring_rules order by version desc limit 1",
                )
                .fetch_optional(&self.$read)
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
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }
        }

        }

        pub(crate) mod events {
        //! Engagement events: idempotent batch inserts and per-lead reads.

        use $crate::rows::EventRow;
        use super::backend;
                use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::LeadId;
        use sarnakh_core::domain::event::{AnonymousEvent, EngagementEvent, EventKind};
        use sarnakh_core::store::StoreError;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn insert_event_rows(
                &self,
                events: &[EngagementEvent],
                received_at: DateTime<Utc>,
            ) -> Result<Vec<usize>, StoreError> {
                /// Rows per insert statement (6 values each, far under both databases' limits).
                const ROWS: usize = 500;
                let mut new = Vec::new();
                if events.is_empty() {
                    return Ok(new);
                }
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let mut seen = std::collections::HashSet::with_capacity(events.len());
                let mut offset = 0;
                for chunk in events.chunks(ROWS) {
                    // The first of several events with one id in a batch is the one recorded.
                    let firsts: Vec<(usize, &EngagementEvent)> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (offset + i, e))
                        .filter(|(_, e)| seen.insert(e.id.as_str()))
                        .collect();
                    offset += chunk.len();
                    if firsts.is_empty() {
                        continue;
                    }
                    // Nearly every chunk is all new or all known, and the count of rows written
                    // says which without a row sent back (a row each is a hand-off between the
                    // database's thread and this one). A chunk of both is written again from a
                    // savepoint, naming the ids it wrote.
                    let mut part = sqlx::Acquire::begin(&mut *tx).await.map_err(backend)?;
                    let written = Self::event_insert(&firsts, received_at, "")
                        .build()
                        .execute(&mut *part)
                        .await
                        .map_err(backend)?
                        .rows_affected();
                    match usize::try_from(written) {
                        Ok(0) => part.commit().await.map_err(backend)?,
                        Ok(n) if n == firsts.len() => {
                            part.commit().await.map_err(backend)?;
                            new.extend(firsts.iter().map(|(i, _)| *i));
                        }
                        _ => {
                            part.rollback().await.map_err(backend)?;
                            let inserted: std::collections::HashSet<String> =
                                Self::event_insert(&firsts, received_at, " returning id")
                                    .build_query_scalar::<String>()
                                    .fetch_all(&mut *tx)
                                    .await
                                    .map_err(backend)?
                                    .into_iter()
                                    .collect();
                            new.extend(
                                firsts
                                    .iter()
                                    .filter(|(_, e)| inserted.contains(&e.id))
                                    .map(|(i, _)| *i),
                            );
                        }
                    }
                }
                tx.commit().await.map_err(backend)?;
                Ok(new)
            }

            /// One multi-row insert of `events` that skips ids already recorded, then `tail`.
            fn event_insert<'a>(
                events: &[(usize, &'a EngagementEvent)],
                received_at: DateTime<Utc>,
                tail: &str,
            ) -> sqlx::QueryBuilder<'a, sqlx::$db> {
                let mut q = sqlx::QueryBuilder::<sqlx::$db>::new(
                    "insert into events (id, lead_id, kind, url, occurred_at, received_at) ",
                );
                q.push_values(events, |mut row, (_, e)| {
                    row.push_bind(e.id.as_str())
                        .push_bind(e.lead_id.as_uuid())
                        .push_bind(e.kind.as_str())
                        .push_bind(e.url.as_deref())
                        .push_bind(e.occurred_at)
                        .push_bind(received_at);
                });
                q.push(" on conflict (id) do nothing");
                q.push(tail);
                q
            }

            /// The events of `leads`, only those of `kinds` when given, oldest first per lead
            /// (by time, then id). One row per lead, its events as one JSON array: a batch's
            /// leads have about ten events each, and a row each costs a hand-off between the
            /// database's thread and this one.
            pub(crate) async fn events_of_lead_rows(
                &self,
                leads: &[LeadId],
                kinds: Option<&[EventKind]>,
            ) -> Result<std::collections::HashMap<LeadId, Vec<EngagementEvent>>, StoreError> {
                const DIALECT: $crate::reports::Dialect = $crate::reports::Dialect::$db;
                let mut out: std::collections::HashMap<LeadId, Vec<EngagementEvent>> =
                    std::collections::HashMap::new();
                if kinds.is_some_and(<[EventKind]>::is_empty) {
                    return Ok(out);
                }
                let list = DIALECT.json_rows(
                    &format!("id, kind, url, {}", DIALECT.rfc3339("occurred_at")),
                    "occurred_at, id",
                );
                for chunk in leads.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<sqlx::$db>::new(format!(
                        "select lead_id, {list} as e from events where lead_id in ("
                    ));
                    let mut ids = q.separated(", ");
                    for id in chunk {
                        ids.push_bind(id.as_uuid());
                    }
                    q.push(")");
                    if let Some(kinds) = kinds {
                        q.push(" and kind in (");
                        let mut list = q.separated(", ");
                        for kind in kinds {
                            list.push_bind(kind.as_str());
                        }
                        q.push(")");
                    }
                    q.push(" group by lead_id");
                    let rows: Vec<(Uuid, String)> = q
                        .build_query_as()
                        .fetch_all(&self.$read)
                        .await
                        .map_err(backend)?;
                    for (lead, json) in rows {
                        out.insert(LeadId::from_uuid(lead), EventRow::from_json(lead, &json)?);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn lead_rows_by_ids(&self, ids: &[LeadId]) -> Result<Vec<sarnakh_core::domain::Lead>, StoreError> {
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<sqlx::$db>::new(format!(
                        "select {} from leads where id in (",
                        $crate::rows::LEAD_COLUMNS
                    ));
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.as_uuid());
                    }
                    q.push(")");
                    let rows: Vec<super::rows::LeadRow> = q
                        .build_query_as()
                        .fetch_all(&self.$read)
                        .await
                        .map_err(backend)?;
                    for row in rows {
                        out.push(sarnakh_core::domain::Lead::try_from(row)?);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn event_rows_of(
                &self,
                lead: LeadId,
            ) -> Result<Vec<EngagementEvent>, StoreError> {
                let rows: Vec<EventRow> = sqlx::query_as("select id, lead_id, kind, url, occurred_at from events where lead_id = $1 order by occurred_at, id")
                    .bind(lead.as_uuid())
                    .fetch_all(&self.$read)
                    .await
                    .map_err(backend)?;
                rows.into_iter().map(EngagementEvent::try_from).collect()
            }

            pub(crate) async fn insert_anonymous_event_rows(
                &self,
                events: &[AnonymousEvent],
                received_at: DateTime<Utc>,
            ) -> Result<usize, StoreError> {
                if events.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.$write.begin().await.map_err(backend)?;
                let mut new = 0;
                // Multi-row inserts of 500 rows (6 values each); an id already stored as a
                // lead's event, or as a visitor's (earlier in the batch too), is skipped.
                for chunk in events.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<sqlx::$db>::new(
                        "insert into anonymous_events (id, visitor_id, kind, url, occurred_at, received_at) \
                         select v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 from (",
                    );
                    q.push_values(chunk, |mut row, e| {
                        row.push_bind(e.id.as_str())
                            .push_bind(e.visitor_id.as_str())
                            .push_bind(e.kind.as_str())
                            .push_bind(e.url.as_deref())
                            .push_bind(e.occurred_at)
                            .push_bind(received_at);
                    });
                    q.push(
                        ") as v where not exists (select 1 from events e where e.id = v.column1) \
                         on conflict (id) do nothing",
                    );
                    let done = q.build().execute(&mut *tx).await.map_err(backend)?;
                    new += usize::try_from(done.rows_affected()).unwrap_or(0);
                }
                tx.commit().await.map_err(backend)?;
                Ok(new)
            }

            pub(crate) async fn link_visitor_tx(
                &self,
                visitor_id: &str,
                lead: LeadId,
                at: DateTime<Utc>,
            ) -> Result<usize, StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                sqlx::query("insert into visitors (visitor_id, lead_id, linked_at) values ($1, $2, $3) on conflict (visitor_id) do update set lead_id = excluded.lead_id, linked_at = excluded.linked_at")
                    .bind(visitor_id).bind(lead.as_uuid()).bind(at)
                    .execute(&mut *tx).await.map_err(backend)?;
                let moved = sqlx::query("insert into events (id, lead_id, kind, url, occurred_at, received_at) select id, $2, kind, url, occurred_at, received_at from anonymous_events where visitor_id = $1 on conflict (id) do nothing")
                    .bind(visitor_id).bind(lead.as_uuid())
                    .execute(&mut *tx).await.map_err(backend)?;
                sqlx::query("delete from anonymous_events where visitor_id = $1")
                    .bind(visitor_id).execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)?;
                Ok(usize::try_from(moved.rows_affected()).unwrap_or(0))
            }

            pub(crate) async fn lead_id_by_email(&self, email: &str) -> Result<Option<LeadId>, StoreError> {
                let id: Option<Uuid> = sqlx::query_scalar("select id from leads where lower(email) = lower($1) order by created_at desc, id desc limit 1")
                    .bind(email).fetch_optional(&self.$read).await.map_err(backend)?;
                Ok(id.map(LeadId::from_uuid))
            }
        }

        }

        pub(crate) mod work {
        //! Users, pipeline stages, activities, tasks and history rows.

        use super::leads::stale_or_missing;
        use $crate::list::{finish, is_time, push_order, push_seek, push_visibility};
        use $crate::rows::{ActivityRow, StageRow, TaskRow, USER_COLUMNS, UserRow};
        use super::backend;
        use super::$store;
        use sarnakh_core::domain::page::{Cursor, CursorKey, SortDir};
        use sarnakh_core::domain::task::{DueFilter, due_window};
        use sarnakh_core::domain::{
            Activity, Page, PageRequest, PipelineStage, RecordRef, Task, TaskId, User, UserId,
        };
        use sarnakh_core::store::{StoreError, TaskFilter};
        use sqlx::QueryBuilder;

        const TASK_COLUMNS: &str = "id, subject_type, subject_id, title, notes, due_at, owner_id, completed_at, created_at, version";
        const ACTIVITY_COLUMNS: &str =
            "id, subject_type, subject_id, kind, outcome, summary, body, occurred_at, owner_id, created_at";
        /// Inserts an activity on `conn` (a pool connection or a transaction).
        pub(crate) async fn insert_activity_in(
            conn: &mut <sqlx::$db as sqlx::Database>::Connection,
            a: &Activity,
        ) -> Result<(), StoreError> {
            sqlx::query(&format!("insert into activities ({ACTIVITY_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
                .bind(a.id.as_uuid()).bind(a.subject.kind()).bind(a.subject.uuid()).bind(a.kind.as_str())
                .bind(a.outcome.map(|o| o.as_str())).bind(&a.summary).bind(&a.body).bind(a.occurred_at)
                .bind(a.owner_id.map(|o| o.as_uuid())).bind(a.created_at)
                .execute(&mut *conn).await.map_err(backend)?;
            // The activity report's counts per UTC day, owner and kind (migration …34).
            sqlx::query("insert into activity_days (day, owner_key, kind, n) values ($1, $2, $3, 1) \
                         on conflict (day, owner_key, kind) do update set n = activity_days.n + 1")
                .bind(a.occurred_at.date_naive()).bind(a.owner_id.map_or(uuid::Uuid::nil(), |o| o.as_uuid())).bind(a.kind.as_str())
                .execute(&mut *conn).await.map_err(backend)?;
            if let (RecordRef::Lead(lead), true) = (a.subject, a.kind.is_contact()) {
                // The lead's first contact, kept for the reports (migration …27).
                sqlx::query("update leads set first_contact_at = $1 where id = $2 and (first_contact_at is null or first_contact_at > $1)")
                    .bind(a.occurred_at).bind(lead.as_uuid())
                    .execute(&mut *conn).await.map_err(backend)?;
            }
            if let RecordRef::Opportunity(deal) = a.subject {
                // The deal's latest activity, for the pipeline's stuck deals (migration …32).
                sqlx::query("update opportunities set last_activity_at = $1 where id = $2 and (last_activity_at is null or last_activity_at < $1)")
                    .bind(a.occurred_at).bind(deal.as_uuid())
                    .execute(&mut *conn).await.map_err(backend)?;
            }
            Ok(())
        }

        impl $store {
            pub(crate) async fn insert_user_row(&self, u: &User) -> Result<(), StoreError> {
                sqlx::query(&format!(
                    "insert into users ({USER_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(u.id.as_uuid())
                .bind(&u.email)
                .bind(&u.display_name)
                .bind(u.role.as_str())
                .bind(u.team_id.map(|t| t.as_uuid()))
                .bind(u.locale.as_str())
                .bind(&u.time_zone)
                .bind(u.disabled_at)
                .bind(u.created_at)
                .bind(u.version)
                .execute(&self.$write)
                .await
                .map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn get_user_row(&self, id: UserId) -> Result<Option<User>, StoreError> {
                let row: Option<UserRow> =
                    sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
                        .bind(id.as_uuid())
                        .fetch_optional(&self.$read)
                        .await
                        .map_err(backend)?;
                row.map(User::try_from).transpose()
            }

            pub(crate) async fn list_user_rows(&self) -> Result<Vec<User>, StoreError> {
                let rows: Vec<UserRow> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from users order by display_name, id"
                ))
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter().map(User::try_from).collect()
            }

            pub(crate) async fn list_stage_rows(&self) -> Result<Vec<PipelineStage>, StoreError> {
                let rows: Vec<StageRow> = sqlx::query_as(
                    "select key, name, probability, position, kind, forecast_category, labels, retired_at from pipeline_stages order by position",
                )
                .fetch_all(&self.$read)
                .await
                .map_err(backend)?;
                rows.into_iter().map(PipelineStage::try_from).collect()
            }

            pub(crate) async fn insert_activity_row(&self, a: &Activity) -> Result<(), StoreError> {
                let mut conn = self.$write.acquire().await.map_err(backend)?;
                insert_activity_in(&mut conn, a).await
            }

            pub(crate) async fn activity_rows_of(
                &self,
                subject: RecordRef,
            ) -> Result<Vec<Activity>, StoreError> {
                let rows: Vec<ActivityRow> = sqlx::query_as(&format!("select {ACTIVITY_COLUMNS} from activities where subject_type = $1 and subject_id = $2 order by occurred_at desc, id desc"))
                    .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.$read).await.map_err(backend)?;
                rows.into_iter().map(Activity::try_from).collect()
            }

            pub(crate) async fn write_task(
                &self,
                t: &Task,
                expected: Option<i64>,
            ) -> Result<(), StoreError> {
                let sql = match expected {
                    None => format!("insert into tasks ({TASK_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
                    Some(_) => "update tasks set subject_type = $2, subject_id = $3, title = $4, notes = $5, due_at = $6, owner_id = $7, completed_at = $8, created_at = $9, version = $10 where id = $1 and version = $11".to_owned(),
                };
                let query = sqlx::query(&sql)
                    .bind(t.id.as_uuid())
                    .bind(t.subject.map(|s| s.kind()))
                    .bind(t.subject.map(|s| s.uuid()))
                    .bind(&t.title)
                    .bind(&t.notes)
                    .bind(t.due_at)
                    .bind(t.owner_id.as_uuid())
                    .bind(t.completed_at)
                    .bind(t.created_at)
                    .bind(t.version);
                let query = match expected {
                    Some(version) => query.bind(version),
                    None => query,
                };
                let mut conn = self.$write.acquire().await.map_err(backend)?;
                let result = query.execute(&mut *conn).await.map_err(backend)?;
                if expected.is_some() && result.rows_affected() == 0 {
                    return Err(stale_or_missing(&mut conn, "tasks", t.id.as_uuid()).await);
                }
                Ok(())
            }

            pub(crate) async fn get_task_row(&self, id: TaskId) -> Result<Option<Task>, StoreError> {
                let row: Option<TaskRow> =
                    sqlx::query_as(&format!("select {TASK_COLUMNS} from tasks where id = $1"))
                        .bind(id.as_uuid())
                        .fetch_optional(&self.$read)
                        .await
                        .map_err(backend)?;
                row.map(Task::try_from).transpose()
            }

            pub(crate) async fn list_task_rows(
                &self,
                f: &TaskFilter,
                page: &PageRequest,
            ) -> Result<Page<Task>, StoreError> {
                let mut qb =
                    QueryBuilder::<sqlx::$db>::new(format!("select {TASK_COLUMNS} from tasks where "));
                qb.push(if f.due == DueFilter::Done {
                    "completed_at is not null"
                } else {
                    "completed_at is null"
                });
                let (from, until) = due_window(f.due, f.now);
                if let Some(from) = from {
                    qb.push(" and due_at >= ").push_bind(from);
                }
                if let Some(until) = until {
                    qb.push(" and due_at < ").push_bind(until);
                }
                if let Some(owner) = f.owner {
                    qb.push(" and owner_id = ").push_bind(owner.as_uuid());
                }
                push_visibility(&mut qb, &f.visibility, "owner_id", None);
                if let Some(subject) = f.subject {
                    qb.push(" and subject_type = ")
                        .push_bind(subject.kind())
                        .push(" and subject_id = ")
                        .push_bind(subject.uuid());
                }
                push_seek(&mut qb, "due_at", SortDir::Asc, page, is_time)?;
                push_order(&mut qb, "due_at", SortDir::Asc, page);
                let rows: Vec<TaskRow> = qb
                    .build_query_as()
                    .fetch_all(&self.$read)
                    .await
                    .map_err(backend)?;
                let tasks = rows
                    .into_iter()
                    .map(Task::try_from)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(finish(tasks, page, |t| Cursor {
                    key: CursorKey::Time(t.due_at),
                    id: t.id.as_uuid(),
                }))
            }

            pub(crate) async fn task_rows_of(&self, subject: RecordRef) -> Result<Vec<Task>, StoreError> {
                let rows: Vec<TaskRow> = sqlx::query_as(&format!("select {TASK_COLUMNS} from tasks where subject_type = $1 and subject_id = $2 order by due_at, id"))
                    .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.$read).await.map_err(backend)?;
                rows.into_iter().map(Task::try_from).collect()
            }
        }

        }

        pub(crate) mod win {
        //! What the win model learns from (closed deals and disqualified leads with their
        //! facts, leads' engagement) and the trained models.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::event::EventKind;
        use sarnakh_core::domain::predict::{Metrics, Model};
        use sarnakh_core::domain::win::{ClosedRecord, Engagement, RecordFacts};
        use sarnakh_core::domain::{LeadId, UserId};
        use sarnakh_core::store::{StoreError, WinModel};
        use sqlx::{QueryBuilder, Row};
        use std::collections::HashMap;
        use uuid::Uuid;

        /// Lead columns the model uses, as `l.*`.
        const LEAD_FACTS: &str = "l.id as lead_id, l.source, l.campaign, l.industry, l.company_size, l.country, l.evidence, l.decision_role, l.created_at as lead_created_at";
        /// Leads per `in (...)` list.
        const CHUNK: usize = 500;

        #[derive(serde::Serialize, serde::Deserialize)]
        struct StoredMetrics {
            naive_bayes: Metrics,
            logistic: Metrics,
        }

        fn lead_facts(
            row: &<sqlx::$db as sqlx::Database>::Row,
            stage: Option<String>,
            product: Option<String>,
        ) -> Result<(Option<LeadId>, RecordFacts), StoreError> {
            let lead: Option<Uuid> = row.try_get("lead_id").map_err(backend)?;
            let evidence: Option<String> = row.try_get("evidence").map_err(backend)?;
            let evidence_items = evidence
                .and_then(|e| serde_json::from_str::<std::collections::BTreeMap<String, String>>(&e).ok())
                .map_or(0, |m| m.values().filter(|v| !v.trim().is_empty()).count());
            Ok((
                lead.map(LeadId::from_uuid),
                RecordFacts {
                    source: row.try_get("source").map_err(backend)?,
                    campaign: row.try_get("campaign").map_err(backend)?,
                    industry: row.try_get("industry").map_err(backend)?,
                    company_size: row.try_get("company_size").map_err(backend)?,
                    country: row.try_get("country").map_err(backend)?,
                    product,
                    stage,
                    evidence_items,
                    decision_role: row.try_get("decision_role").map_err(backend)?,
                    lead_created_at: row.try_get("lead_created_at").map_err(backend)?,
                    engagement: Engagement::default(),
                },
            ))
        }

        impl $store {
            pub(crate) async fn closed_history_rows(&self, limit: u32) -> Result<Vec<ClosedRecord>, StoreError> {
                let deals = format!(
                    "select o.status, o.closed_at, o.product, \
                     (select h.from_state from history h where h.subject_type = 'opportunity' and h.subject_id = o.id and h.kind = o.status order by h.at desc limit 1) as closed_from, \
                     {LEAD_FACTS} \
                     from opportunities o left join leads l on l.id = o.lead_id \
                     where o.status in ('won', 'lost') and o.closed_at is not null \
                     order by o.closed_at desc, o.id limit $1"
                );
                let rows = sqlx::query(&deals).bind(i64::from(limit)).fetch_all(&self.$read).await.map_err(backend)?;
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let status: String = row.try_get("status").map_err(backend)?;
                    let closed_at: DateTime<Utc> = row.try_get("closed_at").map_err(backend)?;
                    let (lead_id, facts) = lead_facts(row, row.try_get("closed_from").map_err(backend)?, row.try_get("product").map_err(backend)?)?;
                    out.push(ClosedRecord { lead_id, facts, won: status == "won", closed_at });
                }
                let dropped = format!(
                    "select l.stage, \
                     coalesce((select max(h.at) from history h where h.subject_type = 'lead' and h.subject_id = l.id and h.kind = 'disqualified'), l.updated_at) as closed_at, \
                     {LEAD_FACTS} \
                     from leads l where l.status = 'disqualified' and l.converted_at is null \
                     order by l.updated_at desc, l.id limit $1"
                );
                let rows = sqlx::query(&dropped).bind(i64::from(limit)).fetch_all(&self.$read).await.map_err(backend)?;
                for row in &rows {
                    let closed_at: DateTime<Utc> = row.try_get("closed_at").map_err(backend)?;
                    let (lead_id, facts) = lead_facts(row, row.try_get("stage").map_err(backend)?, None)?;
                    out.push(ClosedRecord { lead_id, facts, won: false, closed_at });
                }
                Ok(out)
            }

            pub(crate) async fn engagement_rows(&self, leads: &[LeadId]) -> Result<HashMap<LeadId, Engagement>, StoreError> {
                let mut out: HashMap<LeadId, Engagement> = HashMap::new();
                for chunk in leads.chunks(CHUNK) {
                    let mut q = QueryBuilder::<sqlx::$db>::new("select lead_id, kind, count(*) as n from events where lead_id in (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.as_uuid());
                    }
                    q.push(") group by lead_id, kind");
                    for row in q.build().fetch_all(&self.$read).await.map_err(backend)? {
                        let lead: Uuid = row.try_get("lead_id").map_err(backend)?;
                        let kind: String = row.try_get("kind").map_err(backend)?;
                        let n: i64 = row.try_get("n").map_err(backend)?;
                        let kind = EventKind::parse(&kind).ok_or_else(|| $crate::rows::corrupt("event kind", &kind))?;
                        out.entry(LeadId::from_uuid(lead)).or_default().counts.insert(kind, u32::try_from(n).unwrap_or(u32::MAX));
                    }
                    let mut q = QueryBuilder::<sqlx::$db>::new("select subject_id, min(occurred_at) as first_at from activities where subject_type = 'lead' and subject_id in (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.as_uuid());
                    }
                    q.push(") group by subject_id");
                    for row in q.build().fetch_all(&self.$read).await.map_err(backend)? {
                        let lead: Uuid = row.try_get("subject_id").map_err(backend)?;
                        let first: DateTime<Utc> = row.try_get("first_at").map_err(backend)?;
                        out.entry(LeadId::from_uuid(lead)).or_default().first_activity_at = Some(first);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn current_win_model_row(&self) -> Result<Option<WinModel>, StoreError> {
                let Some(row) = sqlx::query("select version, model, metrics, examples, won, trained_at, trained_by from win_models order by version desc limit 1")
                    .fetch_optional(&self.$read).await.map_err(backend)?
                else {
                    return Ok(None);
                };
                let version: i64 = row.try_get("version").map_err(backend)?;
                let bad = |what: &str, e: serde_json::Error| StoreError::Backend(format!("stored win model v{version}: {what} is not valid: {e}"));
                let model: String = row.try_get("model").map_err(backend)?;
                let metrics: String = row.try_get("metrics").map_err(backend)?;
                let model: Model = serde_json::from_str(&model).map_err(|e| bad("model", e))?;
                let metrics: StoredMetrics = serde_json::from_str(&metrics).map_err(|e| bad("metrics", e))?;
                let examples: i64 = row.try_get("examples").map_err(backend)?;
                let won: i64 = row.try_get("won").map_err(backend)?;
                let trained_by: Option<Uuid> = row.try_get("trained_by").map_err(backend)?;
                Ok(Some(WinModel {
                    version,
                    model,
                    naive_bayes: metrics.naive_bayes,
                    logistic: metrics.logistic,
                    examples: usize::try_from(examples).unwrap_or(0),
                    won: usize::try_from(won).unwrap_or(0),
                    trained_at: row.try_get("trained_at").map_err(backend)?,
                    trained_by: trained_by.map(UserId::from_uuid),
                }))
            }

            pub(crate) async fn save_win_model_row(&self, m: &WinModel) -> Result<(), StoreError> {
                let model = serde_json::to_string(&m.model).expect("a model serialises");
                let metrics = serde_json::to_string(&StoredMetrics { naive_bayes: m.naive_bayes.clone(), logistic: m.logistic.clone() })
                    .expect("metrics serialise");
                sqlx::query("insert into win_models (version, algorithm, model, metrics, examples, won, trained_at, trained_by) values ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(m.version).bind(m.model.algorithm.as_str()).bind(model).bind(metrics)
                    .bind(i64::try_from(m.examples).unwrap_or(i64::MAX)).bind(i64::try_from(m.won).unwrap_or(i64::MAX))
                    .bind(m.trained_at).bind(m.trained_by.map(|u| u.as_uuid()))
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }
        }

        }

        pub(crate) mod forms {
        //! Web forms and their submissions; an accepted submission is written with its lead.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::form::{
            CaptureContext, FormField, FormFieldSpec, FormSettings, Submission, SubmissionStatus,
            WebForm,
        };
        use sarnakh_core::domain::{
            FormId, HistoryEntry, Lead, LeadId, SubmissionId, TeamId, UserId,
        };
        use sarnakh_core::store::StoreError;
        use sqlx::Row;
        use std::collections::BTreeMap;
        use uuid::Uuid;

        const FORM_COLUMNS: &str = "id, key, name, fields, campaign, products, thank_you_url, thank_you_message, allowed_origins, daily_cap, min_fill_seconds, team_id, active, created_by, created_at, updated_at, version";
        const SUBMISSION_COLUMNS: &str = "id, form_id, status, reason, lead_id, payload, visitor_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_page, ip, user_agent, received_at, reviewed_at, reviewed_by";

        fn json<T: serde::Serialize>(value: &T) -> String {
            serde_json::to_string(value).expect("form data serialises")
        }

        fn from_json<T: serde::de::DeserializeOwned>(what: &str, raw: &str) -> Result<T, StoreError> {
            serde_json::from_str(raw).map_err(|_| $crate::rows::corrupt(what, raw))
        }

        fn form_from(row: &<sqlx::$db as sqlx::Database>::Row) -> Result<WebForm, StoreError> {
            let fields: String = row.try_get("fields").map_err(backend)?;
            let fields: Vec<(String, bool)> = from_json("form fields", &fields)?;
            let fields = fields
                .into_iter()
                .map(|(name, required)| {
                    Ok(FormFieldSpec {
                        field: $crate::rows::parse("form field", &name, FormField::parse)?,
                        required,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let products: String = row.try_get("products").map_err(backend)?;
            let origins: String = row.try_get("allowed_origins").map_err(backend)?;
            let id: Uuid = row.try_get("id").map_err(backend)?;
            let team: Option<Uuid> = row.try_get("team_id").map_err(backend)?;
            let by: Option<Uuid> = row.try_get("created_by").map_err(backend)?;
            let cap: i64 = row.try_get("daily_cap").map_err(backend)?;
            let fill: i64 = row.try_get("min_fill_seconds").map_err(backend)?;
            Ok(WebForm {
                id: FormId::from_uuid(id),
                key: row.try_get("key").map_err(backend)?,
                settings: FormSettings {
                    name: row.try_get("name").map_err(backend)?,
                    fields,
                    campaign: row.try_get("campaign").map_err(backend)?,
                    products: from_json("form products", &products)?,
                    thank_you_url: row.try_get("thank_you_url").map_err(backend)?,
                    thank_you_message: row.try_get("thank_you_message").map_err(backend)?,
                    allowed_origins: from_json("form origins", &origins)?,
                    daily_cap: u32::try_from(cap).unwrap_or(u32::MAX),
                    min_fill_seconds: u32::try_from(fill).unwrap_or(u32::MAX),
                    team_id: team.map(TeamId::from_uuid),
                    active: row.try_get("active").map_err(backend)?,
                },
                created_by: by.map(UserId::from_uuid),
                created_at: row.try_get("created_at").map_err(backend)?,
                updated_at: row.try_get("updated_at").map_err(backend)?,
                version: row.try_get("version").map_err(backend)?,
            })
        }

        fn submission_from(row: &<sqlx::$db as sqlx::Database>::Row) -> Result<Submission, StoreError> {
            let id: Uuid = row.try_get("id").map_err(backend)?;
            let form: Uuid = row.try_get("form_id").map_err(backend)?;
            let status: String = row.try_get("status").map_err(backend)?;
            let lead: Option<Uuid> = row.try_get("lead_id").map_err(backend)?;
            let payload: String = row.try_get("payload").map_err(backend)?;
            let by: Option<Uuid> = row.try_get("reviewed_by").map_err(backend)?;
            let get = |name: &str| -> Result<Option<String>, StoreError> { row.try_get(name).map_err(backend) };
            Ok(Submission {
                id: SubmissionId::from_uuid(id),
                form_id: FormId::from_uuid(form),
                status: $crate::rows::parse("submission status", &status, SubmissionStatus::parse)?,
                reason: get("reason")?,
                lead_id: lead.map(LeadId::from_uuid),
                payload: from_json::<BTreeMap<String, String>>("submission payload", &payload)?,
                context: CaptureContext {
                    visitor_id: get("visitor_id")?,
                    utm_source: get("utm_source")?,
                    utm_medium: get("utm_medium")?,
                    utm_campaign: get("utm_campaign")?,
                    utm_term: get("utm_term")?,
                    utm_content: get("utm_content")?,
                    referrer: get("referrer")?,
                    landing_page: get("landing_page")?,
                    ip: get("ip")?,
                    user_agent: get("user_agent")?,
                },
                received_at: row.try_get("received_at").map_err(backend)?,
                reviewed_at: row.try_get("reviewed_at").map_err(backend)?,
                reviewed_by: by.map(UserId::from_uuid),
            })
        }

        fn fields_json(s: &FormSettings) -> String {
            json(&s.fields.iter().map(|f| (f.field.as_str(), f.required)).collect::<Vec<_>>())
        }

        impl $store {
            pub(crate) async fn insert_form_row(&self, f: &WebForm) -> Result<(), StoreError> {
                let s = &f.settings;
                sqlx::query(&format!("insert into forms ({FORM_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"))
                    .bind(f.id.as_uuid()).bind(&f.key).bind(&s.name).bind(fields_json(s)).bind(&s.campaign)
                    .bind(json(&s.products)).bind(&s.thank_you_url).bind(&s.thank_you_message).bind(json(&s.allowed_origins))
                    .bind(i64::from(s.daily_cap)).bind(i64::from(s.min_fill_seconds)).bind(s.team_id.map(|t| t.as_uuid()))
                    .bind(s.active).bind(f.created_by.map(|u| u.as_uuid())).bind(f.created_at).bind(f.updated_at).bind(f.version)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn update_form_row(&self, f: &WebForm, expected: i64) -> Result<(), StoreError> {
                let s = &f.settings;
                let done = sqlx::query("update forms set name = $2, fields = $3, campaign = $4, products = $5, thank_you_url = $6, thank_you_message = $7, allowed_origins = $8, daily_cap = $9, min_fill_seconds = $10, team_id = $11, active = $12, updated_at = $13, version = $14 where id = $1 and version = $15")
                    .bind(f.id.as_uuid()).bind(&s.name).bind(fields_json(s)).bind(&s.campaign).bind(json(&s.products))
                    .bind(&s.thank_you_url).bind(&s.thank_you_message).bind(json(&s.allowed_origins))
                    .bind(i64::from(s.daily_cap)).bind(i64::from(s.min_fill_seconds)).bind(s.team_id.map(|t| t.as_uuid()))
                    .bind(s.active).bind(f.updated_at).bind(f.version).bind(expected)
                    .execute(&self.$write).await.map_err(backend)?;
                if done.rows_affected() == 1 {
                    return Ok(());
                }
                let exists: Option<i64> = sqlx::query_scalar("select version from forms where id = $1")
                    .bind(f.id.as_uuid()).fetch_optional(&self.$write).await.map_err(backend)?;
                Err(if exists.is_some() { StoreError::StaleVersion } else { StoreError::NotFound })
            }

            pub(crate) async fn form_by_id_row(&self, id: FormId) -> Result<Option<WebForm>, StoreError> {
                let sql = format!("select {FORM_COLUMNS} from forms where id = $1");
                let row = sqlx::query(&sql).bind(id.as_uuid()).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(form_from).transpose()
            }

            pub(crate) async fn form_by_key_row(&self, key: &str) -> Result<Option<WebForm>, StoreError> {
                let sql = format!("select {FORM_COLUMNS} from forms where key = $1");
                let row = sqlx::query(&sql).bind(key).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(form_from).transpose()
            }

            pub(crate) async fn form_rows(&self) -> Result<Vec<WebForm>, StoreError> {
                let rows = sqlx::query(&format!("select {FORM_COLUMNS} from forms order by created_at desc, id desc"))
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(form_from).collect()
            }

            pub(crate) async fn insert_submission_tx(
                &self,
                s: &Submission,
                lead: Option<(&Lead, &HistoryEntry)>,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                if let Some((lead, history)) = lead {
                    super::leads::write_lead(&mut tx, lead, None).await?;
                    super::history::insert_history(&mut tx, history).await?;
                }
                let c = &s.context;
                sqlx::query(&format!("insert into form_submissions ({SUBMISSION_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"))
                    .bind(s.id.as_uuid()).bind(s.form_id.as_uuid()).bind(s.status.as_str()).bind(&s.reason)
                    .bind(s.lead_id.map(|l| l.as_uuid())).bind(json(&s.payload)).bind(&c.visitor_id)
                    .bind(&c.utm_source).bind(&c.utm_medium).bind(&c.utm_campaign).bind(&c.utm_term).bind(&c.utm_content)
                    .bind(&c.referrer).bind(&c.landing_page).bind(&c.ip).bind(&c.user_agent)
                    .bind(s.received_at).bind(s.reviewed_at).bind(s.reviewed_by.map(|u| u.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            pub(crate) async fn count_accepted_rows(&self, form: FormId, since: DateTime<Utc>) -> Result<i64, StoreError> {
                sqlx::query_scalar("select count(*) from form_submissions where form_id = $1 and status = 'accepted' and received_at >= $2")
                    .bind(form.as_uuid()).bind(since).fetch_one(&self.$read).await.map_err(backend)
            }

            pub(crate) async fn submission_rows(&self, form: FormId, status: SubmissionStatus, limit: u32) -> Result<Vec<Submission>, StoreError> {
                let rows = sqlx::query(&format!("select {SUBMISSION_COLUMNS} from form_submissions where form_id = $1 and status = $2 order by received_at desc, id desc limit $3"))
                    .bind(form.as_uuid()).bind(status.as_str()).bind(i64::from(limit))
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter().map(submission_from).collect()
            }

            pub(crate) async fn submission_where(&self, clause: &str, id: Uuid) -> Result<Option<Submission>, StoreError> {
                let row = sqlx::query(&format!("select {SUBMISSION_COLUMNS} from form_submissions where {clause} = $1 order by received_at limit 1"))
                    .bind(id).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(submission_from).transpose()
            }

            pub(crate) async fn accept_submission_tx(
                &self,
                id: SubmissionId,
                lead: &Lead,
                history: &HistoryEntry,
                by: Option<UserId>,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                super::leads::write_lead(&mut tx, lead, None).await?;
                super::history::insert_history(&mut tx, history).await?;
                let done = sqlx::query("update form_submissions set status = 'accepted', lead_id = $2, reviewed_at = $3, reviewed_by = $4 where id = $1 and status in ('held', 'spam')")
                    .bind(id.as_uuid()).bind(lead.id.as_uuid()).bind(at).bind(by.map(|u| u.as_uuid()))
                    .execute(&mut *tx).await.map_err(backend)?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound);
                }
                tx.commit().await.map_err(backend)
            }
        }

        }

        pub(crate) mod dedupe {
        //! Duplicate detection lookups, dismissed pairs, lead merges and settings.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::duplicate::PersonRecord;
        use sarnakh_core::domain::{ContactId, LeadId, RecordRef, TeamId, UserId};
        use sarnakh_core::store::{LeadMerge, StoreError};
        use sqlx::Row;
        use std::collections::HashSet;
        use uuid::Uuid;

        use $crate::look_alikes::lead_columns;

        fn person(row: &<sqlx::$db as sqlx::Database>::Row, alias: &str, contact: bool) -> Result<PersonRecord, StoreError> {
            let col = |c: &str| format!("{alias}_{c}");
            let id: Uuid = row.try_get(col("id").as_str()).map_err(backend)?;
            let owner: Option<Uuid> = row.try_get(col("owner_id").as_str()).map_err(backend)?;
            let team: Option<Uuid> = row.try_get(col("team_id").as_str()).map_err(backend)?;
            Ok(PersonRecord {
                record: if contact { RecordRef::Contact(ContactId::from_uuid(id)) } else { RecordRef::Lead(LeadId::from_uuid(id)) },
                first_name: row.try_get(col("first_name").as_str()).map_err(backend)?,
                last_name: row.try_get(col("last_name").as_str()).map_err(backend)?,
                email: row.try_get(col("email").as_str()).map_err(backend)?,
                phone: row.try_get(col("phone").as_str()).map_err(backend)?,
                company: row.try_get(col("company").as_str()).map_err(backend)?,
                owner_id: owner.map(UserId::from_uuid),
                team_id: team.map(TeamId::from_uuid),
            })
        }

        impl $store {
            pub(crate) async fn people_like_rows(&self, p: &PersonRecord, limit: u32) -> Result<Vec<PersonRecord>, StoreError> {
                let skip = p.record.uuid();
                let company_key = p.company.as_deref().map(sarnakh_core::domain::text::match_key);
                let mut out = Vec::new();
                for row in sqlx::query($crate::look_alikes::people())
                    .bind(&p.email).bind(&p.phone).bind(&p.company).bind(company_key).bind(i64::from(limit))
                    .fetch_all(&self.$read).await.map_err(backend)?
                {
                    let kind: String = row.try_get("kind").map_err(backend)?;
                    let found = person(&row, "p", kind == "contact")?;
                    if found.record.uuid() != skip {
                        out.push(found);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn lead_pair_rows(&self, limit: u32) -> Result<Vec<(PersonRecord, PersonRecord)>, StoreError> {
                let mut out = Vec::new();
                for on in [
                    "a.email is not null and lower(a.email) = lower(b.email)",
                    "a.phone is not null and a.phone = b.phone",
                    "a.company is not null and lower(a.company) = lower(b.company)",
                ] {
                    let sql = format!(
                        "select {}, {} from leads a join leads b on {on} and a.id < b.id \
                         where not (a.status = 'disqualified' and a.disqualify_reason = 'duplicate') \
                         and not (b.status = 'disqualified' and b.disqualify_reason = 'duplicate') limit $1",
                        lead_columns("a"),
                        lead_columns("b")
                    );
                    for row in sqlx::query(&sql).bind(i64::from(limit)).fetch_all(&self.$read).await.map_err(backend)? {
                        out.push((person(&row, "a", false)?, person(&row, "b", false)?));
                    }
                }
                Ok(out)
            }

            pub(crate) async fn dismissed_rows(&self) -> Result<HashSet<(Uuid, Uuid)>, StoreError> {
                let rows: Vec<(Uuid, Uuid)> = sqlx::query_as("select first_id, second_id from duplicate_dismissals")
                    .fetch_all(&self.$read).await.map_err(backend)?;
                Ok(rows.into_iter().collect())
            }

            pub(crate) async fn dismiss_row(&self, pair: (Uuid, Uuid), at: DateTime<Utc>, by: Option<UserId>) -> Result<(), StoreError> {
                sqlx::query("insert into duplicate_dismissals (first_id, second_id, dismissed_at, dismissed_by) values ($1, $2, $3, $4) on conflict (first_id, second_id) do nothing")
                    .bind(pair.0).bind(pair.1).bind(at).bind(by.map(|u| u.as_uuid()))
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn merge_leads_tx(&self, m: &LeadMerge) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                super::leads::write_lead(&mut tx, &m.survivor, Some(m.survivor_expected)).await?;
                super::leads::write_lead(&mut tx, &m.absorbed, Some(m.absorbed_expected)).await?;
                let (to, from) = (m.survivor.id.as_uuid(), m.absorbed.id.as_uuid());
                for sql in [
                    "update activities set subject_id = $1 where subject_type = 'lead' and subject_id = $2",
                    "update tasks set subject_id = $1 where subject_type = 'lead' and subject_id = $2",
                    "update events set lead_id = $1 where lead_id = $2",
                    format!("update opportunities set lead_id = $1, {} where lead_id = $2", $crate::rows::lead_facts_set("$1")).as_str(),
                    "update contacts set lead_id = $1 where lead_id = $2",
                    "update form_submissions set lead_id = $1 where lead_id = $2",
                    "update visitors set lead_id = $1 where lead_id = $2",
                    // The earlier of the two first contacts is the survivor's; the other
                    // lead has no activity left.
                    "update leads set first_contact_at = (select min(first_contact_at) from leads where id in ($1, $2)) where id = $1",
                    "update leads set first_contact_at = null where id = $2 and id <> $1",
                ] {
                    sqlx::query(sql).bind(to).bind(from).execute(&mut *tx).await.map_err(backend)?;
                }
                for h in &m.history {
                    super::history::insert_history(&mut tx, h).await?;
                }
                tx.commit().await.map_err(backend)
            }

            pub(crate) async fn setting_row(&self, key: &str) -> Result<Option<String>, StoreError> {
                sqlx::query_scalar("select value from settings where key = $1")
                    .bind(key).fetch_optional(&self.$read).await.map_err(backend)
            }

            pub(crate) async fn save_setting_row(&self, key: &str, value: &str, at: DateTime<Utc>, by: Option<UserId>) -> Result<(), StoreError> {
                sqlx::query("insert into settings (key, value, updated_at, updated_by) values ($1, $2, $3, $4) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
                    .bind(key).bind(value).bind(at).bind(by.map(|u| u.as_uuid()))
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }
        }

        }

        pub(crate) mod imports {
        //! Import runs, external ids, and batches of imported rows.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{
            Account, AccountId, Contact, ContactId, LeadId, OpportunityStatus, UserId,
        };
        use sarnakh_core::import::{ImportTally, RejectedRow};
        use sarnakh_core::store::{ImportBatch, ImportRun, StoreError};
        use sqlx::{QueryBuilder, Row};
        use std::collections::HashMap;
        use uuid::Uuid;
        use $crate::bulk::ROWS_PER_STATEMENT;

        const RUN_COLUMNS: &str = "id, entity, source_digest, file_name, finished_at, rows_done, rows_read, created, updated, unchanged, rejected, started_at";
        /// Keys per `in (...)` list.
        const CHUNK: usize = 500;

        fn count(n: u64) -> i64 {
            i64::try_from(n).unwrap_or(i64::MAX)
        }

        fn run_from(row: &<sqlx::$db as sqlx::Database>::Row) -> Result<ImportRun, StoreError> {
            let n = |c: &str| -> Result<u64, StoreError> {
                let v: i64 = row.try_get(c).map_err(backend)?;
                Ok(u64::try_from(v).unwrap_or(0))
            };
            Ok(ImportRun {
                id: row.try_get("id").map_err(backend)?,
                entity: row.try_get("entity").map_err(backend)?,
                source_digest: row.try_get("source_digest").map_err(backend)?,
                file_name: row.try_get("file_name").map_err(backend)?,
                rows_done: n("rows_done")?,
                tally: ImportTally {
                    read: n("rows_read")?,
                    created: n("created")?,
                    updated: n("updated")?,
                    unchanged: n("unchanged")?,
                    rejected: n("rejected")?,
                },
                finished_at: row.try_get("finished_at").map_err(backend)?,
                started_at: row.try_get("started_at").map_err(backend)?,
            })
        }

        type Conn = <sqlx::$db as sqlx::Database>::Connection;

        /// Inserts new leads, many rows per statement.
        pub(crate) async fn insert_leads(conn: &mut Conn, leads: &[(sarnakh_core::domain::Lead, sarnakh_core::domain::HistoryEntry)]) -> Result<(), StoreError> {
            for chunk in leads.chunks(ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::<sqlx::$db>::new(format!("insert into leads ({}, sort_name, search) ", $crate::rows::LEAD_COLUMNS));
                q.push_values(chunk, |mut b, (l, _)| $crate::bind_lead!(b, l, super::leads::products_param(l)));
                q.build().execute(&mut *conn).await.map_err(backend)?;
            }
            Ok(())
        }

        pub(crate) async fn write_account(conn: &mut Conn, a: &Account, expected: Option<i64>) -> Result<(), StoreError> {
            let sql = match expected {
                None => "insert into accounts (id, name, name_key, industry, company_size, country, owner_id, customer_since, created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                Some(_) => "update accounts set name = $2, name_key = $3, industry = $4, company_size = $5, country = $6, owner_id = $7, customer_since = $8, created_at = $9, updated_at = $10, version = $11 where id = $1 and version = $12",
            };
            let q = sqlx::query(sql)
                .bind(a.id.as_uuid()).bind(&a.name).bind(&a.name_key).bind(&a.industry).bind(a.company_size).bind(&a.country)
                .bind(a.owner_id.map(|o| o.as_uuid())).bind(a.customer_since).bind(a.created_at).bind(a.updated_at).bind(a.version);
            let q = match expected { Some(v) => q.bind(v), None => q };
            let done = q.execute(&mut *conn).await.map_err(backend)?;
            if expected.is_some() && done.rows_affected() == 0 {
                return Err(super::leads::stale_or_missing(conn, "accounts", a.id.as_uuid()).await);
            }
            Ok(())
        }

        async fn update_contact(conn: &mut Conn, c: &Contact, expected: i64) -> Result<(), StoreError> {
            let done = sqlx::query("update contacts set account_id = $2, lead_id = $3, first_name = $4, last_name = $5, email = $6, phone = $7, job_title = $8, version = $9, search = $10 where id = $1 and version = $11")
                .bind(c.id.as_uuid()).bind(c.account_id.as_uuid()).bind(c.lead_id.map(|l| l.as_uuid()))
                .bind(&c.first_name).bind(&c.last_name).bind(c.email.as_ref().map(|e| e.as_str()))
                .bind(c.phone.as_ref().map(|p| p.as_str())).bind(&c.job_title).bind(c.version)
                .bind($crate::rows::contact_search(c)).bind(expected)
                .execute(&mut *conn).await.map_err(backend)?;
            if done.rows_affected() == 0 {
                return Err(super::leads::stale_or_missing(conn, "contacts", c.id.as_uuid()).await);
            }
            Ok(())
        }

        impl $store {
            pub(crate) async fn open_import_run_row(
                &self,
                entity: &str,
                digest: &str,
                file_name: &str,
                at: DateTime<Utc>,
                by: Option<UserId>,
            ) -> Result<ImportRun, StoreError> {
                let sql = format!("select {RUN_COLUMNS} from import_runs where source_digest = $1 and entity = $2 and finished_at is null order by started_at desc limit 1");
                if let Some(row) = sqlx::query(&sql).bind(digest).bind(entity).fetch_optional(&self.$write).await.map_err(backend)? {
                    return run_from(&row);
                }
                let id = Uuid::now_v7();
                sqlx::query("insert into import_runs (id, entity, source_digest, file_name, finished_at, rows_done, rows_read, created, updated, unchanged, rejected, started_at, started_by) values ($1, $2, $3, $4, null, 0, 0, 0, 0, 0, 0, $5, $6)")
                    .bind(id).bind(entity).bind(digest).bind(file_name).bind(at).bind(by.map(|u| u.as_uuid()))
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(ImportRun {
                    id,
                    entity: entity.to_owned(),
                    source_digest: digest.to_owned(),
                    file_name: file_name.to_owned(),
                    rows_done: 0,
                    tally: ImportTally::default(),
                    finished_at: None,
                    started_at: at,
                })
            }

            pub(crate) async fn external_record_rows(&self, entity: &str, ids: &[String]) -> Result<HashMap<String, Uuid>, StoreError> {
                let mut out = HashMap::with_capacity(ids.len());
                for chunk in ids.chunks(CHUNK) {
                    let mut q = QueryBuilder::<sqlx::$db>::new("select external_id, record_id from external_ids where entity = ");
                    q.push_bind(entity.to_owned());
                    q.push(" and external_id in (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.clone());
                    }
                    q.push(")");
                    // Not a prepared statement: a plan cached while the table was small
                    // reads every row of the entity once it is large (PostgreSQL).
                    for row in q.build().persistent(false).fetch_all(&self.$write).await.map_err(backend)? {
                        out.insert(row.try_get("external_id").map_err(backend)?, row.try_get("record_id").map_err(backend)?);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn leads_by_email_rows(&self, emails: &[String]) -> Result<HashMap<String, LeadId>, StoreError> {
                let sql = "select lower(email) as k, id from leads where not (status = 'disqualified' and disqualify_reason = 'duplicate') and lower(email) in (";
                let found = self.ids_by_key(sql, " order by created_at, id", emails, true).await?;
                Ok(found.into_iter().map(|(k, id)| (k, LeadId::from_uuid(id))).collect())
            }

            pub(crate) async fn visitor_lead_rows(&self, visitors: &[String]) -> Result<HashMap<String, LeadId>, StoreError> {
                let sql = "select visitor_id as k, lead_id as id from visitors where visitor_id in (";
                let found = self.ids_by_key(sql, "", visitors, false).await?;
                Ok(found.into_iter().map(|(k, id)| (k, LeadId::from_uuid(id))).collect())
            }

            pub(crate) async fn accounts_by_name_key_rows(&self, keys: &[String]) -> Result<HashMap<String, AccountId>, StoreError> {
                let found = self.ids_by_key("select name_key as k, id from accounts where name_key in (", "", keys, false).await?;
                Ok(found.into_iter().map(|(k, id)| (k, AccountId::from_uuid(id))).collect())
            }

            pub(crate) async fn contacts_by_email_rows(&self, emails: &[String]) -> Result<HashMap<String, ContactId>, StoreError> {
                let sql = "select lower(email) as k, id from contacts where lower(email) in (";
                // Newest first, so that the oldest contact of an email is the one kept.
                let found = self.ids_by_key(sql, " order by created_at desc, id desc", emails, true).await?;
                Ok(found.into_iter().map(|(k, id)| (k, ContactId::from_uuid(id))).collect())
            }

            /// Runs `select k, id ... in (` + keys + `)` + `tail` in chunks; a later row of a
            /// key replaces an earlier one.
            async fn ids_by_key(&self, head: &str, tail: &str, keys: &[String], lower: bool) -> Result<HashMap<String, Uuid>, StoreError> {
                let mut out = HashMap::with_capacity(keys.len());
                for chunk in keys.chunks(CHUNK) {
                    let mut q = QueryBuilder::<sqlx::$db>::new(head);
                    let mut list = q.separated(", ");
                    for k in chunk {
                        list.push_bind(if lower { k.to_lowercase() } else { k.clone() });
                    }
                    q.push(")");
                    q.push(tail);
                    for row in q.build().persistent(false).fetch_all(&self.$write).await.map_err(backend)? {
                        out.insert(row.try_get("k").map_err(backend)?, row.try_get("id").map_err(backend)?);
                    }
                }
                Ok(out)
            }

            pub(crate) async fn change_contact_tx(&self, c: &Contact, expected: i64, history: &sarnakh_core::domain::HistoryEntry) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                update_contact(&mut tx, c, expected).await?;
                super::history::insert_history(&mut tx, history).await?;
                tx.commit().await.map_err(backend)
            }

            pub(crate) async fn write_import_batch_tx(&self, b: &ImportBatch) -> Result<(), StoreError> {
                let mut tx = self.$write.begin().await.map_err(backend)?;
                insert_leads(&mut tx, &b.new_leads).await?;
                let histories: Vec<_> = b.new_leads.iter().map(|(_, h)| h).collect();
                super::history::insert_histories(&mut tx, &histories).await?;
                for (lead, expected, history) in &b.changed_leads {
                    super::leads::write_lead(&mut tx, lead, Some(*expected)).await?;
                    super::history::insert_history(&mut tx, history).await?;
                }
                for (account, expected) in &b.accounts {
                    write_account(&mut tx, account, *expected).await?;
                }
                for (contact, expected) in &b.contacts {
                    match expected {
                        None => super::records::insert_contact(&mut tx, contact).await?,
                        Some(v) => update_contact(&mut tx, contact, *v).await?,
                    }
                }
                for (o, expected, history) in &b.opportunities {
                    super::records::write_opportunity(&mut tx, o, *expected).await?;
                    super::history::insert_history(&mut tx, history).await?;
                    if o.status == OpportunityStatus::Won {
                        sqlx::query("update accounts set customer_since = $2, updated_at = $3, version = version + 1 where id = $1 and customer_since is null")
                            .bind(o.account_id.as_uuid()).bind(o.closed_at.unwrap_or(o.updated_at)).bind(o.updated_at)
                            .execute(&mut *tx).await.map_err(backend)?;
                    }
                }
                for activity in &b.activities {
                    super::work::insert_activity_in(&mut tx, activity).await?;
                }
                for chunk in b.external_ids.chunks(ROWS_PER_STATEMENT) {
                    let mut q = QueryBuilder::<sqlx::$db>::new("insert into external_ids (entity, external_id, record_id) ");
                    q.push_values(chunk, |mut row, (entity, external, record)| {
                        row.push_bind(entity.clone()).push_bind(external.clone()).push_bind(*record);
                    });
                    q.push(" on conflict (entity, external_id) do update set record_id = excluded.record_id");
                    q.build().execute(&mut *tx).await.map_err(backend)?;
                }
                for r in &b.rejects {
                    sqlx::query("insert into import_rejects (run_id, row_number, line_number, reasons, cells) values ($1, $2, $3, $4, $5) on conflict (run_id, row_number) do nothing")
                        .bind(b.run).bind(count(r.row)).bind(count(r.line))
                        .bind(serde_json::to_string(&r.reasons).expect("text serialises"))
                        .bind(serde_json::to_string(&r.cells).expect("text serialises"))
                        .execute(&mut *tx).await.map_err(backend)?;
                }
                let t = &b.tally;
                sqlx::query("update import_runs set rows_done = $2, rows_read = $3, created = $4, updated = $5, unchanged = $6, rejected = $7, finished_at = $8 where id = $1")
                    .bind(b.run).bind(count(b.rows_done)).bind(count(t.read)).bind(count(t.created)).bind(count(t.updated))
                    .bind(count(t.unchanged)).bind(count(t.rejected)).bind(b.finished_at)
                    .execute(&mut *tx).await.map_err(backend)?;
                tx.commit().await.map_err(backend)
            }

            /// The newest run of a source.
            pub(crate) async fn latest_import_run(&self, entity: &str, digest: &str) -> Result<Option<ImportRun>, StoreError> {
                let sql = format!("select {RUN_COLUMNS} from import_runs where source_digest = $1 and entity = $2 order by started_at desc limit 1");
                let row = sqlx::query(&sql).bind(digest).bind(entity).fetch_optional(&self.$read).await.map_err(backend)?;
                row.as_ref().map(run_from).transpose()
            }

            pub(crate) async fn import_reject_rows(&self, run: Uuid) -> Result<Vec<RejectedRow>, StoreError> {
                let rows = sqlx::query("select row_number, line_number, reasons, cells from import_rejects where run_id = $1 order by row_number")
                    .bind(run).fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        let n: i64 = row.try_get("row_number").map_err(backend)?;
                        let l: i64 = row.try_get("line_number").map_err(backend)?;
                        let reasons: String = row.try_get("reasons").map_err(backend)?;
                        let cells: String = row.try_get("cells").map_err(backend)?;
                        Ok(RejectedRow {
                            row: u64::try_from(n).unwrap_or(0),
                            line: u64::try_from(l).unwrap_or(0),
                            reasons: serde_json::from_str(&reasons).map_err(|_| $crate::rows::corrupt("import reasons", &reasons))?,
                            cells: serde_json::from_str(&cells).map_err(|_| $crate::rows::corrupt("import cells", &cells))?,
                        })
                    })
                    .collect()
            }
        }

        }

        $crate::import_job_queries!($store, $db, $read, $write);
        $crate::saved_view_queries!($store, $db, $read, $write);

        pub(crate) mod assign {
        //! Round-robin turns, open-lead counts per rep, and first contacts.

        use super::backend;
        use super::$store;
        use chrono::{DateTime, Utc};
        use sarnakh_core::domain::{LeadId, UserId};
        use sarnakh_core::store::StoreError;
        use sqlx::{QueryBuilder, Row};
        use std::collections::HashMap;
        use uuid::Uuid;

        /// Keys per `in (...)` list.
        const CHUNK: usize = 500;

        impl $store {
            pub(crate) async fn next_turn_row(&self, rule: &str) -> Result<u64, StoreError> {
                let turns: i64 = sqlx::query_scalar("insert into assignment_turns (rule, turns) values ($1, 1) on conflict (rule) do update set turns = assignment_turns.turns + 1 returning turns")
                    .bind(rule).fetch_one(&self.$write).await.map_err(backend)?;
                Ok(u64::try_from(turns - 1).unwrap_or(0))
            }

            pub(crate) async fn open_lead_count_rows(&self, users: &[UserId]) -> Result<HashMap<UserId, u64>, StoreError> {
                let mut out = HashMap::new();
                for chunk in users.chunks(CHUNK) {
                    let mut q = QueryBuilder::<sqlx::$db>::new("select owner_id, count(*) as n from leads where status = 'open' and owner_id in (");
                    let mut list = q.separated(", ");
                    for u in chunk {
                        list.push_bind(u.as_uuid());
                    }
                    q.push(") group by owner_id");
                    for row in q.build().fetch_all(&self.$read).await.map_err(backend)? {
                        let owner: Uuid = row.try_get("owner_id").map_err(backend)?;
                        let n: i64 = row.try_get("n").map_err(backend)?;
                        out.insert(UserId::from_uuid(owner), u64::try_from(n).unwrap_or(0));
                    }
                }
                Ok(out)
            }

            pub(crate) async fn first_contact_rows(&self, leads: &[LeadId]) -> Result<HashMap<LeadId, DateTime<Utc>>, StoreError> {
                let mut out = HashMap::new();
                for chunk in leads.chunks(CHUNK) {
                    let mut q = QueryBuilder::<sqlx::$db>::new("select subject_id, min(occurred_at) as first_at from activities where subject_type = 'lead' and kind in ('call', 'email', 'meeting', 'demo') and subject_id in (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.as_uuid());
                    }
                    q.push(") group by subject_id");
                    for row in q.build().fetch_all(&self.$read).await.map_err(backend)? {
                        let id: Uuid = row.try_get("subject_id").map_err(backend)?;
                        out.insert(LeadId::from_uuid(id), row.try_get("first_at").map_err(backend)?);
                    }
                }
                Ok(out)
            }
        }

        }

        pub(crate) mod audit {
        //! Reading a record's history with the fields each row changed (appending is the
        //! adapters' own: they number rows differently).

        use super::backend;
        use super::$store;
        use $crate::rows::{HISTORY_COLUMNS, HistoryRow};
        use sarnakh_core::domain::{FieldChange, HistoryEntry, RecordRef};
        use sarnakh_core::store::StoreError;
        use std::collections::HashMap;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn history_rows_of(
                &self,
                subject: RecordRef,
            ) -> Result<Vec<HistoryEntry>, StoreError> {
                let rows: Vec<HistoryRow> = sqlx::query_as(&format!("select {HISTORY_COLUMNS} from history where subject_type = $1 and subject_id = $2 order by seq"))
                    .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.$read).await.map_err(backend)?;
                let changes: Vec<(Uuid, String, Option<String>, Option<String>)> = sqlx::query_as(
                    "select c.history_id, c.field, c.old_value, c.new_value from history_changes c join history h on h.id = c.history_id where h.subject_type = $1 and h.subject_id = $2 order by c.history_id, c.position",
                )
                .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.$read).await.map_err(backend)?;
                let mut by_row: HashMap<Uuid, Vec<FieldChange>> = HashMap::new();
                for (id, field, old, new) in changes {
                    by_row.entry(id).or_default().push(FieldChange { field, old, new });
                }
                rows.into_iter()
                    .map(|r| {
                        let mut entry = HistoryEntry::try_from(r)?;
                        entry.changes = by_row.remove(&entry.id.as_uuid()).unwrap_or_default();
                        Ok(entry)
                    })
                    .collect()
            }
        }

        }
    };
}
