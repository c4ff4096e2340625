//! Accounts: the buyer's organisation. An account becomes a customer when its first
//! opportunity is won.

use super::ids::{AccountId, UserId};
use chrono::{DateTime, Utc};

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Id.
    pub id: AccountId,
    /// Organisation name as first recorded.
    pub name: String,
    /// Case- and space-insensitive match key of the name; unique.
    pub name_key: String,
    /// Industry.
    pub industry: Option<String>,
    /// Employees.
    pub company_size: Option<i32>,
    /// ISO 3166 alpha-2 country.
    pub country: Option<String>,
    /// Owner.
    pub owner_id: Option<UserId>,
    /// When the first deal was won; `Some` means the account is a customer.
    pub customer_since: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Account {
    /// True once a deal has been won.
    pub fn is_customer(&self) -> bool {
        self.customer_since.is_some()
    }
}
