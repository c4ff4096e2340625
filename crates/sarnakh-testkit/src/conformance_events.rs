//! Conformance behaviours of engagement events: idempotent batches, matching by id or email,
//! rejected events reported by position, and behaviour points on the lead's score.

use crate::Fixture;
use crate::builders::lead;
use chrono::Duration;
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::service::Actor;
use sarnakh_core::store::Store;
use std::sync::Arc;

fn event(id: &str, kind: &str) -> EventDraft {
    EventDraft {
        id: Some(id.into()),
        kind: Some(kind.into()),
        ..EventDraft::default()
    }
}

/// A batch is recorded once, matched by id or email, and the lead's score rises with it.
pub async fn event_batches_are_idempotent_matched_and_scored(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Eva", "Eva@Firma.ro"))
        .await
        .expect("capture");
    let before = l.score;
    let batch = vec![
        EventDraft {
            lead_id: Some(l.id.to_string()),
            url: Some("https://sarnakh.example/pricing".into()),
            ..event("e1", "page_view")
        },
        EventDraft {
            email: Some("eva@FIRMA.ro".into()),
            ..event("e2", "demo_requested")
        },
        EventDraft {
            email: Some("nobody@firma.ro".into()),
            ..event("e3", "page_view")
        },
        EventDraft {
            lead_id: Some(l.id.to_string()),
            ..event("e4", "teleported")
        },
        EventDraft {
            lead_id: Some(l.id.to_string()),
            occurred_at: Some("2999-01-01T00:00:00Z".into()),
            ..event("e5", "page_view")
        },
    ];
    let report = f
        .services
        .ingest_events(&f.actor(), &batch)
        .await
        .expect("ingest");
    assert_eq!((report.accepted, report.duplicates), (2, 0));
    let rejected: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.index, r.errors[0].code))
        .collect();
    assert_eq!(
        rejected,
        [(2, "unknown_lead"), (3, "unknown_value"), (4, "in_future")]
    );
    let scored = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(scored.score, before + 10 + 25, "{:?}", scored.score_lines);
    assert_eq!(
        scored.version, l.version,
        "events are not edits of the lead"
    );
    let again = f
        .services
        .ingest_events(&f.actor(), &batch[..2])
        .await
        .expect("resend");
    assert_eq!((again.accepted, again.duplicates), (0, 2));
    assert_eq!(f.store.events_of(l.id).await.expect("events").len(), 2);
    let timeline = f
        .services
        .timeline(&Actor::SYSTEM, sarnakh_core::domain::RecordRef::Lead(l.id))
        .await
        .expect("timeline");
    let events = timeline
        .iter()
        .filter(|e| matches!(e.item, sarnakh_core::service::TimelineItem::Event(_)))
        .count();
    assert_eq!(events, 2, "the lead's timeline shows its events");
    f.advance(Duration::days(30));
    let patch = sarnakh_core::service::LeadPatch {
        notes: Some(Some("called".into())),
        ..Default::default()
    };
    let later = f
        .services
        .update_lead(&f.actor(), l.id, patch, None)
        .await
        .expect("edit");
    assert_eq!(
        later.score,
        before + 5 + 25,
        "the pricing visit has lost half its points a half-life later"
    );
    let e6 = EventDraft {
        lead_id: Some(l.id.to_string()),
        ..event("e6", "content_download")
    };
    let mixed = f
        .services
        .ingest_events(&f.actor(), &[batch[0].clone(), e6, batch[1].clone()])
        .await
        .expect("known and new");
    assert_eq!(
        (mixed.accepted, mixed.duplicates),
        (1, 2),
        "a batch of known and new events records the new one only"
    );
    let scored = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert!(scored.score > later.score, "the new download scores");
    assert_eq!(f.store.events_of(l.id).await.expect("events").len(), 3);
}
