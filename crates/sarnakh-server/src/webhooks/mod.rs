//! The webhook and event-stream relay that runs in every `sarnakh serve`: fans outbox
//! events out to deliveries, publishes them to NATS JetStream when configured, claims due
//! deliveries (safe with many instances: the store's claim is `for update skip locked` on
//! PostgreSQL and one atomic update on SQLite, with a lease) and POSTs them signed, then
//! records the outcome: delivered on 2xx, else retried with backoff and jitter, dead after
//! the last attempt. Housekeeping (every 30 s): `task.overdue` events, the stream's
//! registration, pruning handled outbox rows and old delivered deliveries, the pending
//! gauge. It must not decide who may see what: subscriptions are admin-owned.

pub mod send;
pub mod stream;

use crate::metrics;
use chrono::{DateTime, Duration as Span, Utc};
use sarnakh_core::domain::webhook::{ClaimedDelivery, DeliveryStatus, after_attempt};
use sarnakh_core::store::{Store, StoreError};
use send::Sender;
use std::sync::Arc;
use std::time::Duration;
use stream::EventStream;
use tokio::task::JoinHandle;

/// Outbox events fanned out, streamed, or deliveries claimed, per batch.
const BATCH: u32 = 100;
/// Deliveries sent at once by one instance.
const CLAIM: u32 = 32;
/// How long a claim holds a delivery (well past the 10 s request timeout).
const LEASE: Span = Span::seconds(60);

/// Where to publish events, if anywhere.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    /// NATS server URL.
    pub url: String,
    /// JetStream stream name.
    pub name: String,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Outbox events fanned out.
    pub fanned_out: u64,
    /// Deliveries created.
    pub deliveries_created: u64,
    /// Events published to the stream.
    pub streamed: u64,
    /// Deliveries the subscriber accepted.
    pub delivered: u64,
    /// Failed attempts that will be retried.
    pub retried: u64,
    /// Deliveries dead-lettered.
    pub dead: u64,
}

/// The relay over one store.
#[derive(Clone)]
pub struct Relay {
    store: Arc<dyn Store>,
    sender: Sender,
    stream_config: Option<StreamConfig>,
    stream: Arc<tokio::sync::Mutex<Option<EventStream>>>,
}

impl Relay {
    /// A relay; `allow_private` lets deliveries reach loopback and private addresses.
    pub fn new(store: Arc<dyn Store>, allow_private: bool, stream: Option<StreamConfig>) -> Self {
        Self {
            store,
            sender: Sender::new(allow_private),
            stream_config: stream,
            stream: Arc::default(),
        }
    }

    /// One pass at `now`: fan out, stream, deliver what is due.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
        let mut report = TickReport::default();
        for _ in 0..10 {
            let f = self.store.fan_out_events(now, BATCH).await?;
            report.fanned_out += f.events;
            report.deliveries_created += f.deliveries;
            if f.events < u64::from(BATCH) {
                break;
            }
        }
        report.streamed = self.publish().await?;
        let claimed = self.store.claim_deliveries(now, now + LEASE, CLAIM).await?;
        let mut running = tokio::task::JoinSet::new();
        for c in claimed {
            let this = self.clone();
            running.spawn(async move { this.deliver(c, now).await });
        }
        while let Some(done) = running.join_next().await {
            match done {
                Ok(Ok(DeliveryStatus::Delivered)) => report.delivered += 1,
                Ok(Ok(DeliveryStatus::Dead)) => report.dead += 1,
                Ok(Ok(_)) => report.retried += 1,
                Ok(Err(e)) => tracing::warn!(error = %e, "webhook delivery not recorded"),
                Err(e) => tracing::warn!(error = %e, "webhook delivery task failed"),
            }
        }
        Ok(report)
    }

    async fn deliver(
        &self,
        c: ClaimedDelivery,
        now: DateTime<Utc>,
    ) -> Result<DeliveryStatus, StoreError> {
        let d = &c.delivery;
        let attempt = self
            .sender
            .post(
                &c.url,
                &c.secret,
                &d.event_type,
                &d.id.to_string(),
                Utc::now().timestamp(),
                &d.payload,
            )
            .await;
        let outcome = after_attempt(
            d.attempts,
            attempt.status,
            attempt.error,
            now,
            fastrand::f64(),
        );
        if let Some(error) = &outcome.error {
            tracing::info!(delivery = %d.id, webhook = %d.webhook_id, attempt = d.attempts, status = outcome.status.as_str(), %error, "webhook attempt failed");
        }
        metrics::webhook_delivery(outcome.status.as_str());
        let held = self
            .store
            .finish_delivery(d.id, c.lease_id, &outcome, Utc::now().max(now))
            .await?;
        if !held {
            tracing::warn!(delivery = %d.id, "webhook delivery lease ran out before its outcome was recorded");
        }
        Ok(outcome.status)
    }

    /// Publishes fanned-out events to the stream, if one is connected; how many.
    async fn publish(&self) -> Result<u64, StoreError> {
        let guard = self.stream.lock().await;
        let Some(stream) = guard.as_ref() else {
            return Ok(0);
        };
        let mut published = 0;
        loop {
            let events = self.store.unstreamed_events(BATCH).await?;
            let mut sent = Vec::with_capacity(events.len());
            for e in &events {
                match stream.publish(e).await {
                    Ok(_) => sent.push(e.id),
                    Err(why) => {
                        tracing::warn!(event = %e.id, error = %why, "event not published; retried next pass");
                        break;
                    }
                }
            }
            self.store.mark_streamed(&sent).await?;
            published += sent.len() as u64;
            metrics::events_streamed(sent.len() as u64);
            if sent.len() < events.len() || events.len() < BATCH as usize {
                return Ok(published);
            }
        }
    }

    /// Housekeeping at `now`: connect the stream if configured, keep its registration,
    /// announce overdue tasks, prune, update the pending gauge.
    pub async fn housekeeping(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        if let Some(config) = &self.stream_config {
            let mut guard = self.stream.lock().await;
            if guard.is_none() {
                match EventStream::connect(&config.url, &config.name).await {
                    Ok(s) => {
                        tracing::info!(stream = %config.name, "publishing events to NATS JetStream");
                        *guard = Some(s);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event stream unavailable; events are kept for it")
                    }
                }
            }
        }
        let consumer = self.stream_config.as_ref().map(|_| stream::CONSUMER);
        self.store
            .touch_outbox_consumer(consumer, now, now - Span::days(1))
            .await?;
        let overdue = self
            .store
            .emit_overdue_tasks(now - Span::days(1), now, 1000)
            .await?;
        if overdue > 0 {
            tracing::debug!(overdue, "tasks announced overdue");
        }
        self.store
            .prune_outbox(now - Span::days(7), now - Span::days(7))
            .await?;
        metrics::webhook_pending(self.store.pending_deliveries().await?);
        Ok(())
    }
}

/// Runs the relay every `every` (housekeeping every 30 s) until the runtime shuts down.
pub fn spawn(relay: Relay, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_housekeeping: Option<std::time::Instant> = None;
        loop {
            tick.tick().await;
            let now = Utc::now();
            if last_housekeeping.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) {
                last_housekeeping = Some(std::time::Instant::now());
                if let Err(e) = relay.housekeeping(now).await {
                    tracing::warn!(error = %e, "webhook housekeeping failed");
                }
            }
            if let Err(e) = relay.tick(now).await {
                tracing::warn!(error = %e, "webhook relay pass failed");
            }
        }
    })
}
