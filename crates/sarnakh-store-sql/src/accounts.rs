//! Account changes made one by one (the bulk owner change of the account list), the same for
//! both SQL stores: `account_queries!` expands them as module `account_changes` with
//! `impl AccountStore` in each store crate.

/// Expands the account change queries as module `account_changes` in the calling store crate.
#[macro_export]
macro_rules! account_queries {
    ($store:ident, $db:ident, $read:ident, $write:ident) => {
        pub(crate) mod account_changes {
            //! An account rewritten with its history row.

            use super::{backend, $store};
            use async_trait::async_trait;
            use sarnakh_core::domain::{Account, HistoryEntry};
            use sarnakh_core::store::{AccountStore, StoreResult};

            #[async_trait]
            impl AccountStore for $store {
                async fn change_account(
                    &self,
                    account: &Account,
                    expected: i64,
                    history: &HistoryEntry,
                ) -> StoreResult<()> {
                    let mut tx = self.$write.begin().await.map_err(backend)?;
                    super::imports::write_account(&mut tx, account, Some(expected)).await?;
                    super::history::insert_history(&mut tx, history).await?;
                    tx.commit().await.map_err(backend)
                }
            }
        }
    };
}
