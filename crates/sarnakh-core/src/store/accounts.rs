//! The storage port of account changes made one by one (a new owner): the account and its
//! history row in one transaction, guarded by the version read.

use super::StoreResult;
use crate::domain::{Account, HistoryEntry};
use async_trait::async_trait;

/// Persistence of account changes.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Rewrites an account that must still have version `expected`, with its history row, in
    /// one transaction (`StaleVersion` when it changed meanwhile).
    async fn change_account(
        &self,
        account: &Account,
        expected: i64,
        history: &HistoryEntry,
    ) -> StoreResult<()>;
}
