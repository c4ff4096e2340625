//! Conformance behaviours of lead routing: assignment rules (territory, product, round
//! robin, load) on capture and on forms, and the inbox ordered by the speed-to-lead clock.

use crate::Fixture;
use crate::builders::lead;
use crate::conformance_policy::signed_in;
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::assignment::{AssignmentRule, AssignmentRules};
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::sla::SlaSettings;
use sarnakh_core::domain::{TokenScope, UserId};
use sarnakh_core::service::{ActivityDraft, TaskDraft};
use sarnakh_core::store::Store;
use std::sync::Arc;

fn rule(name: &str, pick: &str, users: Vec<UserId>) -> AssignmentRule {
    AssignmentRule {
        name: name.into(),
        countries: Vec::new(),
        products: Vec::new(),
        sources: Vec::new(),
        pick: pick.into(),
        users,
        team_id: None,
    }
}

/// The first matching rule owns a new lead: territory first, then round robin in turn; a
/// load rule gives the rep with fewest open leads; a named owner is kept.
pub async fn assignment_rules_route_new_leads(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let (_, ro) = signed_in(
        &f,
        "ro@route.example",
        "sales_rep",
        Some("Romania"),
        TokenScope::Write,
    )
    .await;
    let (_, a) = signed_in(
        &f,
        "a@route.example",
        "sales_rep",
        Some("Inbound"),
        TokenScope::Write,
    )
    .await;
    let (_, b) = signed_in(
        &f,
        "b@route.example",
        "sales_rep",
        Some("Inbound"),
        TokenScope::Write,
    )
    .await;
    let (manager, _) = signed_in(
        &f,
        "m@route.example",
        "sales_manager",
        None,
        TokenScope::Write,
    )
    .await;
    let (rep, _) = signed_in(&f, "r@route.example", "sales_rep", None, TokenScope::Write).await;
    let rules = AssignmentRules {
        rules: vec![
            AssignmentRule {
                countries: vec!["RO".into()],
                ..rule("romania", "round_robin", vec![ro.id])
            },
            rule("inbound", "round_robin", vec![a.id, b.id]),
        ],
    };
    let refused = f.services.set_assignment_rules(&rep, rules.clone()).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    f.services
        .set_assignment_rules(&manager, rules)
        .await
        .expect("save rules");
    let capture = |first: &str, country: Option<&str>| {
        let draft = LeadDraft {
            country: country.map(Into::into),
            ..lead(first, &format!("{first}@route.example"))
        };
        let s = f.services.clone();
        let actor = f.actor();
        async move { s.capture_lead(&actor, &draft).await.expect("capture") }
    };
    let ro_lead = capture("ioana", Some("RO")).await;
    assert_eq!(ro_lead.fields.owner_id, Some(ro.id));
    assert_eq!(
        ro_lead.team_id, ro.team_id,
        "the lead joins its owner's team"
    );
    let owners: Vec<_> = [
        capture("x1", None).await,
        capture("x2", Some("IR")).await,
        capture("x3", None).await,
    ]
    .iter()
    .map(|l| l.fields.owner_id)
    .collect();
    let mut pair = [a.id, b.id];
    pair.sort();
    assert_eq!(
        owners,
        [Some(pair[0]), Some(pair[1]), Some(pair[0])],
        "in turn"
    );
    let named = LeadDraft {
        owner_id: Some(b.id),
        ..lead("named", "named@route.example")
    };
    assert_eq!(
        f.services
            .capture_lead(&f.actor(), &named)
            .await
            .expect("named")
            .fields
            .owner_id,
        Some(b.id),
        "a named owner is kept"
    );

    // Load: the rep with fewer open leads gets the next one; pair[0] gets three more first.
    for i in 0..3 {
        let busy = LeadDraft {
            owner_id: Some(pair[0]),
            ..lead(&format!("busy{i}"), &format!("busy{i}@route.example"))
        };
        f.services
            .capture_lead(&f.actor(), &busy)
            .await
            .expect("busy");
    }
    f.services
        .set_assignment_rules(
            &manager,
            AssignmentRules {
                rules: vec![rule("by_load", "load", vec![a.id, b.id])],
            },
        )
        .await
        .expect("load rule");
    let next = capture("y1", None).await;
    assert_eq!(
        next.fields.owner_id,
        Some(pair[1]),
        "pair[0] holds at least 5 open leads, pair[1] at most 2"
    );
    let bad = f
        .services
        .set_assignment_rules(
            &manager,
            AssignmentRules {
                rules: vec![rule("ghost", "round_robin", vec![UserId::new()])],
            },
        )
        .await;
    assert!(
        matches!(bad, Err(Error::Validation(ref e)) if e[0].field == "rules[0].users[0]"),
        "{bad:?}"
    );
    let kept = f.services.assignment_rules().await.expect("rules");
    assert_eq!(
        kept.rules
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["by_load"],
        "refused rules are not saved"
    );
}

/// The inbox lists overdue follow-ups, then new leads: past their first-contact target and
/// not contacted first, then not yet due, then contacted.
pub async fn the_inbox_orders_new_leads_by_the_speed_to_lead_clock(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    f.services
        .set_sla_settings(
            &f.actor(),
            SlaSettings {
                first_contact_minutes: 30,
                working_hours: None,
            },
        )
        .await
        .expect("target");
    let mine = |first: &str| LeadDraft {
        owner_id: Some(f.rep.id),
        ..lead(first, &format!("{first}@inbox.example"))
    };
    let old = f
        .services
        .capture_lead(&f.actor(), &mine("old"))
        .await
        .expect("old");
    f.advance(Duration::minutes(10));
    let contacted = f
        .services
        .capture_lead(&f.actor(), &mine("called"))
        .await
        .expect("called");
    f.services
        .log_activity(
            &f.actor(),
            &ActivityDraft {
                subject_type: Some("lead".into()),
                subject_id: Some(contacted.id.to_string()),
                kind: Some("call".into()),
                summary: Some("First call".into()),
                ..ActivityDraft::default()
            },
        )
        .await
        .expect("call");
    f.advance(Duration::minutes(25));
    let fresh = f
        .services
        .capture_lead(&f.actor(), &mine("fresh"))
        .await
        .expect("fresh");
    f.services
        .create_task(
            &f.actor(),
            &TaskDraft {
                subject_type: Some("lead".into()),
                subject_id: Some(fresh.id.to_string()),
                title: Some("Send the offer".into()),
                due_at: Some("2026-03-01".into()),
                owner_id: Some(f.rep.id),
                ..TaskDraft::default()
            },
        )
        .await
        .expect("overdue task");
    let refused = f
        .services
        .set_sla_settings(
            &f.actor(),
            SlaSettings {
                first_contact_minutes: 0,
                working_hours: None,
            },
        )
        .await;
    assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
    assert_eq!(
        f.services
            .sla_settings()
            .await
            .expect("target")
            .first_contact_minutes,
        30,
        "a refused target is not saved"
    );
    let inbox = f
        .services
        .inbox(&sarnakh_core::service::Actor::on_behalf_of(f.rep.id))
        .await
        .expect("inbox");
    assert_eq!(inbox.tasks.len(), 1, "the overdue follow-up comes first");
    let order: Vec<_> = inbox.leads.iter().map(|l| l.lead.id).collect();
    assert_eq!(order, [old.id, fresh.id, contacted.id]);
    assert!(inbox.leads[0].breached, "35 minutes without contact");
    assert!(!inbox.leads[1].breached);
    assert_eq!(
        inbox.leads[1].due_at,
        fresh.created_at + Duration::minutes(30)
    );
    assert!(inbox.leads[2].first_contact_at.is_some());
    assert!(!inbox.leads[2].breached, "called within its target");
}
