//! Conformance behaviour of captures that arrive together: each is stored once with its one
//! "created" history row, and one that the database refuses fails alone. (The embedded store
//! commits waiting captures together; its own test holds the writer so that they do.)

use crate::Fixture;
use crate::builders::lead;
use sarnakh_core::domain::lead::LeadFields;
use sarnakh_core::domain::{HistoryEntry, Lead, LeadId, RecordRef, UserId};
use sarnakh_core::store::{Store, StoreError};
use std::sync::Arc;
use tokio::task::JoinSet;

/// `good` captures and, with `bad`, one whose owner does not exist, inserted at once; a
/// handle on every insert, and which lead is the bad one.
pub struct CaptureRound {
    /// The inserts under way.
    pub inserts: JoinSet<(LeadId, Result<(), StoreError>)>,
    /// The leads meant to be stored.
    pub good: Vec<Lead>,
    /// The lead the database must refuse.
    pub bad: Option<LeadId>,
}

/// A captured lead to copy: the copies differ in id and notes only.
pub async fn capture_template(f: &Fixture) -> Lead {
    f.services
        .capture_lead(&f.actor(), &lead("Template", "template@example.ir"))
        .await
        .expect("capture the template")
}

/// Starts the inserts of a round (see [`CaptureRound`]), copies of `template`.
pub fn start_captures(
    store: &Arc<dyn Store>,
    template: &Lead,
    good: usize,
    bad: bool,
) -> CaptureRound {
    let copy = |i: usize| Lead {
        id: LeadId::new(),
        fields: LeadFields {
            notes: Some(format!("capture {i}")),
            ..template.fields.clone()
        },
        ..template.clone()
    };
    let good: Vec<Lead> = (0..good).map(copy).collect();
    let bad = bad.then(|| {
        let mut l = copy(good.len());
        l.fields.owner_id = Some(UserId::new());
        l
    });
    let mut inserts = JoinSet::new();
    for l in good.iter().cloned().chain(bad.clone()) {
        let store = store.clone();
        inserts.spawn(async move {
            let history = HistoryEntry {
                to: Some(l.state.to_string()),
                reason: Some(l.fields.source.as_str().to_owned()),
                ..HistoryEntry::new(RecordRef::Lead(l.id), "created", l.created_at)
            };
            (l.id, store.insert_lead(&l, &history).await)
        });
    }
    CaptureRound {
        inserts,
        good,
        bad: bad.map(|l| l.id),
    }
}

/// Waits for a round and checks it: every good capture answered `Ok`, reads back equal and
/// has exactly one "created" history row; the bad one was refused as a conflict and left
/// nothing behind.
pub async fn check_captures(store: &Arc<dyn Store>, round: CaptureRound) {
    let answers = round.inserts.join_all().await;
    assert_eq!(
        answers.len(),
        round.good.len() + usize::from(round.bad.is_some())
    );
    for (id, answer) in answers {
        if Some(id) == round.bad {
            assert!(
                matches!(answer, Err(StoreError::Conflict { .. })),
                "{answer:?}"
            );
        } else {
            answer.expect("a good capture is stored");
        }
    }
    for l in &round.good {
        let read = store.get_lead(l.id).await.expect("read").expect("stored");
        assert_eq!(&read, l);
        let history = store
            .history_of(RecordRef::Lead(l.id))
            .await
            .expect("history");
        assert_eq!(
            history.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(),
            ["created"],
            "{history:?}"
        );
    }
    if let Some(bad) = round.bad {
        assert_eq!(store.get_lead(bad).await.expect("read"), None);
        let history = store.history_of(RecordRef::Lead(bad)).await;
        assert!(history.expect("history").is_empty());
    }
}

/// Forty captures at once, one of them refused by the database: the refused one fails
/// alone, the others are all stored, once each.
pub async fn concurrent_captures_are_stored_once_and_a_refused_one_fails_alone(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store).await;
    let template = capture_template(&f).await;
    let round = start_captures(&f.store, &template, 40, true);
    check_captures(&f.store, round).await;
}
