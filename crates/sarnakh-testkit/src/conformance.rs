//! The store conformance suite: behaviours every adapter must show, exercised through the
//! use cases so that the rules and the storage are tested together. One function per
//! behaviour; adapters expand them with [`crate::conformance_tests!`].

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use chrono::Duration;
use sarnakh_core::domain::lifecycle::{LeadStage, LeadStatus};
use sarnakh_core::domain::{BuyerRole, OpportunityStatus, RecordRef};
use sarnakh_core::service::Actor;
use sarnakh_core::service::{ActivityDraft, CloseDraft, LeadPatch, LifecycleInput};
use sarnakh_core::store::{AccountFilter, Store};
use sarnakh_core::{Error, domain::PageRequest};
use std::sync::Arc;

pub use crate::conformance_audit::*;
pub use crate::conformance_captures::*;
pub use crate::conformance_content::*;
pub use crate::conformance_coordination::*;
pub use crate::conformance_duplicates::*;
pub use crate::conformance_edits::*;
pub use crate::conformance_event_scores::*;
pub use crate::conformance_events::*;
pub use crate::conformance_experiments::*;
pub use crate::conformance_first_contact::first_contact_is_the_earliest_and_survives_a_merge;
pub use crate::conformance_forecast::*;
pub use crate::conformance_forms::*;
pub use crate::conformance_import::*;
pub use crate::conformance_lists::*;
pub use crate::conformance_mail::*;
pub use crate::conformance_playbook::*;
pub use crate::conformance_policy::*;
pub use crate::conformance_prediction::*;
pub use crate::conformance_record_lists::*;
pub use crate::conformance_reports::{
    a_lead_won_in_both_halves_of_a_period_is_won_once, funnel_report_matches_a_plain_recount,
};
pub use crate::conformance_reports_deals::deal_reports_match_a_plain_recount;
pub use crate::conformance_reports_money::rates_and_costs_round_trip_and_convert_the_pipeline;
pub use crate::conformance_reports_people::sources_and_activity_reports_match_a_plain_recount;
pub use crate::conformance_routing::*;
pub use crate::conformance_scoped_lists::scoped_lists_page_like_the_whole_list_filtered;
pub use crate::conformance_scoped_reports::scoped_reports_count_what_the_caller_may_see;
pub use crate::conformance_sessions::*;
pub use crate::conformance_size_bands::*;
pub use crate::conformance_stages::*;
pub use crate::conformance_users::*;
pub use crate::conformance_webhook_deliveries::*;
pub use crate::conformance_webhooks::*;

/// Counts rows a conversion would write, to prove a refused one wrote nothing.
pub(crate) async fn account_count(f: &Fixture) -> usize {
    f.services
        .list_accounts(
            &Actor::SYSTEM,
            &AccountFilter::default(),
            &PageRequest::new(Some(200), None),
        )
        .await
        .expect("list accounts")
        .items
        .len()
}

/// A fresh store answers readiness with reachable and migrated.
pub async fn readiness_reports_migrated_store(store: Arc<dyn Store>) {
    let r = store.readiness().await;
    assert!(r.reachable && r.migrations_applied, "{r:?}");
}

/// What is captured is what is read back, field for field.
pub async fn captured_lead_reads_back_equal(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut draft = qualified_lead("Ali", "Ali@Example.IR", "Pars Co");
    draft.phone = Some("0912 123 4567".into());
    draft.country = Some("IR".into());
    draft.products = vec!["CRM".into(), "Telephony".into()];
    draft.owner_id = Some(f.rep.id);
    let captured = f
        .services
        .capture_lead(&f.actor(), &draft)
        .await
        .expect("capture");
    let read = f
        .services
        .get_lead(&Actor::SYSTEM, captured.id)
        .await
        .expect("read back");
    assert_eq!(read, captured);
    assert_eq!(
        read.fields.person.email.as_ref().map(|e| e.as_str()),
        Some("Ali@example.ir")
    );
    assert_eq!(
        read.fields.person.phone.as_ref().map(|p| p.as_str()),
        Some("+989121234567")
    );
    assert_eq!(
        (read.state.stage, read.state.status, read.version),
        (LeadStage::Lead, LeadStatus::Open, 1)
    );
}

/// Two people edit one lead: the second, holding an old version, is refused.
pub async fn stale_lead_update_is_refused_and_changes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Ioana", "ioana@firma.ro"))
        .await
        .expect("capture");
    let first = LeadPatch {
        company: Some(Some("Firma SRL".into())),
        ..LeadPatch::default()
    };
    let updated = f
        .services
        .update_lead(&f.actor(), l.id, first, Some(1))
        .await
        .expect("first edit");
    assert_eq!(updated.version, 2);
    let second = LeadPatch {
        company: Some(Some("Other SRL".into())),
        ..LeadPatch::default()
    };
    let refused = f
        .services
        .update_lead(&f.actor(), l.id, second, Some(1))
        .await;
    assert!(
        matches!(refused, Err(Error::PreconditionFailed { current: 2 })),
        "{refused:?}"
    );
    let read = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(read.fields.company.as_deref(), Some("Firma SRL"));
}

/// Qualifying a bare lead lists what is missing and leaves it untouched.
pub async fn qualify_without_fit_facts_is_refused_with_unmet_criteria_and_changes_nothing(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Dan", "dan@firma.ro"))
        .await
        .expect("capture");
    let refused = f
        .services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await;
    let Err(Error::UnmetCriteria { unmet, .. }) = refused else {
        panic!("expected unmet criteria, got {refused:?}")
    };
    let codes: Vec<_> = unmet.iter().map(|c| c.code.as_str()).collect();
    assert!(
        codes.contains(&"need_recorded") && codes.contains(&"organisation_recorded"),
        "{codes:?}"
    );
    assert_eq!(
        f.services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read"),
        l
    );
    assert_eq!(
        f.store
            .history_of(RecordRef::Lead(l.id))
            .await
            .expect("history")
            .len(),
        1
    );
}

/// The whole walk: lead -> prospect -> account + contact + opportunities.
pub async fn qualify_then_convert_creates_account_contact_and_opportunities(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(
            &f.actor(),
            &qualified_lead("Reza", "reza@pars.ir", "Pars Co"),
        )
        .await
        .expect("capture");
    f.advance(Duration::hours(2));
    let p = f
        .services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    assert_eq!(
        (p.state.stage, p.qualified_at.is_some()),
        (LeadStage::Prospect, true)
    );
    f.advance(Duration::days(3));
    let deals = vec![
        opportunity("Pars - CRM", "12500.50"),
        opportunity("Pars - Telephony", "3000"),
    ];
    let out = f
        .services
        .convert_lead(&f.actor(), l.id, &convert(deals))
        .await
        .expect("convert");
    assert_eq!(
        (out.lead.state.stage, out.lead.state.status),
        (LeadStage::Converted, LeadStatus::Converted)
    );
    assert!(!out.account_reused);
    let read = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(
        (read.account_id, read.contact_id),
        (Some(out.account_id), Some(out.contact_id))
    );
    let account = f
        .services
        .get_account(&Actor::SYSTEM, out.account_id)
        .await
        .expect("account");
    assert_eq!(
        (account.name.as_str(), account.is_customer()),
        ("Pars Co", false)
    );
    let contact = f
        .services
        .get_contact(&Actor::SYSTEM, out.contact_id)
        .await
        .expect("contact");
    assert_eq!(
        (contact.first_name.as_str(), contact.lead_id),
        ("Reza", Some(l.id))
    );
    assert_eq!(out.opportunities.len(), 2);
    for o in &out.opportunities {
        let stored = f
            .services
            .get_opportunity(&Actor::SYSTEM, o.id)
            .await
            .expect("opportunity")
            .opportunity;
        assert_eq!(&stored, o);
        assert_eq!(
            (stored.lead_id, stored.account_id, stored.stage.as_str()),
            (Some(l.id), out.account_id, "qualify")
        );
    }
    assert_eq!(out.opportunities[0].amount.minor(), 1_250_050);
    let kinds: Vec<String> = f
        .store
        .history_of(RecordRef::Lead(l.id))
        .await
        .expect("history")
        .into_iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(kinds, ["created", "qualified", "converted"]);
}

async fn converted(
    f: &Fixture,
    first: &str,
    email: &str,
    company: &str,
) -> sarnakh_core::service::ConvertOutcome {
    let l = f
        .services
        .capture_lead(&f.actor(), &qualified_lead(first, email, company))
        .await
        .expect("capture");
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    f.services
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity(&format!("{company} deal"), "1000")]),
        )
        .await
        .expect("convert")
}

/// A second person from a known company lands on the same account.
pub async fn second_lead_from_same_company_reuses_the_account(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let first = converted(&f, "Mihai", "mihai@alfa.ro", "Alfa SRL").await;
    let second = converted(&f, "Elena", "elena@alfa.ro", "  ALFA   srl ").await;
    assert_eq!(second.account_id, first.account_id);
    assert!(second.account_reused);
    assert_eq!(account_count(&f).await, 1);
    let history = f
        .store
        .history_of(RecordRef::Lead(second.lead.id))
        .await
        .expect("history");
    let converted = history
        .iter()
        .find(|h| h.kind == "converted")
        .expect("converted row");
    assert_eq!(
        converted.related,
        Some(RecordRef::Account(first.account_id))
    );
}

/// One bad opportunity refuses the whole conversion; nothing is written.
pub async fn convert_with_invalid_opportunity_writes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(
            &f.actor(),
            &qualified_lead("Ana", "ana@beta.ro", "Beta SRL"),
        )
        .await
        .expect("capture");
    let p = f
        .services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let mut bad = opportunity("Beta - second", "10.999");
    bad.stage = Some("nowhere".into());
    let refused = f
        .services
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity("Beta - CRM", "10"), bad]),
        )
        .await;
    let Err(Error::Validation(errors)) = refused else {
        panic!("expected validation, got {refused:?}")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["opportunities[1].amount", "opportunities[1].stage"]
    );
    assert_eq!(
        f.services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read"),
        p
    );
    assert_eq!(account_count(&f).await, 0);
    let empty = f
        .services
        .convert_lead(&f.actor(), l.id, &convert(vec![]))
        .await;
    assert!(
        matches!(empty, Err(Error::Validation(ref e)) if e[0].field == "opportunities"),
        "{empty:?}"
    );
}

/// A conversion based on an old version of the lead is refused whole.
pub async fn convert_with_stale_version_writes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &qualified_lead("Omid", "omid@gama.ir", "Gama"))
        .await
        .expect("capture");
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let mut draft = convert(vec![opportunity("Gama deal", "1")]);
    draft.expected_version = Some(1);
    let refused = f.services.convert_lead(&f.actor(), l.id, &draft).await;
    assert!(
        matches!(refused, Err(Error::PreconditionFailed { current: 2 })),
        "{refused:?}"
    );
    assert_eq!(account_count(&f).await, 0);
}

/// Disqualify with a reason, reopen, nurture until a date, reopen again.
pub async fn disqualify_nurture_and_reopen_follow_the_state_machine(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Cristi", "cristi@delta.ro"))
        .await
        .expect("capture");
    let input = LifecycleInput {
        reason: Some("no_budget".into()),
        note: Some("far beyond budget".into()),
        ..LifecycleInput::default()
    };
    let d = f
        .services
        .disqualify_lead(&f.actor(), l.id, &input)
        .await
        .expect("disqualify");
    assert_eq!(
        (d.state.status, d.disqualify_reason.map(|r| r.as_str())),
        (LeadStatus::Disqualified, Some("no_budget"))
    );
    let r = f
        .services
        .reopen_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("reopen");
    assert_eq!(
        (r.state.status, r.disqualify_reason),
        (LeadStatus::Open, None)
    );
    let past = LifecycleInput {
        until: Some("2026-03-01".into()),
        ..LifecycleInput::default()
    };
    assert!(matches!(
        f.services.nurture_lead(&f.actor(), l.id, &past).await,
        Err(Error::Validation(_))
    ));
    let later = LifecycleInput {
        until: Some("2026-04-02".into()),
        ..LifecycleInput::default()
    };
    let n = f
        .services
        .nurture_lead(&f.actor(), l.id, &later)
        .await
        .expect("nurture");
    assert_eq!(
        (n.state.status, n.nurture_until.map(|d| d.to_string())),
        (LeadStatus::Nurture, Some("2026-04-02".into()))
    );
    let kinds: Vec<String> = f
        .store
        .history_of(RecordRef::Lead(l.id))
        .await
        .expect("history")
        .into_iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(kinds, ["created", "disqualified", "reopened", "nurtured"]);
}

/// Converting a lead that is not a prospect is a 409-style refusal; nothing changes.
pub async fn illegal_transition_is_refused_and_changes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &qualified_lead("Hana", "hana@eta.ir", "Eta"))
        .await
        .expect("capture");
    let refused = f
        .services
        .convert_lead(&f.actor(), l.id, &convert(vec![opportunity("Eta", "5")]))
        .await;
    assert!(
        matches!(refused, Err(Error::IllegalTransition { ref from, action: "convert" }) if from == "lead/open"),
        "{refused:?}"
    );
    let refused = f
        .services
        .reopen_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await;
    assert!(
        matches!(refused, Err(Error::IllegalTransition { .. })),
        "{refused:?}"
    );
    assert_eq!(
        f.services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read"),
        l
    );
    assert_eq!(account_count(&f).await, 0);
}

/// Stage moves leave a trail; the first won deal turns the account into a customer.
pub async fn stage_moves_are_recorded_and_first_win_makes_a_customer(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let out = converted(&f, "Sina", "sina@teta.ir", "Teta").await;
    let id = out.opportunities[0].id;
    f.advance(Duration::days(1));
    f.services
        .move_opportunity(&f.actor(), id, "demo", Some(1))
        .await
        .expect("move");
    f.advance(Duration::days(1));
    f.services
        .move_opportunity(&f.actor(), id, "negotiation", None)
        .await
        .expect("move");
    let refused = f
        .services
        .move_opportunity(&f.actor(), id, "won", None)
        .await;
    assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
    f.advance(Duration::days(1));
    let won = f
        .services
        .close_opportunity(
            &f.actor(),
            id,
            &CloseDraft {
                outcome: Some("won".into()),
                ..CloseDraft::default()
            },
        )
        .await
        .expect("close");
    assert_eq!(
        (won.status, won.stage.as_str(), won.version),
        (OpportunityStatus::Won, "won", 4)
    );
    let detail = f
        .services
        .get_opportunity(&Actor::SYSTEM, id)
        .await
        .expect("detail");
    let trail: Vec<(String, Option<String>)> = detail
        .stage_history
        .into_iter()
        .map(|h| (h.kind, h.to))
        .collect();
    assert_eq!(
        trail,
        [
            ("created".into(), Some("qualify".into())),
            ("stage_changed".into(), Some("demo".into())),
            ("stage_changed".into(), Some("negotiation".into())),
            ("won".into(), Some("won".into()))
        ]
    );
    let account = f
        .services
        .get_account(&Actor::SYSTEM, out.account_id)
        .await
        .expect("account");
    assert_eq!(account.customer_since, won.closed_at);
}

/// A closed deal is final: no moves, no second close.
pub async fn closed_opportunity_cannot_move_or_close_again(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let out = converted(&f, "Vlad", "vlad@iota.ro", "Iota").await;
    let id = out.opportunities[0].id;
    let no_reason = f
        .services
        .close_opportunity(
            &f.actor(),
            id,
            &CloseDraft {
                outcome: Some("lost".into()),
                ..CloseDraft::default()
            },
        )
        .await;
    assert!(
        matches!(no_reason, Err(Error::Validation(ref e)) if e[0].field == "reason"),
        "{no_reason:?}"
    );
    let lost = CloseDraft {
        outcome: Some("lost".into()),
        reason: Some("competitor".into()),
        ..CloseDraft::default()
    };
    f.services
        .close_opportunity(&f.actor(), id, &lost)
        .await
        .expect("close lost");
    assert!(matches!(
        f.services.close_opportunity(&f.actor(), id, &lost).await,
        Err(Error::IllegalTransition { .. })
    ));
    assert!(matches!(
        f.services
            .move_opportunity(&f.actor(), id, "demo", None)
            .await,
        Err(Error::IllegalTransition { .. })
    ));
    assert!(
        !f.services
            .get_account(&Actor::SYSTEM, out.account_id)
            .await
            .expect("account")
            .is_customer()
    );
}

/// One customer, many deals: more opportunities are opened on the account later.
pub async fn more_opportunities_for_an_existing_account(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let out = converted(&f, "Nima", "nima@kapa.ir", "Kapa").await;
    let mut draft = opportunity("Kapa - renewal", "999.99");
    draft.stage = Some("proposal".into());
    let o = f
        .services
        .create_opportunity(&f.actor(), out.account_id, &draft, Some(out.contact_id))
        .await
        .expect("create");
    assert_eq!(
        (o.account_id, o.stage.as_str(), o.lead_id),
        (out.account_id, "proposal", None)
    );
    let unknown = f
        .services
        .create_opportunity(
            &f.actor(),
            sarnakh_core::domain::AccountId::new(),
            &draft,
            None,
        )
        .await;
    assert!(
        matches!(
            unknown,
            Err(Error::NotFound {
                entity: "account",
                ..
            })
        ),
        "{unknown:?}"
    );
}

/// Buyer-side people get roles; a person from another account is refused.
pub async fn buyer_roles_are_recorded_per_opportunity(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let a = converted(&f, "Laleh", "laleh@lambda.ir", "Lambda").await;
    let b = converted(&f, "Radu", "radu@mu.ro", "Mu SRL").await;
    let id = a.opportunities[0].id;
    f.services
        .set_buyer_role(&f.actor(), id, a.contact_id, BuyerRole::Champion)
        .await
        .expect("role");
    let detail = f
        .services
        .set_buyer_role(&f.actor(), id, a.contact_id, BuyerRole::DecisionMaker)
        .await
        .expect("change role");
    assert_eq!(
        detail
            .contacts
            .iter()
            .map(|(c, r)| (c.id, *r))
            .collect::<Vec<_>>(),
        [(a.contact_id, BuyerRole::DecisionMaker)]
    );
    let history = f
        .store
        .history_of(RecordRef::Opportunity(id))
        .await
        .expect("history");
    let roles: Vec<Option<String>> = history
        .iter()
        .filter(|h| h.kind == "buyer_role_set")
        .map(|h| h.to.clone())
        .collect();
    assert_eq!(
        roles,
        [
            Some("champion".to_owned()),
            Some("decision_maker".to_owned())
        ]
    );
    let refused = f
        .services
        .set_buyer_role(&f.actor(), id, b.contact_id, BuyerRole::User)
        .await;
    assert!(
        matches!(refused, Err(Error::Validation(ref e)) if e[0].code == "other_account"),
        "{refused:?}"
    );
}

/// An activity on a record that does not exist is refused and nothing is stored.
pub async fn activity_on_unknown_record_is_refused_and_writes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let ghost = sarnakh_core::domain::LeadId::new();
    let draft = ActivityDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(ghost.to_string()),
        kind: Some("call".into()),
        summary: Some("Called".into()),
        ..ActivityDraft::default()
    };
    let refused = f.services.log_activity(&f.actor(), &draft).await;
    assert!(
        matches!(refused, Err(Error::Validation(ref e)) if e[0].code == "unknown_record"),
        "{refused:?}"
    );
    assert!(
        f.store
            .activities_of(RecordRef::Lead(ghost))
            .await
            .expect("activities")
            .is_empty()
    );
    let timeline = f
        .services
        .timeline(&Actor::SYSTEM, RecordRef::Lead(ghost))
        .await;
    assert!(
        matches!(timeline, Err(Error::NotFound { .. })),
        "{timeline:?}"
    );
}
