//! Conformance behaviours of A/B experiments: who may define and run them, that refused
//! input writes nothing, that leads captured through the API, a web form or an import while
//! an experiment runs get their variant (and drafts assign nobody), explicit assignment and
//! backfill, and the report's figures recomputed with plain loops over the records the
//! services returned, for marketing (everything) and for a rep (part of it).

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use crate::experiment_data::{Now, Tracked, recount};
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::experiment::{ExperimentDraft, VariantDraft};
use sarnakh_core::domain::experiment_stats::{ALPHA, Verdict};
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::{FormId, OpportunityStatus, TokenScope};
use sarnakh_core::import::{ImportReader, Mapping, ReaderOptions};
use sarnakh_core::service::{Actor, AssignInput, CloseDraft, ImportSource, LifecycleInput};
use sarnakh_core::store::Store;
use std::sync::Arc;

fn variant(key: &str, form: Option<FormId>, campaign: Option<&str>) -> VariantDraft {
    VariantDraft {
        key: Some(key.into()),
        name: Some(key.to_uppercase()),
        form_id: form.map(|f| f.to_string()),
        campaign: campaign.map(Into::into),
        weight: None,
    }
}

fn draft(key: &str, method: &str, variants: Vec<VariantDraft>) -> ExperimentDraft {
    ExperimentDraft {
        key: Some(key.into()),
        name: Some(format!("Experiment {key}")),
        description: Some("B converts better".into()),
        kind: Some("offer".into()),
        method: Some(method.into()),
        variants,
    }
}

/// Marketing and managers run experiments, reps do not; refused input writes nothing; the
/// life cycle only goes forward.
pub async fn experiments_are_run_by_marketing_and_refused_input_writes_nothing(
    store: Arc<dyn Store>,
) {
    let f = Fixture::new(store).await;
    let (marketing, _) = signed_in(&f, "m@x.example", "marketing", None, TokenScope::Write).await;
    let (rep, _) = signed_in(&f, "r@x.example", "sales_rep", None, TokenScope::Write).await;
    let ok = draft(
        "offer-a",
        "random",
        vec![variant("a", None, None), variant("b", None, None)],
    );
    let s = &f.services;
    assert!(matches!(
        s.create_experiment(&rep, &ok).await,
        Err(Error::Forbidden(_))
    ));
    let bad = draft("Bad Key", "campaign", vec![variant("a", None, None)]);
    let Err(Error::Validation(errors)) = s.create_experiment(&marketing, &bad).await else {
        panic!("refused with field errors")
    };
    assert!(
        errors.iter().any(|e| e.field == "key") && errors.iter().any(|e| e.field == "variants")
    );
    let ghost = draft(
        "ghost",
        "form",
        vec![
            variant("a", Some(FormId::new()), None),
            variant("b", Some(FormId::new()), None),
        ],
    );
    assert!(matches!(
        s.create_experiment(&marketing, &ghost).await,
        Err(Error::Validation(_))
    ));
    assert!(
        s.list_experiments(&rep).await.expect("list").is_empty(),
        "nothing written"
    );
    let x = s.create_experiment(&marketing, &ok).await.expect("created");
    let taken = s.create_experiment(&marketing, &ok).await;
    assert!(matches!(taken, Err(Error::Validation(e)) if e[0].field == "key"));
    assert!(matches!(
        s.stop_experiment(&marketing, "offer-a", None).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        s.start_experiment(&rep, "offer-a", None).await,
        Err(Error::Forbidden(_))
    ));
    let running = s
        .start_experiment(&marketing, &x.id.to_string(), Some(1))
        .await
        .expect("start");
    assert!(running.started_at.is_some() && running.version == 2);
    let mut changed = ok.clone();
    changed.variants.pop();
    changed.variants.push(variant("c", None, None));
    assert!(matches!(
        s.update_experiment(&marketing, "offer-a", &changed, None)
            .await,
        Err(Error::Conflict(_))
    ));
    let stale = s.stop_experiment(&marketing, "offer-a", Some(1)).await;
    assert!(matches!(
        stale,
        Err(Error::PreconditionFailed { current: 2 })
    ));
    let stopped = s
        .stop_experiment(&marketing, "offer-a", None)
        .await
        .expect("stop");
    assert_eq!(
        s.get_experiment(&rep, "offer-a").await.expect("read"),
        stopped
    );
}

/// Leads get variants on capture, through forms and imports too; explicit assignment and
/// backfill follow the same rule; the report matches a plain recount.
pub async fn experiment_report_matches_a_plain_recount(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (marketing, _) = signed_in(&f, "m@x.example", "marketing", None, TokenScope::Write).await;
    let (rep, rep_user) = signed_in(&f, "r@x.example", "sales_rep", None, TokenScope::Write).await;
    let (_, other) = signed_in(&f, "o@x.example", "sales_rep", None, TokenScope::Read).await;
    let form = s
        .create_form(
            &Actor::SYSTEM,
            &sarnakh_core::domain::form::FormDraft {
                name: Some("Landing".into()),
                fields: vec![("first_name".into(), true), ("email".into(), true)],
                min_fill_seconds: Some(0),
                ..Default::default()
            },
        )
        .await
        .expect("form");
    let mut tracked: Vec<Tracked> = Vec::new();
    let capture = |i: usize| {
        let mut d = qualified_lead(
            &format!("L{i}"),
            &format!("l{i}@x.example"),
            &format!("Co {i}"),
        );
        d.campaign = [Some("spring"), Some("autumn"), None][i % 3].map(Into::into);
        d.owner_id = [Some(rep_user.id), Some(other.id), None][(i / 3) % 3];
        d
    };
    // Before the start: nobody is assigned; an early lead qualifies before it joins.
    let early = s
        .capture_lead(&Actor::SYSTEM, &capture(100))
        .await
        .expect("early");
    let early = s
        .qualify_lead(&Actor::SYSTEM, early.id, &LifecycleInput::default())
        .await
        .expect("q");
    s.create_experiment(
        &marketing,
        &draft(
            "split",
            "random",
            vec![variant("a", None, None), variant("b", None, None)],
        ),
    )
    .await
    .expect("random");
    let by_campaign = s
        .create_experiment(
            &marketing,
            &draft(
                "season",
                "campaign",
                vec![
                    variant("spring", None, Some("spring")),
                    variant("autumn", None, Some("autumn")),
                ],
            ),
        )
        .await
        .expect("campaign");
    let draft_only = s
        .create_experiment(
            &marketing,
            &draft(
                "idle",
                "random",
                vec![variant("a", None, None), variant("b", None, None)],
            ),
        )
        .await
        .expect("draft");
    f.advance(Duration::hours(1));
    let random = s
        .start_experiment(&marketing, "split", None)
        .await
        .expect("start");
    let by_campaign = s
        .start_experiment(&marketing, &by_campaign.key, None)
        .await
        .expect("start");
    for i in 0..40 {
        f.advance(Duration::minutes(30));
        let lead = s
            .capture_lead(&Actor::SYSTEM, &capture(i))
            .await
            .expect("capture");
        tracked.push(Tracked { lead, won_at: None });
    }
    // Through the web form and an import.
    let input = sarnakh_core::service::SubmissionInput {
        values: [
            ("first_name".to_owned(), "Web".to_owned()),
            ("email".to_owned(), "web@x.example".to_owned()),
        ]
        .into(),
        ..Default::default()
    };
    let web = s.submit_form(&form.key, &input).await.expect("submit");
    let web_lead = s
        .get_lead(&Actor::SYSTEM, web.lead_id.expect("a lead"))
        .await
        .expect("lead");
    tracked.push(Tracked {
        lead: web_lead,
        won_at: None,
    });
    let mapping = Mapping::from_toml("entity = \"leads\"\n[columns]\nFirst = \"first_name\"\nEmail = \"email\"\nCampaign = \"campaign\"\n").expect("mapping");
    let csv = "First,Email,Campaign\nImp1,imp1@x.example,spring\nImp2,imp2@x.example,autumn\n";
    let mut reader = ImportReader::new(csv.as_bytes(), ReaderOptions::default()).expect("header");
    let bound = mapping.bind(reader.header()).expect("bound");
    let source = ImportSource {
        file_name: "x.csv".into(),
        digest: "experiments".into(),
    };
    s.import(
        &Actor::SYSTEM,
        &mut reader,
        &bound,
        &source,
        10,
        &mut |_| {},
    )
    .await
    .expect("import");
    for email in ["imp1@x.example", "imp2@x.example"] {
        let id = f
            .store
            .find_lead_by_email(email)
            .await
            .expect("find")
            .expect("imported");
        tracked.push(Tracked {
            lead: f.store.get_lead(id).await.expect("read").expect("lead"),
            won_at: None,
        });
    }
    // Outcomes: a half qualifies, a quarter converts, an eighth wins.
    for (i, t) in tracked.iter_mut().enumerate() {
        f.advance(Duration::minutes(10));
        if i % 2 == 1 || t.lead.fields.company.is_none() {
            continue;
        }
        t.lead = s
            .qualify_lead(&Actor::SYSTEM, t.lead.id, &LifecycleInput::default())
            .await
            .expect("qualify");
        if i % 4 != 0 {
            continue;
        }
        let out = s
            .convert_lead(
                &Actor::SYSTEM,
                t.lead.id,
                &convert(vec![opportunity("D", "10")]),
            )
            .await
            .expect("convert");
        t.lead = out.lead;
        if i % 8 == 0 {
            let won = CloseDraft {
                outcome: Some("won".into()),
                ..CloseDraft::default()
            };
            let deal = s
                .close_opportunity(&Actor::SYSTEM, out.opportunities[0].id, &won)
                .await
                .expect("won");
            assert_eq!(deal.status, OpportunityStatus::Won);
            t.won_at = deal.closed_at;
        }
    }
    // Explicit assignment of the early lead (already a prospect: that does not count), and
    // a backfill that finds nothing new.
    let explicit = AssignInput {
        lead_ids: vec![early.id.to_string()],
        since_start: false,
    };
    let out = s
        .assign_to_experiment(&marketing, "split", &explicit)
        .await
        .expect("assign");
    assert_eq!((out.assigned, out.already), (1, 0));
    let again = s
        .assign_to_experiment(&marketing, "split", &explicit)
        .await
        .expect("again");
    assert_eq!((again.assigned, again.already), (0, 1));
    let fill = AssignInput {
        lead_ids: vec![],
        since_start: true,
    };
    assert_eq!(
        s.assign_to_experiment(&marketing, "split", &fill)
            .await
            .expect("fill")
            .assigned,
        0
    );
    let both = AssignInput {
        lead_ids: vec![early.id.to_string()],
        since_start: true,
    };
    assert!(matches!(
        s.assign_to_experiment(&marketing, "split", &both).await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        s.assign_to_experiment(&rep, "split", &fill).await,
        Err(Error::Forbidden(_))
    ));
    let early = s.get_lead(&Actor::SYSTEM, early.id).await.expect("early");
    let assigned_early = f.clock_now();
    let mut all = tracked;
    all.push(Tracked {
        lead: early,
        won_at: None,
    });
    for (x, explicit_at) in [(&random, Some(assigned_early)), (&by_campaign, None)] {
        for (actor, who) in [(&marketing, "marketing"), (&rep, "rep")] {
            let report = s
                .experiment_report(actor, &x.key, &ReportQuery::default())
                .await
                .expect("report");
            let expected = recount(x, &all, actor, form.id, explicit_at);
            for v in &report.variants {
                let (n, steps) = expected.get(&v.key).copied().unwrap_or((0, [0; 3]));
                let got = (v.exposed, [0, 1, 2].map(|s| v.rates[s].successes));
                assert_eq!(got, (n, steps), "{} variant {} as {who}", x.key, v.key);
            }
            let control = &report.variants[0];
            for v in &report.variants[1..] {
                for step in 0..3 {
                    let c = (control.rates[step].successes, control.exposed);
                    let x = (v.rates[step].successes, v.exposed);
                    let verdict = &v.versus_control[step].as_ref().expect("compared").verdict;
                    assert_eq!(*verdict, Verdict::judge(c, x, ALPHA));
                }
            }
        }
    }
    let idle = s
        .experiment_report(&marketing, &draft_only.key, &ReportQuery::default())
        .await
        .expect("idle");
    assert!(
        idle.variants.iter().all(|v| v.exposed == 0),
        "a draft assigns nobody"
    );
    let bad = ReportQuery {
        group_by: Some("source".into()),
        ..ReportQuery::default()
    };
    assert!(matches!(
        s.experiment_report(&marketing, "split", &bad).await,
        Err(Error::Validation(_))
    ));
}
