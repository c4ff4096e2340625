//! Conformance behaviours of duplicates: look-alikes found on capture by email, phone or a
//! similar name at one company; the block policy refusing without writing; the pair list
//! and its dismissals; and merging two leads with everything re-pointed.

use crate::Fixture;
use crate::builders::lead;
use sarnakh_core::Error;
use sarnakh_core::domain::duplicate::{DuplicateAction, DuplicateSettings, MatchReason};
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::domain::form::{FormDraft, SubmissionStatus};
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::lifecycle::{DisqualifyReason, LeadStatus};
use sarnakh_core::domain::{PageRequest, RecordRef};
use sarnakh_core::service::{ActivityDraft, Actor, MergeInput, SubmissionInput};
use sarnakh_core::store::{LeadFilter, Store};
use std::sync::Arc;

async fn lead_count(f: &Fixture) -> usize {
    f.store
        .list_leads(&LeadFilter::default(), &PageRequest::new(Some(200), None))
        .await
        .expect("list")
        .items
        .len()
}

/// Capture names look-alikes (warn), refuses them (block, nothing written), forms hold
/// them; pairs are listed until dismissed; a merge moves everything to the survivor.
pub async fn duplicates_are_found_blocked_listed_and_merged(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let ioana = LeadDraft {
        last_name: Some("Popescu".into()),
        company: Some("Firma SRL".into()),
        phone: Some("+40721234567".into()),
        ..lead("Ioana", "ioana@firma.ro")
    };
    let (first, none) = f
        .services
        .capture_lead_checked(&f.actor(), &ioana)
        .await
        .expect("first");
    assert!(none.is_empty());
    let same_email = lead("Ioana M.", "IOANA@firma.ro");
    let (second, matches) = f
        .services
        .capture_lead_checked(&f.actor(), &same_email)
        .await
        .expect("warn creates");
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0].reason, MatchReason::SameEmail);
    assert_eq!(
        matches[0].person.as_ref().map(|p| p.record),
        Some(RecordRef::Lead(first.id))
    );
    let similar = LeadDraft {
        last_name: Some("Popesku".into()),
        company: Some("  firma srl ".into()),
        ..lead("Ioana", "ipopesku@other.example")
    };
    let (_, matches) = f
        .services
        .capture_lead_checked(&f.actor(), &similar)
        .await
        .expect("similar name");
    assert!(
        matches.iter().any(|m| m.reason == MatchReason::SimilarName),
        "{matches:?}"
    );

    f.services
        .set_duplicate_settings(
            &f.actor(),
            DuplicateSettings {
                action: DuplicateAction::Block,
                ..DuplicateSettings::default()
            },
        )
        .await
        .expect("block");
    let before = lead_count(&f).await;
    let same_phone = LeadDraft {
        phone: Some("+40 721 234 567".into()),
        ..lead("Someone", "someone@else.example")
    };
    let blocked = f.services.capture_lead(&f.actor(), &same_phone).await;
    let Err(Error::Duplicate(found)) = blocked else {
        panic!("block refuses: {blocked:?}");
    };
    assert_eq!(found[0].reason, MatchReason::SamePhone);
    assert_eq!(
        lead_count(&f).await,
        before,
        "a blocked capture writes nothing"
    );
    let form = f
        .services
        .create_form(
            &f.actor(),
            &FormDraft {
                name: Some("Contact".into()),
                fields: vec![("first_name".into(), true), ("email".into(), true)],
                min_fill_seconds: Some(0),
                ..FormDraft::default()
            },
        )
        .await
        .expect("form");
    let input = SubmissionInput {
        values: [
            ("first_name".to_owned(), "Ioana".to_owned()),
            ("email".to_owned(), "ioana@firma.ro".to_owned()),
        ]
        .into(),
        ..SubmissionInput::default()
    };
    let out = f
        .services
        .submit_form(&form.key, &input)
        .await
        .expect("a form never loses a submission");
    assert_eq!((out.status, out.lead_id), (SubmissionStatus::Held, None));
    let held = f
        .services
        .form_submissions(&f.actor(), form.id, SubmissionStatus::Held)
        .await
        .expect("held");
    assert_eq!(held[0].reason.as_deref(), Some("duplicate"));

    let pairs = f.services.duplicate_pairs(&f.actor()).await.expect("pairs");
    let ours = |a: RecordRef, b: RecordRef| {
        pairs.iter().any(|p| {
            let ids = [p.first.record, p.second.record];
            ids.contains(&a) && ids.contains(&b)
        })
    };
    assert!(
        ours(RecordRef::Lead(first.id), RecordRef::Lead(second.id)),
        "{pairs:?}"
    );
    f.services
        .dismiss_duplicate(&f.actor(), second.id, first.id)
        .await
        .expect("dismiss");
    let pairs = f.services.duplicate_pairs(&f.actor()).await.expect("pairs");
    assert!(
        !pairs.iter().any(|p| {
            let ids = [p.first.record, p.second.record];
            ids.contains(&RecordRef::Lead(first.id)) && ids.contains(&RecordRef::Lead(second.id))
        }),
        "a dismissed pair leaves the list"
    );

    let call = ActivityDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(second.id.to_string()),
        kind: Some("call".into()),
        summary: Some("Asked for the price list".into()),
        ..ActivityDraft::default()
    };
    f.services
        .log_activity(&f.actor(), &call)
        .await
        .expect("activity on the second");
    f.services
        .ingest_events(
            &f.actor(),
            &[EventDraft {
                id: Some("dup-ev".into()),
                kind: Some("demo_requested".into()),
                lead_id: Some(second.id.to_string()),
                ..EventDraft::default()
            }],
        )
        .await
        .expect("event on the second");
    let merged = f
        .services
        .merge_leads(
            &f.actor(),
            first.id,
            &MergeInput {
                other: Some(second.id),
                take: vec!["first_name".into()],
                expected_version: Some(first.version),
                ..MergeInput::default()
            },
        )
        .await
        .expect("merge");
    assert_eq!(merged.fields.person.first_name, "Ioana M.");
    assert_eq!(merged.fields.company.as_deref(), Some("Firma SRL"));
    assert_eq!(
        f.store
            .activities_of(RecordRef::Lead(first.id))
            .await
            .expect("activities")
            .len(),
        1,
        "the call moved to the survivor"
    );
    assert_eq!(f.store.events_of(first.id).await.expect("events").len(), 1);
    assert!(
        merged.score > first.score,
        "the moved demo request counts in the score"
    );
    let absorbed = f
        .services
        .get_lead(&Actor::SYSTEM, second.id)
        .await
        .expect("absorbed stays readable");
    assert_eq!(
        (absorbed.state.status, absorbed.disqualify_reason),
        (LeadStatus::Disqualified, Some(DisqualifyReason::Duplicate))
    );
    let kinds = |h: Vec<sarnakh_core::domain::HistoryEntry>| {
        h.into_iter().map(|e| e.kind).collect::<Vec<_>>()
    };
    assert!(
        kinds(
            f.store
                .history_of(RecordRef::Lead(first.id))
                .await
                .expect("h")
        )
        .contains(&"merged".to_owned())
    );
    assert!(
        kinds(
            f.store
                .history_of(RecordRef::Lead(second.id))
                .await
                .expect("h")
        )
        .contains(&"merged_into".to_owned())
    );
    let again = f
        .services
        .merge_leads(
            &f.actor(),
            first.id,
            &MergeInput {
                other: Some(second.id),
                ..MergeInput::default()
            },
        )
        .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let bad = f
        .services
        .merge_leads(
            &f.actor(),
            first.id,
            &MergeInput {
                other: Some(second.id),
                take: vec!["shoe_size".into()],
                ..MergeInput::default()
            },
        )
        .await;
    assert!(
        matches!(bad, Err(Error::Validation(ref e)) if e[0].field == "take[0]"),
        "{bad:?}"
    );
}
