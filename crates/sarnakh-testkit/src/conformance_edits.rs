//! Conformance behaviours of the record edits and the bulk assignment the web interface
//! added: a contact's and a deal's edit is stored with its history row, a stale or invalid
//! one writes nothing, a bulk assignment applies the assignment rule to each lead, and
//! saved views belong to their user.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use sarnakh_core::Error;
use sarnakh_core::domain::{RecordRef, TokenScope};
use sarnakh_core::service::{ContactPatch, LifecycleInput, OpportunityPatch};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// A contact's and a deal's edit reads back with one "updated" history row naming the
/// changed fields; a stale version or a bad value changes nothing.
pub async fn contact_and_deal_edits_are_stored_with_history_and_bad_ones_write_nothing(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let l = s
        .capture_lead(
            &f.actor(),
            &qualified_lead("Mina", "mina@pars.ir", "Pars Co"),
        )
        .await
        .expect("capture");
    s.qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let out = s
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity("Pars - CRM", "100")]),
        )
        .await
        .expect("convert");
    let patch = ContactPatch {
        job_title: Some(Some("CTO".into())),
        email: Some(Some("Mina@PARS.ir".into())),
        ..ContactPatch::default()
    };
    let c = s
        .edit_contact(&f.actor(), out.contact_id, patch, Some(1))
        .await
        .expect("edit");
    let read = s
        .get_contact(&f.actor(), out.contact_id)
        .await
        .expect("read");
    assert_eq!(read, c);
    assert_eq!(
        (
            read.job_title.as_deref(),
            read.email.as_ref().map(|e| e.as_str()),
            read.version
        ),
        (Some("CTO"), Some("Mina@pars.ir"), 2)
    );
    let history = f
        .store
        .history_of(RecordRef::Contact(out.contact_id))
        .await
        .expect("history");
    let fields: Vec<&str> = history
        .iter()
        .filter(|h| h.kind == "updated")
        .flat_map(|h| h.changes.iter().map(|c| c.field.as_str()))
        .collect();
    assert_eq!(fields, ["email", "job_title"]);
    let stale = s
        .edit_contact(&f.actor(), out.contact_id, ContactPatch::default(), Some(1))
        .await;
    assert!(matches!(
        stale,
        Err(Error::PreconditionFailed { current: 2 })
    ));
    let bad = ContactPatch {
        first_name: Some(String::new()),
        email: Some(Some("not an email".into())),
        ..ContactPatch::default()
    };
    let refused = s.edit_contact(&f.actor(), out.contact_id, bad, None).await;
    match refused {
        Err(Error::Validation(v)) => assert_eq!(v.len(), 2, "{v:?}"),
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(
        s.get_contact(&f.actor(), out.contact_id)
            .await
            .expect("read"),
        c,
        "nothing written"
    );

    let deal = &out.opportunities[0];
    let patch = OpportunityPatch {
        amount: Some("250.50".into()),
        product: Some(Some("Seats".into())),
        ..OpportunityPatch::default()
    };
    let edited = s
        .update_opportunity(&f.actor(), deal.id, patch, Some(deal.version))
        .await
        .expect("edit");
    let read = s.get_opportunity(&f.actor(), deal.id).await.expect("read");
    assert_eq!(read.opportunity, edited);
    assert_eq!(
        (edited.amount.minor(), edited.product.as_deref()),
        (25_050, Some("Seats"))
    );
    let bad = OpportunityPatch {
        name: Some(" ".into()),
        amount: Some("1.234".into()),
        ..OpportunityPatch::default()
    };
    let refused = s
        .update_opportunity(&f.actor(), deal.id, bad, Some(edited.version))
        .await;
    assert!(matches!(refused, Err(Error::Validation(v)) if v.len() == 2));
    let stale = s
        .update_opportunity(&f.actor(), deal.id, OpportunityPatch::default(), Some(1))
        .await;
    assert!(matches!(stale, Err(Error::PreconditionFailed { .. })));
    let read = s.get_opportunity(&f.actor(), deal.id).await.expect("read");
    assert_eq!(read.opportunity, edited, "nothing written");
}

/// A manager assigns within the team; a rep only claims unassigned leads, and the refused
/// leads of one request are reported while the others are assigned.
pub async fn bulk_assign_applies_the_assignment_rule_to_each_lead(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (rep, rep_user) = signed_in(
        &f,
        "ana@north.example",
        "sales_rep",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let (_, outsider) = signed_in(
        &f,
        "ion@south.example",
        "sales_rep",
        Some("South"),
        TokenScope::Write,
    )
    .await;
    // The manager signs in last: a principal holds the team as it was at sign-in.
    let (manager, _) = signed_in(
        &f,
        "boss@north.example",
        "sales_manager",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let mut ids = Vec::new();
    for (i, owner) in [None, None, Some(outsider.id)].into_iter().enumerate() {
        let draft = sarnakh_core::domain::lead::LeadDraft {
            owner_id: owner,
            ..lead(&format!("Bulk{i}"), &format!("bulk{i}@example.ro"))
        };
        ids.push(
            s.capture_lead(&sarnakh_core::service::Actor::SYSTEM, &draft)
                .await
                .expect("capture")
                .id,
        );
    }
    let out = s
        .assign_leads(&manager, &ids, Some(rep_user.id))
        .await
        .expect("assign");
    assert_eq!(out.assigned, ids[..2], "{:?}", out.failed);
    assert_eq!(
        out.failed.len(),
        1,
        "the outsider's lead is not the manager's to give"
    );
    let out = s
        .assign_leads(&rep, &ids[..1], Some(outsider.id))
        .await
        .expect("assign");
    assert!(out.assigned.is_empty());
    assert!(matches!(out.failed[0].1, Error::Forbidden(_)));
    let owners = f.store.get_leads(&ids).await.expect("read");
    let owner_of = |id| {
        owners
            .iter()
            .find(|l| l.id == id)
            .and_then(|l| l.fields.owner_id)
    };
    assert_eq!(owner_of(ids[0]), Some(rep_user.id));
    assert_eq!(owner_of(ids[2]), Some(outsider.id));
    assert!(matches!(
        s.assign_leads(&manager, &[], None).await,
        Err(Error::Validation(_))
    ));
}

/// A saved view is its user's own: saving a name again replaces its query, another user
/// neither lists nor deletes it.
pub async fn saved_views_belong_to_their_user_and_replace_by_name(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (ana, _) = signed_in(
        &f,
        "ana@views.example",
        "sales_rep",
        None,
        TokenScope::Write,
    )
    .await;
    let (ion, _) = signed_in(
        &f,
        "ion@views.example",
        "sales_rep",
        None,
        TokenScope::Write,
    )
    .await;
    s.save_view(&ana, "leads", "Events", "source=event")
        .await
        .expect("save");
    s.save_view(&ana, "leads", "Events", "?source=event&sort=-score")
        .await
        .expect("save again");
    s.save_view(&ana, "prospects", "A grade", "grade=a")
        .await
        .expect("save");
    let views = s.saved_views(&ana, "leads").await.expect("list");
    assert_eq!(views.len(), 1);
    assert_eq!(
        (views[0].name.as_str(), views[0].query.as_str()),
        ("Events", "source=event&sort=-score")
    );
    assert!(s.saved_views(&ion, "leads").await.expect("list").is_empty());
    assert!(matches!(
        s.save_view(&ana, "tasks", "x", "q=1").await,
        Err(Error::Validation(_))
    ));
    let theirs = s.delete_view(&ion, views[0].id).await;
    assert!(matches!(theirs, Err(Error::NotFound { .. })));
    s.delete_view(&ana, views[0].id).await.expect("delete");
    assert!(s.saved_views(&ana, "leads").await.expect("list").is_empty());
}
