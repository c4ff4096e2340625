//! Conformance behaviours of webhooks and the outbox: only admins manage subscriptions and
//! refused input writes nothing; an accepted change writes its outbox row in the same
//! transaction while someone listens, a refused one writes none; fan-out makes one delivery
//! per matching active subscription with the documented payload. Deliveries:
//! `conformance_webhook_deliveries.rs`.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::TokenScope;
use sarnakh_core::domain::webhook::{DeliveryStatus, WebhookDraft};
use sarnakh_core::service::{Actor, LifecycleInput};
use sarnakh_core::store::Store;
use serde_json::Value;
use std::sync::Arc;

pub(crate) fn hook(url: &str, events: &[&str]) -> WebhookDraft {
    WebhookDraft {
        url: Some(url.into()),
        events: Some(events.iter().map(|e| (*e).to_owned()).collect()),
        ..WebhookDraft::default()
    }
}

/// Subscriptions, the outbox written with the change, fan-out and the payload.
pub async fn webhook_events_are_written_with_the_change_and_fanned_out(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    let s = &f.services;
    let admin = Actor::SYSTEM;
    let (rep, _) = signed_in(&f, "r@w.example", "sales_rep", None, TokenScope::Write).await;
    // Nobody listens: changes write no outbox rows.
    s.capture_lead(&f.actor(), &lead("Quiet", "quiet@w.example"))
        .await
        .expect("capture");
    assert_eq!(store.outbox_len().await.expect("len"), 0);
    // Only admins subscribe; refused input writes nothing.
    let good = hook(
        "https://hooks.example.com/in",
        &["lead.created", "lead.qualified", "lead.converted"],
    );
    assert!(matches!(
        s.create_webhook(&rep, &good).await,
        Err(Error::Forbidden(_))
    ));
    let bad = hook("http://0x7f.1/in", &["lead.exploded"]);
    match s.create_webhook(&admin, &bad).await {
        Err(Error::Validation(e)) => {
            let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["url", "events"], "{e:?}");
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert!(s.list_webhooks(&admin).await.expect("list").is_empty());
    let w = s.create_webhook(&admin, &good).await.expect("subscribe");
    assert!(w.secret.starts_with("whsec_") && w.secret.len() > 40);
    let mut all = s
        .create_webhook(&admin, &hook("https://all.example.com/", &["*"]))
        .await
        .expect("all");
    all = s
        .update_webhook(
            &admin,
            all.id,
            &WebhookDraft {
                active: Some(false),
                ..WebhookDraft::default()
            },
            Some(all.version),
        )
        .await
        .expect("deactivate");
    assert!(!all.active);
    // An accepted change writes its row; a refused one (stale version) writes none.
    let l = s
        .capture_lead(
            &f.actor(),
            &qualified_lead("Nima", "nima@w.example", "Pars Co"),
        )
        .await
        .expect("capture");
    let after_capture = store.outbox_len().await.expect("len");
    assert_eq!(after_capture, 1, "lead.created");
    let stale = LifecycleInput {
        expected_version: Some(l.version + 5),
        ..LifecycleInput::default()
    };
    assert!(s.qualify_lead(&f.actor(), l.id, &stale).await.is_err());
    assert_eq!(
        store.outbox_len().await.expect("len"),
        after_capture,
        "a refused change writes no event"
    );
    let q = s
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    assert_eq!(store.outbox_len().await.expect("len"), 2);
    let now = f.clock.now();
    let done = store.fan_out_events(now, 100).await.expect("fan out");
    assert_eq!(
        (done.events, done.deliveries),
        (2, 2),
        "the inactive catch-all gets none"
    );
    assert_eq!(
        store.fan_out_events(now, 100).await.expect("again").events,
        0,
        "each event once"
    );
    let deliveries = s
        .list_webhook_deliveries(&admin, w.id, None, 10)
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 2);
    let qualified = deliveries
        .iter()
        .find(|d| d.event_type == "lead.qualified")
        .expect("qualified");
    assert_eq!(qualified.status, DeliveryStatus::Pending);
    let body: Value = serde_json::from_str(&qualified.payload).expect("json");
    assert_eq!(body["type"], "lead.qualified");
    assert_eq!(body["subject"]["type"], "lead");
    assert_eq!(body["subject"]["id"], l.id.to_string());
    assert_eq!(body["id"], qualified.event_id.to_string());
    assert!(body["seq"].as_i64().is_some_and(|n| n > 0));
    assert_eq!(body["data"]["to"], q.state.to_string());
    assert_eq!(body["data"]["from"], l.state.to_string());
    assert!(body["occurred_at"].is_string());
    // The record's main fields as they are when the event is fanned out.
    assert_eq!(body["data"]["record"]["email"], "nima@w.example");
    assert_eq!(body["data"]["record"]["company"], "Pars Co");
    assert_eq!(body["data"]["record"]["version"], q.version);
    // A conversion announces the account, the contact, the deal and the conversion.
    let out = s
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity("Pars Co deal", "1200")]),
        )
        .await
        .expect("convert");
    let done = store
        .fan_out_events(f.clock.now(), 100)
        .await
        .expect("fan out");
    assert_eq!(
        done.events, 4,
        "account.created, contact.created, opportunity.created, lead.converted"
    );
    assert_eq!(done.deliveries, 1, "only lead.converted is subscribed");
    let converted = s
        .list_webhook_deliveries(&admin, w.id, None, 10)
        .await
        .expect("list");
    let c = converted
        .iter()
        .find(|d| d.event_type == "lead.converted")
        .expect("converted");
    let body: Value = serde_json::from_str(&c.payload).expect("json");
    assert_eq!(body["data"]["related"]["id"], out.account_id.to_string());
    // Removing a subscription removes its deliveries; unknown ids are not found.
    s.delete_webhook(&admin, w.id).await.expect("delete");
    assert!(matches!(
        s.delete_webhook(&admin, w.id).await,
        Err(Error::NotFound { .. })
    ));
}
