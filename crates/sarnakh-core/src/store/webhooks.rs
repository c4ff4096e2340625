//! The storage port of webhooks and the outbox: subscriptions, fan-out of outbox events to
//! deliveries, claiming due deliveries safely with many workers, recording attempts, the
//! event stream's reads, `task.overdue` events and pruning.

use super::StoreResult;
use crate::domain::webhook::{AttemptOutcome, ClaimedDelivery, Delivery, DeliveryStatus, Webhook};
use crate::domain::{DeliveryId, WebhookId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What one fan-out pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FanOut {
    /// Outbox events handled.
    pub events: u64,
    /// Deliveries created.
    pub deliveries: u64,
}

/// An outbox event ready for the event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEvent {
    /// Event id (the JetStream message id).
    pub id: Uuid,
    /// `lead.qualified` ...
    pub event_type: String,
    /// The JSON body, as webhooks get it.
    pub payload: String,
}

/// Persistence of webhooks, the outbox and deliveries.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Inserts a subscription.
    async fn insert_webhook(&self, hook: &Webhook) -> StoreResult<()>;
    /// Replaces a subscription if its stored version is `expected_version`.
    async fn update_webhook(&self, hook: &Webhook, expected_version: i64) -> StoreResult<()>;
    /// Reads one.
    async fn get_webhook(&self, id: WebhookId) -> StoreResult<Option<Webhook>>;
    /// Every subscription, oldest first.
    async fn list_webhooks(&self) -> StoreResult<Vec<Webhook>>;
    /// Removes a subscription and its deliveries; `NotFound` if missing.
    async fn delete_webhook(&self, id: WebhookId) -> StoreResult<()>;

    /// In one transaction: takes up to `limit` outbox events not yet fanned out (oldest
    /// first; on PostgreSQL `for update skip locked`, so instances share the work), builds
    /// each payload, adds one pending delivery per active subscription that wants it (due
    /// at `now`), and marks the events fanned out.
    async fn fan_out_events(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<FanOut>;
    /// Claims up to `limit` deliveries due at `now` (pending and due, or delivering with a
    /// lease that ran out) of active subscriptions: marks them delivering with a new lease
    /// until `lease_until` and counts the attempt. Two claimers never get the same one.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records an attempt's outcome if `lease_id` still holds the delivery; false if it
    /// does not (the lease ran out and another worker took it).
    async fn finish_delivery(
        &self,
        id: DeliveryId,
        lease_id: Uuid,
        outcome: &AttemptOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// A subscription's deliveries, newest first, optionally of one status.
    async fn list_deliveries(
        &self,
        webhook: WebhookId,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// One delivery.
    async fn get_delivery(&self, id: DeliveryId) -> StoreResult<Option<Delivery>>;
    /// Makes a dead (or delivered) delivery pending again, due at `now`, attempts reset.
    /// `Conflict` if it is pending or being delivered.
    async fn replay_delivery(&self, id: DeliveryId, now: DateTime<Utc>) -> StoreResult<Delivery>;
    /// Deliveries waiting (pending or delivering).
    async fn pending_deliveries(&self) -> StoreResult<u64>;

    /// Registers (or refreshes) an event-stream consumer, so changes keep writing outbox
    /// rows for it even with no webhook; forgets consumers not seen since `stale_before`.
    async fn touch_outbox_consumer(
        &self,
        name: Option<&str>,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Up to `limit` fanned-out events not yet streamed, oldest first.
    async fn unstreamed_events(&self, limit: u32) -> StoreResult<Vec<StreamEvent>>;
    /// Marks events streamed.
    async fn mark_streamed(&self, ids: &[Uuid]) -> StoreResult<()>;
    /// Adds a `task.overdue` event for each open task that fell due between `since` and
    /// `now` and was not announced at its current due time (at most `limit`); returns how
    /// many tasks it marked. Tasks are marked even when nobody listens (no event then).
    async fn emit_overdue_tasks(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<u64>;
    /// Deletes handled outbox rows (fanned out and streamed, or fanned out with no stream
    /// consumer), every outbox row created before `outbox_before`, the overdue-task markers
    /// of tasks due before `outbox_before` (keep it further back than the announcing window),
    /// and delivered deliveries delivered before `delivered_before`. Returns rows removed.
    async fn prune_outbox(
        &self,
        outbox_before: DateTime<Utc>,
        delivered_before: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Outbox rows waiting (tests, `sarnakh webhook` output).
    async fn outbox_len(&self) -> StoreResult<u64>;
}
