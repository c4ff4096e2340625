//! The storage port of the nurture content library: the items, their sendings (each with
//! its email activity, in one transaction) and the content report's counts.

use super::StoreResult;
use crate::domain::content::{ContentItem, ContentSend};
use crate::domain::report::ReportScope;
use crate::domain::{Activity, ContentId, RecordRef};
use async_trait::async_trait;

/// One content item's sendings in a period and what their leads did afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentCounts {
    /// The item.
    pub content_id: ContentId,
    /// Sendings in the period (to leads the scope lets through).
    pub sends: u64,
    /// Distinct leads that received it in the period.
    pub leads: u64,
    /// Of those, qualified at or after their first sending in the period.
    pub qualified: u64,
    /// Converted at or after it.
    pub converted: u64,
    /// With a deal won at or after it.
    pub won: u64,
}

/// Persistence of content items and sendings.
#[async_trait]
pub trait ContentStore: Send + Sync {
    /// Inserts a content item.
    async fn insert_content(&self, item: &ContentItem) -> StoreResult<()>;
    /// Replaces an item if its stored version is `expected_version`.
    async fn update_content(&self, item: &ContentItem, expected_version: i64) -> StoreResult<()>;
    /// Reads an item.
    async fn get_content(&self, id: ContentId) -> StoreResult<Option<ContentItem>>;
    /// Every item, oldest first (the library is small: a few hundred items).
    async fn list_content(&self) -> StoreResult<Vec<ContentItem>>;
    /// Logs a sending: the email activity and the sending row, in one transaction.
    async fn insert_content_send(&self, activity: &Activity, send: &ContentSend)
    -> StoreResult<()>;
    /// The items already sent to a record.
    async fn content_sent_to(&self, subject: RecordRef) -> StoreResult<Vec<ContentId>>;
    /// Per item: the period's sendings and their leads' later conversions.
    async fn content_counts(&self, scope: &ReportScope) -> StoreResult<Vec<ContentCounts>>;
}
