//! Conformance behaviours of the playbook: versions are stored, enforced, overridden only by
//! managers with a reason, and every transition records the version that allowed it.

use crate::Fixture;
use crate::builders::qualified_lead;
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::playbook::PlaybookRules;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::domain::{RecordRef, TokenScope};
use sarnakh_core::service::{Actor, LeadPatch, LifecycleInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

const BANT: &str = r#"{
  "qualify": [
    { "code": "need_recorded", "message": "record the need", "kind": "recorded", "field": "need" },
    { "code": "bant", "message": "record budget and timeline evidence", "kind": "checklist", "items": ["budget", "timeline"] },
    { "code": "size_in_range", "message": "50 to 5000 employees", "kind": "size_range", "min": 50, "max": 5000 }
  ],
  "convert": []
}"#;

async fn signed_in(f: &Fixture, email: &str, role: &str) -> Actor {
    let draft = UserDraft {
        email: Some(email.into()),
        display_name: Some(email.into()),
        role: Some(role.into()),
        ..UserDraft::default()
    };
    let (user, _) = f
        .services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .expect("user");
    let (_, secret) = f
        .services
        .create_token(&Actor::SYSTEM, user.id, "t", TokenScope::Write)
        .await
        .expect("token");
    f.services
        .authenticate_token(&secret)
        .await
        .expect("sign in")
}

/// A saved playbook is enforced, its readiness checklist shows each criterion, and the
/// qualify that it allowed records its version.
pub async fn saved_playbooks_are_enforced_and_recorded_on_transitions(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert_eq!(f.services.playbook().await.expect("default").version, 0);
    let manager = signed_in(&f, "m@example.com", "sales_manager").await;
    let rep = signed_in(&f, "r@example.com", "sales_rep").await;
    let rules = PlaybookRules::from_json(BANT).expect("valid playbook");
    assert!(matches!(
        f.services.set_playbook(&rep, rules.clone()).await,
        Err(Error::Forbidden(_))
    ));
    let saved = f
        .services
        .set_playbook(&manager, rules.clone())
        .await
        .expect("save");
    assert_eq!(saved.version, 1);
    assert_eq!(
        f.services
            .set_playbook(&manager, rules)
            .await
            .expect("same rules")
            .version,
        1,
        "saving the same rules makes no version"
    );
    let l = f
        .services
        .capture_lead(
            &f.actor(),
            &qualified_lead("Bita", "bita@example.ir", "Bita Co"),
        )
        .await
        .expect("capture");
    let readiness = f
        .services
        .readiness(&Actor::SYSTEM, l.id)
        .await
        .expect("readiness");
    assert_eq!(
        (readiness.next, readiness.playbook_version),
        (Some("qualify"), 1)
    );
    assert_eq!(
        readiness
            .checks
            .iter()
            .map(|c| (c.code.as_str(), c.met))
            .collect::<Vec<_>>(),
        [
            ("need_recorded", true),
            ("bant", false),
            ("size_in_range", true)
        ]
    );
    let refused = f
        .services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await;
    assert!(
        matches!(refused, Err(Error::UnmetCriteria { ref unmet, .. }) if unmet.len() == 1 && unmet[0].code == "bant"),
        "{refused:?}"
    );
    let evidence = [
        ("budget".to_owned(), Some("40k EUR approved".to_owned())),
        ("timeline".to_owned(), Some("before March".to_owned())),
    ]
    .into();
    f.services
        .update_lead(
            &f.actor(),
            l.id,
            LeadPatch {
                evidence: Some(evidence),
                ..LeadPatch::default()
            },
            None,
        )
        .await
        .expect("record evidence");
    assert!(
        f.services
            .readiness(&Actor::SYSTEM, l.id)
            .await
            .expect("readiness")
            .ready()
    );
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let history = f
        .services
        .history(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("history");
    let qualified = history
        .iter()
        .find(|h| h.kind == "qualified")
        .expect("qualified row");
    assert_eq!(qualified.playbook_version, Some(1));
    let stored = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(
        stored.fields.evidence.get("budget").map(String::as_str),
        Some("40k EUR approved")
    );
}

/// Unmet criteria may be overridden only by a manager, with a written reason in history.
pub async fn only_managers_override_the_playbook_and_the_reason_is_recorded(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let manager = signed_in(&f, "m@example.com", "sales_manager").await;
    let rep = signed_in(&f, "r@example.com", "sales_rep").await;
    f.services
        .set_playbook(&manager, PlaybookRules::from_json(BANT).expect("valid"))
        .await
        .expect("save");
    let l = f
        .services
        .capture_lead(
            &Actor::SYSTEM,
            &qualified_lead("Ovi", "ovi@example.ro", "Ovi SRL"),
        )
        .await
        .expect("capture");
    let by_rep = LifecycleInput {
        override_reason: Some("I feel it".into()),
        ..LifecycleInput::default()
    };
    assert!(matches!(
        f.services.qualify_lead(&rep, l.id, &by_rep).await,
        Err(Error::Forbidden(_) | Error::NotFound { .. })
    ));
    let by_manager = LifecycleInput {
        override_reason: Some("CEO intro; budget confirmed by phone".into()),
        ..LifecycleInput::default()
    };
    f.services
        .qualify_lead(&manager, l.id, &by_manager)
        .await
        .expect("override");
    let history = f
        .services
        .history(&Actor::SYSTEM, RecordRef::Lead(l.id))
        .await
        .expect("history");
    let row = history
        .iter()
        .find(|h| h.kind == "qualified")
        .expect("qualified row");
    assert_eq!(
        (
            row.reason.as_deref(),
            row.note.as_deref(),
            row.playbook_version
        ),
        (
            Some("override"),
            Some("CEO intro; budget confirmed by phone"),
            Some(1)
        )
    );
}

/// Leads are scored on capture and edit with a breakdown that sums to the score, and new
/// scoring rules rescore every lead.
pub async fn leads_are_scored_and_rescored_when_the_rules_change(store: Arc<dyn Store>) {
    use sarnakh_core::domain::scoring::{Grade, ScoringRules};
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(
            &f.actor(),
            &qualified_lead("Sam", "sam@gmail.com", "Sam Ltd"),
        )
        .await
        .expect("capture");
    let codes: Vec<&str> = l.score_lines.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "size_in_range",
            "industry_recorded",
            "need_recorded",
            "decision_maker",
            "free_mail"
        ]
    );
    assert_eq!((l.score, l.grade), (45, Grade::B));
    let patched = f
        .services
        .update_lead(
            &f.actor(),
            l.id,
            LeadPatch {
                job_title: Some(Some("Head of Sales".into())),
                ..LeadPatch::default()
            },
            None,
        )
        .await
        .expect("edit");
    assert_eq!((patched.score, patched.grade), (55, Grade::A));
    assert_eq!(
        f.services
            .get_lead(&Actor::SYSTEM, l.id)
            .await
            .expect("read")
            .score,
        55
    );
    let review = |grade| {
        let s = f.services.clone();
        async move {
            let filter = sarnakh_core::store::LeadFilter {
                grade: Some(grade),
                ..Default::default()
            };
            s.list_leads(
                &Actor::SYSTEM,
                &filter,
                &sarnakh_core::domain::PageRequest::default(),
            )
            .await
            .expect("list")
            .items
            .len()
        }
    };
    assert_eq!(
        (review(Grade::A).await, review(Grade::B).await),
        (1, 0),
        "grade A is the review queue"
    );
    let rules = ScoringRules::from_json(r#"{"fit": [{"code": "need", "points": 7, "kind": "recorded", "field": "need"}], "grades": {"a": 20, "b": 10, "c": 5}}"#).expect("rules");
    let marketing = signed_in(&f, "mk@example.com", "marketing").await;
    let (version, rescored) = f
        .services
        .set_scoring(&marketing, rules)
        .await
        .expect("save scoring");
    assert_eq!((version, rescored), (1, 1));
    let stored = f
        .services
        .get_lead(&Actor::SYSTEM, l.id)
        .await
        .expect("read");
    assert_eq!(
        (stored.score, stored.grade, stored.version),
        (7, Grade::C, patched.version),
        "rescoring is not an edit"
    );
    assert_eq!((review(Grade::A).await, review(Grade::C).await), (0, 1));
}

/// The funnel shows how many qualifications and conversions a manager let through against
/// the playbook, of the cohort's leads or recorded in the period, counting only leads the
/// reader may see.
pub async fn playbook_overrides_show_in_the_funnel(store: Arc<dyn Store>) {
    use sarnakh_core::domain::report::ReportQuery;
    use sarnakh_core::domain::report_figures::ReasonCount;
    use sarnakh_core::service::ConvertDraft;
    let f = Fixture::new(store).await;
    let manager = signed_in(&f, "m@example.com", "sales_manager").await;
    let rules = BANT.replace(
        r#""convert": []"#,
        r#""convert": [{ "code": "authority", "message": "record who signs", "kind": "checklist", "items": ["authority"] }]"#,
    );
    f.services
        .set_playbook(&manager, PlaybookRules::from_json(&rules).expect("valid"))
        .await
        .expect("save");
    let mut leads = Vec::new();
    for (first, email, company) in [
        ("Ovi", "ovi@example.ro", "Ovi SRL"),
        ("Ana", "ana@example.ro", "Ana SRL"),
        ("Dan", "dan@example.ro", "Dan SRL"),
    ] {
        let draft = sarnakh_core::domain::lead::LeadDraft {
            owner_id: manager.user_id,
            ..qualified_lead(first, email, company)
        };
        leads.push(
            f.services
                .capture_lead(&Actor::SYSTEM, &draft)
                .await
                .expect("capture"),
        );
    }
    let because = |why: &str| LifecycleInput {
        override_reason: Some(why.into()),
        ..LifecycleInput::default()
    };
    for lead in &leads[..2] {
        f.services
            .qualify_lead(&manager, lead.id, &because("CEO intro"))
            .await
            .expect("override qualify");
    }
    // Without an override the third stays a lead: the playbook refuses it.
    assert!(
        f.services
            .qualify_lead(&manager, leads[2].id, &LifecycleInput::default())
            .await
            .is_err()
    );
    // The leads are the manager's: a rep does not see them.
    let rep = signed_in(&f, "r@example.com", "sales_rep").await;
    let draft = ConvertDraft {
        opportunities: vec![crate::builders::opportunity("Ovi rollout", "12000.00")],
        override_reason: Some("the buyer signs by email".into()),
        ..ConvertDraft::default()
    };
    f.services
        .convert_lead(&manager, leads[0].id, &draft)
        .await
        .expect("override convert");
    let today = f.clock.now().date_naive().to_string();
    let q = |mode: &str| ReportQuery {
        from: Some(today.clone()),
        to: Some(today.clone()),
        mode: Some(mode.into()),
        ..ReportQuery::default()
    };
    let want = vec![
        ReasonCount {
            reason: "qualified".into(),
            count: 2,
        },
        ReasonCount {
            reason: "converted".into(),
            count: 1,
        },
    ];
    for mode in ["cohort", "activity"] {
        let funnel = f
            .services
            .funnel_report(&Actor::SYSTEM, &q(mode))
            .await
            .expect("funnel");
        assert_eq!(funnel.overrides, want, "{mode}");
        let theirs = f
            .services
            .funnel_report(&rep, &q(mode))
            .await
            .expect("funnel");
        assert!(
            theirs.overrides.is_empty(),
            "a rep sees only own leads: {mode}"
        );
    }
    let yesterday = (f.clock.now().date_naive() - chrono::Duration::days(1)).to_string();
    let before = ReportQuery {
        from: Some(yesterday.clone()),
        to: Some(yesterday),
        ..ReportQuery::default()
    };
    let none = f
        .services
        .funnel_report(&Actor::SYSTEM, &before)
        .await
        .expect("funnel");
    assert!(none.overrides.is_empty(), "outside the period");
}
