//! Conformance behaviours of the audit trail and optimistic concurrency: exactly one
//! history row per real change, with its fields, and exactly one winner among racing writers.

use crate::Fixture;
use crate::builders::lead;
use sarnakh_core::Error;
use sarnakh_core::domain::{FieldChange, RecordRef};
use sarnakh_core::service::{Actor, LeadPatch, LifecycleInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// An edit records each changed field with old and new value; a no-op edit records nothing.
pub async fn edits_record_changed_fields_and_no_op_edits_write_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Parisa", "parisa@example.ir"))
        .await
        .expect("capture");
    let patch = LeadPatch {
        company: Some(Some("Pars".into())),
        job_title: Some(Some("CFO".into())),
        ..LeadPatch::default()
    };
    f.services
        .update_lead(&f.actor(), l.id, patch.clone(), None)
        .await
        .expect("edit");
    let same = f
        .services
        .update_lead(&f.actor(), l.id, patch, None)
        .await
        .expect("no-op edit");
    assert_eq!(same.version, 2, "a no-op edit must not bump the version");
    let history = f
        .services
        .history(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("history");
    assert_eq!(
        history.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(),
        ["created", "updated"]
    );
    let mut changes = history[1].changes.clone();
    changes.sort_by(|a, b| a.field.cmp(&b.field));
    assert_eq!(
        changes,
        [
            FieldChange {
                field: "company".into(),
                old: None,
                new: Some("Pars".into())
            },
            FieldChange {
                field: "job_title".into(),
                old: None,
                new: Some("CFO".into())
            },
        ]
    );
    assert!(
        history[0].seq > 0 && history[1].seq > history[0].seq,
        "{:?}",
        history.iter().map(|h| h.seq).collect::<Vec<_>>()
    );
    assert_eq!(history[1].actor_id, Some(f.rep.id));
}

/// N writers race on one record with the same version: one wins, the others get a
/// precondition failure, and the winner's change is the one stored.
pub async fn concurrent_writers_on_one_record_exactly_one_wins(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Race", "race@example.com"))
        .await
        .expect("capture");
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (s, actor) = (f.services.clone(), f.actor());
            tokio::spawn(async move {
                let patch = LeadPatch {
                    company: Some(Some(format!("Writer {i}"))),
                    ..LeadPatch::default()
                };
                s.update_lead(&actor, l.id, patch, Some(1)).await.map(|_| i)
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut stale = 0;
    for w in writers {
        match w.await.expect("task") {
            Ok(i) => winners.push(i),
            Err(Error::PreconditionFailed { current: 2 }) => stale += 1,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!((winners.len(), stale), (1, 7));
    let stored = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(
        (stored.version, stored.fields.company),
        (2, Some(format!("Writer {}", winners[0])))
    );
    let history = f
        .services
        .history(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("history");
    assert_eq!(history.len(), 2, "only the winner's change is recorded");
}

/// A long random mix of edits (some no-ops), refused and accepted moves leaves exactly one
/// history row per accepted change.
pub async fn audit_rows_match_real_changes_for_random_operation_sequences(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Audit", "audit@example.com"))
        .await
        .expect("capture");
    let mut changes = 1; // the capture
    let mut seed: u64 = 0x5eed_1234;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % 6
    };
    for step in 0..60 {
        let before = f
            .services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read")
            .version;
        let outcome = match next() {
            0 => f
                .services
                .update_lead(
                    &f.actor(),
                    l.id,
                    LeadPatch {
                        notes: Some(Some(format!("note {}", step % 4))),
                        ..LeadPatch::default()
                    },
                    None,
                )
                .await
                .map(|_| ()),
            1 => f
                .services
                .update_lead(&f.actor(), l.id, LeadPatch::default(), None)
                .await
                .map(|_| ()),
            2 => f
                .services
                .disqualify_lead(
                    &f.actor(),
                    l.id,
                    &LifecycleInput {
                        reason: Some("no_need".into()),
                        ..LifecycleInput::default()
                    },
                )
                .await
                .map(|_| ()),
            3 => f
                .services
                .reopen_lead(&f.actor(), l.id, &LifecycleInput::default())
                .await
                .map(|_| ()),
            4 => f
                .services
                .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
                .await
                .map(|_| ()),
            _ => f
                .services
                .update_lead(
                    &f.actor(),
                    l.id,
                    LeadPatch {
                        campaign: Some(None),
                        ..LeadPatch::default()
                    },
                    Some(before + 1),
                )
                .await
                .map(|_| ()),
        };
        let after = f
            .services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read")
            .version;
        assert!(
            outcome.is_ok() || after == before,
            "a refused operation changed the lead at step {step}"
        );
        changes += usize::try_from(after - before).expect("versions only grow");
    }
    let history = f
        .services
        .history(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("history");
    assert_eq!(history.len(), changes);
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
}
