//! Conformance behaviours of the pipeline stage settings: each change is one numbered,
//! audited version guarded by the version read; refusals write nothing; a retired stage
//! keeps its deals but takes no new ones; a new probability weighs the pipeline from then on.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use sarnakh_core::Error;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::stage_settings::{StageFile, StageInput};
use sarnakh_core::domain::{Role, User};
use sarnakh_core::service::{Actor, LifecycleInput, Principal};
use sarnakh_core::store::Store;
use std::sync::Arc;

fn input(f: &[sarnakh_core::domain::PipelineStage]) -> Vec<StageInput> {
    StageFile::of(f).stages
}

async fn person(f: &Fixture, email: &str, role: Role) -> Actor {
    let user = User::new(email, email, role, f.rep.created_at);
    f.store.insert_user(&user).await.expect("user");
    Actor::user(Principal {
        user_id: user.id,
        role,
        team_id: None,
        team_members: Vec::new(),
        scope: sarnakh_core::domain::TokenScope::Write,
        token_id: None,
    })
}

async fn deal_in_demo(f: &Fixture) -> sarnakh_core::domain::OpportunityId {
    let l = f
        .services
        .capture_lead(
            &f.actor(),
            &qualified_lead("Nima", "nima@kavir.ir", "Kavir"),
        )
        .await
        .expect("capture");
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let out = f
        .services
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity("Kavir", "1000")]),
        )
        .await
        .expect("convert");
    let id = out.opportunities[0].id;
    f.services
        .move_opportunity(&f.actor(), id, "demo", None)
        .await
        .expect("move");
    id
}

/// Admins change the stages as numbered versions with If-Match; managers read, reps are
/// refused; every refusal (rights, stale version, bad field, a stage with deals removed)
/// leaves stages and versions as they were.
pub async fn stage_settings_are_versioned_and_refusals_write_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let admin = person(&f, "admin@stages.example", Role::Admin).await;
    let manager = person(&f, "m@stages.example", Role::SalesManager).await;
    let rep = person(&f, "r@stages.example", Role::SalesRep).await;
    deal_in_demo(&f).await;
    let before = f
        .services
        .stage_settings(&manager)
        .await
        .expect("manager reads");
    assert_eq!(before.version, 0);
    assert_eq!(before.deals.get("demo"), Some(&1));
    assert!(matches!(
        f.services.stage_settings(&rep).await,
        Err(Error::Forbidden(_))
    ));
    let mut changed = input(&before.stages);
    changed[2].probability = Some(50);
    changed[0].labels.insert("fa".into(), "ارزیابی".into());
    let refusals = [
        (manager.clone(), changed.clone(), Some(0), "forbidden"),
        (admin.clone(), changed.clone(), Some(7), "stale"),
        (
            admin.clone(),
            {
                let mut bad = changed.clone();
                bad[1].name = "Qualify".into();
                bad
            },
            Some(0),
            "invalid",
        ),
        (
            admin.clone(),
            changed
                .iter()
                .filter(|s| s.key != "demo")
                .cloned()
                .collect(),
            Some(0),
            "invalid",
        ),
    ];
    for (who, stages, version, why) in refusals {
        let got = f.services.set_stages(&who, &stages, version).await;
        let ok = match why {
            "forbidden" => matches!(got, Err(Error::Forbidden(_))),
            "stale" => matches!(got, Err(Error::PreconditionFailed { current: 0 })),
            _ => matches!(got, Err(Error::Validation(_))),
        };
        assert!(ok, "{why}: {got:?}");
        let now = f.services.stage_settings(&admin).await.expect("read");
        assert_eq!(now.stages, before.stages, "{why} wrote stages");
        assert_eq!(now.version, 0, "{why} wrote a version");
    }
    let saved = f
        .services
        .set_stages(&admin, &changed, Some(0))
        .await
        .expect("admin saves");
    assert_eq!(saved.version, 1);
    let read = f.services.stage_settings(&manager).await.expect("read");
    assert_eq!(read.version, 1);
    assert_eq!(read.stages, saved.stages);
    assert_eq!(read.stages[0].label("fa"), "ارزیابی");
    assert_eq!(read.stages[2].probability, 50);
    // The same list again is a no-op: no new version.
    let again = f.services.set_stages(&admin, &changed, Some(1)).await;
    assert_eq!(again.expect("no-op").version, 1);
    // The old version is now stale.
    let stale = f.services.set_stages(&admin, &changed, Some(0)).await;
    assert!(matches!(
        stale,
        Err(Error::PreconditionFailed { current: 1 })
    ));
    let log = f.services.stage_versions(&manager, 10).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].by, admin.user_id);
    let fields: Vec<&str> = log[0].changes.iter().map(|c| c.field.as_str()).collect();
    assert!(fields.contains(&"stages.demo.probability"), "{fields:?}");
    assert!(fields.contains(&"stages.qualify.labels.fa"), "{fields:?}");
    let change = log[0]
        .changes
        .iter()
        .find(|c| c.field == "stages.demo.probability")
        .expect("probability change");
    assert_eq!(
        (change.old.as_deref(), change.new.as_deref()),
        (Some("40"), Some("50"))
    );
}

/// A retired stage keeps its deal (which may leave it) but takes no new one; a stage without
/// deals is removed; a new stage takes its place; a new probability weighs the pipeline.
pub async fn retired_stages_keep_their_deals_and_probabilities_weigh_from_then_on(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store).await;
    let id = deal_in_demo(&f).await;
    let weighted = |r: &sarnakh_core::service::PipelineReport| -> i64 {
        r.cells
            .iter()
            .filter(|c| c.stage == "demo")
            .map(|c| c.weighted_centi_minor)
            .sum()
    };
    let report = f
        .services
        .pipeline_report(&Actor::SYSTEM, &ReportQuery::default())
        .await
        .expect("report");
    let at_40 = weighted(&report);
    let current = f.services.list_stages().await.expect("stages");
    let mut next: Vec<StageInput> = input(&current)
        .into_iter()
        .filter(|s| s.key != "discovery")
        .collect();
    for s in &mut next {
        if s.key == "demo" {
            s.retired = true;
            s.probability = Some(20);
        }
    }
    next.insert(
        1,
        StageInput {
            key: "pilot".into(),
            name: "Pilot".into(),
            probability: Some(30),
            ..StageInput::default()
        },
    );
    f.services
        .set_stages(&Actor::SYSTEM, &next, Some(0))
        .await
        .expect("save");
    let stages = f.services.list_stages().await.expect("stages");
    let keys: Vec<&str> = stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "qualify",
            "pilot",
            "demo",
            "proposal",
            "negotiation",
            "won",
            "lost"
        ]
    );
    let positions: Vec<i32> = stages.iter().map(|s| s.position).collect();
    assert_eq!(positions, [1, 2, 3, 4, 5, 6, 7]);
    assert!(stages[2].retired_at.is_some());
    let report = f
        .services
        .pipeline_report(&Actor::SYSTEM, &ReportQuery::default())
        .await
        .expect("report");
    assert_eq!(weighted(&report) * 2, at_40, "20 % weighs half of 40 %");
    // The deal stays in the retired stage, may leave it, and may not come back.
    let deal = f
        .services
        .get_opportunity(&f.actor(), id)
        .await
        .expect("deal");
    assert_eq!(deal.opportunity.stage, "demo");
    f.services
        .move_opportunity(&f.actor(), id, "pilot", None)
        .await
        .expect("leave the retired stage");
    let back = f
        .services
        .move_opportunity(&f.actor(), id, "demo", None)
        .await;
    assert!(
        matches!(&back, Err(Error::Validation(e)) if e[0].code == "retired_stage"),
        "{back:?}"
    );
    let new_deal = f
        .services
        .create_opportunity(
            &f.actor(),
            deal.opportunity.account_id,
            &sarnakh_core::domain::opportunity::OpportunityDraft {
                stage: Some("demo".into()),
                ..opportunity("More", "10")
            },
            None,
        )
        .await;
    assert!(
        matches!(new_deal, Err(Error::Validation(_))),
        "{new_deal:?}"
    );
}
