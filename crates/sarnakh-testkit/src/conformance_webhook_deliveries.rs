//! Conformance behaviours of webhook deliveries: claims are exclusive (concurrent claimers
//! never share a delivery) and leased; failed attempts follow the backoff, the last one
//! dead-letters, replay revives; overdue tasks are announced once; handled outbox rows are
//! pruned unless the event stream still needs them.

use crate::Fixture;
use crate::builders::lead;
use crate::conformance_webhooks::hook;
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::DeliveryId;
use sarnakh_core::domain::webhook::{ClaimedDelivery, DeliveryStatus, MAX_ATTEMPTS, after_attempt};
use sarnakh_core::service::{Actor, TaskDraft};
use sarnakh_core::store::Store;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

async fn fail(
    store: &Arc<dyn Store>,
    c: &ClaimedDelivery,
    code: u16,
    now: DateTime<Utc>,
) -> DeliveryStatus {
    let outcome = after_attempt(c.delivery.attempts, Some(code), None, now, 0.5);
    assert!(
        store
            .finish_delivery(c.delivery.id, c.lease_id, &outcome, now)
            .await
            .expect("finish")
    );
    outcome.status
}

/// Exclusive claims, leases, backoff, dead letters and replay.
pub async fn webhook_deliveries_are_claimed_once_retried_dead_lettered_and_replayed(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store.clone()).await;
    let s = &f.services;
    let admin = Actor::SYSTEM;
    let w = s
        .create_webhook(
            &admin,
            &hook("https://hooks.example.com/in", &["lead.created"]),
        )
        .await
        .expect("hook");
    for i in 0..24 {
        s.capture_lead(&f.actor(), &lead("Lead", &format!("l{i}@w.example")))
            .await
            .expect("capture");
    }
    let now = f.clock.now();
    assert_eq!(
        store
            .fan_out_events(now, 100)
            .await
            .expect("fan out")
            .deliveries,
        24
    );
    assert_eq!(store.pending_deliveries().await.expect("pending"), 24);
    // Four claimers at once never share a delivery.
    let lease = now + Duration::seconds(60);
    let (a, b, c, d) = tokio::join!(
        store.claim_deliveries(now, lease, 8),
        store.claim_deliveries(now, lease, 8),
        store.claim_deliveries(now, lease, 8),
        store.claim_deliveries(now, lease, 8),
    );
    let mut claimed: Vec<ClaimedDelivery> = [a, b, c, d]
        .into_iter()
        .flat_map(|r| r.expect("claim"))
        .collect();
    let rest = store.claim_deliveries(now, lease, 100).await.expect("rest");
    claimed.extend(rest);
    let ids: HashSet<DeliveryId> = claimed.iter().map(|c| c.delivery.id).collect();
    assert_eq!(ids.len(), claimed.len(), "no delivery claimed twice");
    assert_eq!(ids.len(), 24, "every delivery claimed");
    assert!(
        claimed
            .iter()
            .all(|c| c.delivery.attempts == 1 && c.url == w.url && c.secret == w.secret)
    );
    assert!(
        store
            .claim_deliveries(now, lease, 100)
            .await
            .expect("none")
            .is_empty(),
        "leases hold"
    );
    // A 500 waits 30 s (jitter 0.5) before the next attempt.
    let first = claimed[0].clone();
    assert_eq!(
        fail(&store, &first, 500, now).await,
        DeliveryStatus::Pending
    );
    let retry = store
        .get_delivery(first.delivery.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(retry.next_attempt_at, now + Duration::seconds(30));
    assert_eq!(retry.response_code, Some(500));
    assert!(
        retry
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("500"))
    );
    assert!(
        store
            .claim_deliveries(now + Duration::seconds(29), lease, 1)
            .await
            .expect("early")
            .is_empty()
    );
    // A lease that ran out is claimed again, and the old holder cannot record over it.
    let stolen = store
        .claim_deliveries(
            now + Duration::seconds(61),
            now + Duration::seconds(121),
            100,
        )
        .await
        .expect("expired");
    assert_eq!(
        stolen.len(),
        24,
        "23 expired leases and the retry that fell due"
    );
    let second = claimed[1].clone();
    let ok = after_attempt(1, Some(200), None, now, 0.5);
    assert!(
        !store
            .finish_delivery(second.delivery.id, second.lease_id, &ok, now)
            .await
            .expect("stale lease")
    );
    // Failing every attempt dead-letters it after the last one.
    let mut t = now + Duration::seconds(61);
    let mut current = stolen
        .into_iter()
        .find(|c| c.delivery.id == first.delivery.id)
        .expect("the retried one");
    assert_eq!(current.delivery.attempts, 2);
    loop {
        let status = fail(&store, &current, 503, t).await;
        if status == DeliveryStatus::Dead {
            break;
        }
        t += Duration::days(1);
        current = store
            .claim_deliveries(t, t + Duration::seconds(60), 100)
            .await
            .expect("claim")
            .into_iter()
            .find(|c| c.delivery.id == first.delivery.id)
            .expect("due again");
    }
    assert_eq!(current.delivery.attempts, MAX_ATTEMPTS);
    let dead = s
        .list_webhook_deliveries(&admin, w.id, Some(DeliveryStatus::Dead), 10)
        .await
        .expect("dead");
    assert_eq!(
        dead.iter().map(|d| d.id).collect::<Vec<_>>(),
        [first.delivery.id]
    );
    // Replay: pending at once with the same id and body; a pending one cannot be replayed.
    let replayed = s
        .replay_webhook_delivery(&admin, first.delivery.id)
        .await
        .expect("replay");
    assert_eq!(
        (replayed.status, replayed.attempts),
        (DeliveryStatus::Pending, 0)
    );
    assert_eq!(replayed.payload, first.delivery.payload);
    assert!(matches!(
        s.replay_webhook_delivery(&admin, first.delivery.id).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        s.replay_webhook_delivery(&admin, DeliveryId::new()).await,
        Err(Error::NotFound { .. })
    ));
    let again = store
        .claim_deliveries(t, t + Duration::seconds(60), 100)
        .await
        .expect("claim");
    let again = again
        .into_iter()
        .find(|c| c.delivery.id == first.delivery.id)
        .expect("replayed is due");
    let delivered = after_attempt(again.delivery.attempts, Some(204), None, t, 0.5);
    assert!(
        store
            .finish_delivery(again.delivery.id, again.lease_id, &delivered, t)
            .await
            .expect("finish")
    );
    let got = store
        .get_delivery(first.delivery.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(got.status, DeliveryStatus::Delivered);
    assert_eq!(got.delivered_at, Some(t));
    // Delivered deliveries are pruned after the retention.
    store
        .prune_outbox(t, t + Duration::seconds(1))
        .await
        .expect("prune");
    assert!(
        store
            .get_delivery(first.delivery.id)
            .await
            .expect("get")
            .is_none()
    );
}

/// `task.overdue` once per due time; the outbox pruned unless the stream still needs it.
pub async fn overdue_tasks_are_announced_once_and_the_outbox_is_pruned(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    let s = &f.services;
    let admin = Actor::SYSTEM;
    let w = s
        .create_webhook(
            &admin,
            &hook("https://hooks.example.com/in", &["task.overdue"]),
        )
        .await
        .expect("hook");
    let l = s
        .capture_lead(&f.actor(), &lead("Task", "task@w.example"))
        .await
        .expect("lead");
    let due = f.clock.now() + Duration::hours(1);
    let task = s
        .create_task(
            &f.actor(),
            &TaskDraft {
                subject_type: Some("lead".into()),
                subject_id: Some(l.id.to_string()),
                title: Some("Call back".into()),
                due_at: Some(due.to_rfc3339()),
                owner_id: Some(f.rep.id),
                ..TaskDraft::default()
            },
        )
        .await
        .expect("task");
    let now = f.clock.now();
    assert_eq!(
        store
            .emit_overdue_tasks(now - Duration::days(1), now, 100)
            .await
            .expect("emit"),
        0,
        "not due yet"
    );
    let later = now + Duration::hours(2);
    assert_eq!(
        store
            .emit_overdue_tasks(later - Duration::days(1), later, 100)
            .await
            .expect("emit"),
        1
    );
    assert_eq!(
        store
            .emit_overdue_tasks(later - Duration::days(1), later, 100)
            .await
            .expect("emit"),
        0,
        "once"
    );
    store.fan_out_events(later, 100).await.expect("fan out");
    let d = s
        .list_webhook_deliveries(&admin, w.id, None, 10)
        .await
        .expect("list");
    assert_eq!(d.len(), 1);
    let body: Value = serde_json::from_str(&d[0].payload).expect("json");
    assert_eq!(body["type"], "task.overdue");
    assert_eq!(body["subject"]["id"], task.id.to_string());
    assert_eq!(body["data"]["title"], "Call back");
    assert_eq!(body["data"]["related"]["id"], l.id.to_string());
    assert!(body["seq"].is_null());
    // No stream consumer: handled rows go at once.
    store
        .prune_outbox(later - Duration::days(7), later - Duration::days(7))
        .await
        .expect("prune");
    assert_eq!(store.outbox_len().await.expect("len"), 0);
    // The overdue marker outlives a prune whose horizon is before the due time (the task is
    // not announced again) and goes with one after it (then it would be, inside the window).
    assert_eq!(
        store
            .emit_overdue_tasks(later - Duration::days(1), later, 100)
            .await
            .expect("emit"),
        0,
        "the marker is kept"
    );
    store
        .prune_outbox(due + Duration::seconds(1), later - Duration::days(7))
        .await
        .expect("prune markers");
    assert_eq!(
        store
            .emit_overdue_tasks(later - Duration::days(1), later, 100)
            .await
            .expect("emit"),
        1,
        "the marker was pruned"
    );
    store.fan_out_events(later, 100).await.expect("fan out");
    store
        .prune_outbox(later - Duration::days(7), later - Duration::days(7))
        .await
        .expect("prune");
    // A stream consumer keeps events written (even with no webhook) until streamed.
    s.delete_webhook(&admin, w.id).await.expect("delete");
    s.capture_lead(&f.actor(), &lead("Unheard", "unheard@w.example"))
        .await
        .expect("lead");
    assert_eq!(store.outbox_len().await.expect("len"), 0, "nobody listens");
    store
        .touch_outbox_consumer(Some("nats"), later, later - Duration::days(1))
        .await
        .expect("touch");
    let streamed = s
        .capture_lead(&f.actor(), &lead("Heard", "heard@w.example"))
        .await
        .expect("lead");
    assert_eq!(
        store
            .fan_out_events(later, 100)
            .await
            .expect("fan out")
            .deliveries,
        0
    );
    store
        .prune_outbox(later - Duration::days(7), later - Duration::days(7))
        .await
        .expect("prune");
    let waiting = store.unstreamed_events(100).await.expect("unstreamed");
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].event_type, "lead.created");
    let body: Value = serde_json::from_str(&waiting[0].payload).expect("json");
    assert_eq!(body["subject"]["id"], streamed.id.to_string());
    store.mark_streamed(&[waiting[0].id]).await.expect("mark");
    store
        .prune_outbox(later - Duration::days(7), later - Duration::days(7))
        .await
        .expect("prune");
    assert_eq!(store.outbox_len().await.expect("len"), 0);
    // A consumer not seen for a day is forgotten.
    let next_week = later + Duration::days(7);
    store
        .touch_outbox_consumer(None, next_week, next_week - Duration::days(1))
        .await
        .expect("touch");
    s.capture_lead(&f.actor(), &lead("Gone", "gone@w.example"))
        .await
        .expect("lead");
    assert_eq!(store.outbox_len().await.expect("len"), 0);
}
