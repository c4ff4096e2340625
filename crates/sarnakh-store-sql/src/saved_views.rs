//! Queries of saved views (a user's named list filters), the same for both SQL stores;
//! expanded by `shared_queries!` as module `saved_views`.

/// Expands the saved-view queries as an `impl $store` block in the calling store crate.
#[macro_export]
macro_rules! saved_view_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod saved_views {
        //! Saved views: insert or replace by name, list one user's, delete one.

        use super::backend;
        use super::$store;
        use sarnakh_core::domain::UserId;
        use sarnakh_core::domain::saved_view::SavedView;
        use sarnakh_core::store::StoreError;
        use sqlx::Row;
        use uuid::Uuid;

        impl $store {
            pub(crate) async fn save_view_row(&self, v: &SavedView) -> Result<(), StoreError> {
                sqlx::query("insert into saved_views (id, user_id, list, name, query, created_at) values ($1, $2, $3, $4, $5, $6)
                    on conflict (user_id, list, name) do update set query = excluded.query, created_at = excluded.created_at")
                    .bind(v.id).bind(v.user_id.as_uuid()).bind(&v.list).bind(&v.name).bind(&v.query).bind(v.created_at)
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(())
            }

            pub(crate) async fn saved_view_rows(&self, user: UserId, list: &str) -> Result<Vec<SavedView>, StoreError> {
                // Served by the unique index (user_id, list, name).
                let rows = sqlx::query("select id, user_id, list, name, query, created_at from saved_views where user_id = $1 and list = $2 order by name, id")
                    .bind(user.as_uuid()).bind(list)
                    .fetch_all(&self.$read).await.map_err(backend)?;
                rows.iter()
                    .map(|row| {
                        let user: Uuid = row.try_get("user_id").map_err(backend)?;
                        Ok(SavedView {
                            id: row.try_get("id").map_err(backend)?,
                            user_id: UserId::from_uuid(user),
                            list: row.try_get("list").map_err(backend)?,
                            name: row.try_get("name").map_err(backend)?,
                            query: row.try_get("query").map_err(backend)?,
                            created_at: row.try_get("created_at").map_err(backend)?,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn delete_view_row(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
                let done = sqlx::query("delete from saved_views where id = $1 and user_id = $2")
                    .bind(id).bind(user.as_uuid())
                    .execute(&self.$write).await.map_err(backend)?;
                Ok(done.rows_affected() > 0)
            }
        }
        }
    };
}
