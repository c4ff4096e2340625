//! Conformance behaviours of anonymous visitors and the predictive win model: a visitor's
//! events wait until the visitor becomes a lead; the model learns from the closed history
//! each store returns, is stored and read back whole, and explains its probabilities.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use chrono::Duration;
use sarnakh_core::Error;
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::domain::{Lead, OpportunityId, TokenScope};
use sarnakh_core::service::{Actor, CloseDraft, LifecycleInput, Method};
use sarnakh_core::store::Store;
use std::sync::Arc;

fn visit(id: &str, kind: &str, visitor: &str) -> EventDraft {
    EventDraft {
        id: Some(id.into()),
        kind: Some(kind.into()),
        visitor_id: Some(visitor.into()),
        url: Some("https://sarnakh.example/pricing".into()),
        ..EventDraft::default()
    }
}

/// Events sent with only a visitor id wait; the lead captured with that visitor id gets
/// them (and their points), and later events of the visitor go straight to the lead.
pub async fn visitor_events_join_the_lead_the_visitor_becomes(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let batch = [
        visit("v1", "page_view", "cookie-42"),
        visit("v2", "demo_requested", "cookie-42"),
        visit("v3", "page_view", "cookie-other"),
        EventDraft {
            id: Some("v4".into()),
            kind: Some("page_view".into()),
            ..EventDraft::default()
        },
    ];
    let report = f
        .services
        .ingest_events(&f.actor(), &batch)
        .await
        .expect("ingest");
    assert_eq!((report.accepted, report.duplicates), (3, 0));
    assert_eq!(
        report
            .rejected
            .iter()
            .map(|r| (r.index, r.errors[0].code))
            .collect::<Vec<_>>(),
        [(3, "required")],
        "an event naming no lead, email or visitor is refused"
    );
    let again = f
        .services
        .ingest_events(&f.actor(), &batch[..2])
        .await
        .expect("resend");
    assert_eq!((again.accepted, again.duplicates), (0, 2));
    let mixed = f
        .services
        .ingest_events(
            &f.actor(),
            &[
                visit("v1", "page_view", "cookie-42"),
                visit("w1", "page_view", "cookie-other"),
                visit("w1", "content_download", "cookie-other"),
                visit("w2", "email_clicked", "cookie-third"),
            ],
        )
        .await
        .expect("known, new and repeated");
    assert_eq!(
        (mixed.accepted, mixed.duplicates),
        (2, 2),
        "a known id and an id repeated in the batch are duplicates"
    );

    let plain = f
        .services
        .capture_lead(&f.actor(), &lead("Plain", "plain@firma.ro"))
        .await
        .expect("capture without visitor");
    let draft = LeadDraft {
        visitor_id: Some(" cookie-42 ".into()),
        ..lead("Visitor", "visitor@firma.ro")
    };
    let became = f
        .services
        .capture_lead(&f.actor(), &draft)
        .await
        .expect("capture with visitor");
    let events = f.store.events_of(became.id).await.expect("events");
    assert_eq!(
        events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["v1", "v2"],
        "only this visitor's events moved"
    );
    assert_eq!(
        became.score,
        plain.score + 10 + 25,
        "the pricing visit and the demo request count: {:?}",
        became.score_lines
    );
    let stored = f
        .services
        .get_lead(&Actor::SYSTEM, became.id)
        .await
        .expect("read");
    assert_eq!(stored.score, became.score, "the new score is stored");
    assert_eq!(
        f.store
            .visitor_leads(&["cookie-42".into(), "cookie-none".into()])
            .await
            .expect("link")
            .into_iter()
            .collect::<Vec<_>>(),
        [("cookie-42".to_owned(), became.id)],
        "linked visitors only"
    );

    let later = f
        .services
        .ingest_events(&f.actor(), &[visit("v5", "content_download", "cookie-42")])
        .await
        .expect("later event");
    assert_eq!(later.accepted, 1);
    assert_eq!(f.store.events_of(became.id).await.expect("events").len(), 3);
    let resent = f
        .services
        .ingest_events(&f.actor(), &[visit("v1", "page_view", "cookie-42")])
        .await
        .expect("resend after linking");
    assert_eq!(
        (resent.accepted, resent.duplicates),
        (0, 1),
        "an event moved to the lead is still recorded once"
    );
    let too_long = f
        .services
        .capture_lead(
            &f.actor(),
            &LeadDraft {
                visitor_id: Some("x".repeat(101)),
                ..lead("Long", "long@firma.ro")
            },
        )
        .await;
    assert!(
        matches!(too_long, Err(Error::Validation(ref e)) if e[0].field == "visitor_id"),
        "{too_long:?}"
    );
}

/// How a closed record of the generated history ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Won,
    LostDeal,
    Disqualified,
}

/// The outcome of record `i` by its source: referrals mostly win, cold calls mostly lose.
fn outcome(source: &str, i: usize) -> End {
    let win = match source {
        "referral" => !i.is_multiple_of(5),
        "webinar" => !i.is_multiple_of(3),
        _ => i.is_multiple_of(7),
    };
    match (win, i % 3) {
        (true, _) => End::Won,
        (false, 0) => End::LostDeal,
        (false, _) => End::Disqualified,
    }
}

const SOURCES: [&str; 4] = ["referral", "webinar", "cold_outreach", "web_form"];

async fn open_lead(f: &Fixture, name: &str, source: &str) -> Lead {
    let draft = LeadDraft {
        source: Some(source.into()),
        ..qualified_lead(name, &format!("{name}@open.example"), "Open Co")
    };
    f.services
        .capture_lead(&f.actor(), &draft)
        .await
        .expect("capture open lead")
}

/// Plays one record of the history through the lifecycle; returns whether it was won.
async fn close_one(f: &Fixture, i: usize) -> bool {
    let source = SOURCES[i % SOURCES.len()];
    let draft = LeadDraft {
        source: Some(source.into()),
        ..qualified_lead(
            &format!("H{i}"),
            &format!("h{i}@history.example"),
            &format!("History {i}"),
        )
    };
    let l = f
        .services
        .capture_lead(&f.actor(), &draft)
        .await
        .expect("capture");
    f.advance(Duration::hours(20));
    let end = outcome(source, i);
    if end == End::Disqualified {
        let input = LifecycleInput {
            reason: Some("no_budget".into()),
            ..LifecycleInput::default()
        };
        f.services
            .disqualify_lead(&f.actor(), l.id, &input)
            .await
            .expect("disqualify");
        return false;
    }
    f.services
        .qualify_lead(&f.actor(), l.id, &LifecycleInput::default())
        .await
        .expect("qualify");
    let out = f
        .services
        .convert_lead(
            &f.actor(),
            l.id,
            &convert(vec![opportunity(&format!("Deal {i}"), "1000")]),
        )
        .await
        .expect("convert");
    let close = if end == End::Won {
        CloseDraft {
            outcome: Some("won".into()),
            ..CloseDraft::default()
        }
    } else {
        CloseDraft {
            outcome: Some("lost".into()),
            reason: Some("competitor".into()),
            ..CloseDraft::default()
        }
    };
    f.services
        .close_opportunity(&f.actor(), out.opportunities[0].id, &close)
        .await
        .expect("close");
    end == End::Won
}

/// Without enough history there is no model (leads: no figure, deals: the stage
/// probability); with it, a manager's training stores a model that every read returns
/// whole, and its probabilities follow the signal in the history, with reasons.
pub async fn win_model_learns_from_each_stores_closed_history(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut won = 0;
    for i in 0..20 {
        won += usize::from(close_one(&f, i).await);
    }
    let early = f.services.train_win_model(&f.actor()).await;
    assert!(
        matches!(early, Err(Error::InsufficientHistory(ref why)) if why.starts_with("20 closed")),
        "{early:?}"
    );
    let hot = open_lead(&f, "hot", "referral").await;
    let none = f
        .services
        .lead_prediction(&Actor::SYSTEM, hot.id)
        .await
        .expect("predict without model");
    assert_eq!((none.method, none.probability), (Method::None, None));
    let to_convert = open_lead(&f, "deal", "webinar").await;
    f.services
        .qualify_lead(&f.actor(), to_convert.id, &LifecycleInput::default())
        .await
        .expect("qualify the open deal's lead");
    let deal = f
        .services
        .convert_lead(
            &f.actor(),
            to_convert.id,
            &convert(vec![opportunity("Open deal", "500")]),
        )
        .await;
    let deal: OpportunityId = match deal {
        Ok(out) => out.opportunities[0].id,
        Err(e) => panic!("convert the open deal: {e:?}"),
    };
    let stage = f
        .services
        .opportunity_prediction(&Actor::SYSTEM, deal)
        .await
        .expect("deal without model");
    let stages = f.store.list_stages().await.expect("stages");
    let first = stages.first().expect("a stage");
    assert_eq!(
        (stage.method, stage.probability),
        (Method::Stage, Some(f64::from(first.probability) / 100.0))
    );

    for i in 20..120 {
        won += usize::from(close_one(&f, i).await);
    }
    let history = f.store.closed_history(1000).await.expect("history");
    assert_eq!(history.len(), 120);
    assert_eq!(history.iter().filter(|r| r.won).count(), won);
    assert!(
        history
            .iter()
            .filter(|r| r.won)
            .all(|r| r.facts.stage.as_deref() == Some(first.key.as_str())),
        "a won deal is described by the stage it was closed from, not by `won`"
    );

    let (rep, _) = signed_in(&f, "rep@win.example", "sales_rep", None, TokenScope::Write).await;
    let refused = f.services.train_win_model(&rep).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let (manager, _) = signed_in(
        &f,
        "manager@win.example",
        "sales_manager",
        None,
        TokenScope::Write,
    )
    .await;
    let model = f.services.train_win_model(&manager).await.expect("train");
    assert_eq!((model.version, model.examples, model.won), (1, 120, won));
    assert_eq!(
        f.store.current_win_model().await.expect("read model"),
        Some(model.clone()),
        "the stored model reads back whole"
    );
    assert!(
        model.naive_bayes.auc > 0.6 && model.logistic.auc > 0.6,
        "the source signal is found on held-out data: {} / {}",
        model.naive_bayes.auc,
        model.logistic.auc
    );
    let cold = open_lead(&f, "cold", "cold_outreach").await;
    let p_hot = f
        .services
        .lead_prediction(&Actor::SYSTEM, hot.id)
        .await
        .expect("hot");
    let p_cold = f
        .services
        .lead_prediction(&Actor::SYSTEM, cold.id)
        .await
        .expect("cold");
    assert_eq!(
        (p_hot.method, p_hot.model_version),
        (Method::Model, Some(1))
    );
    let (h, c) = (
        p_hot.probability.expect("a figure"),
        p_cold.probability.expect("a figure"),
    );
    assert!(h > c, "referral {h} above cold call {c}");
    assert!(
        p_hot
            .reasons
            .iter()
            .any(|r| r.feature == "source" && r.points > 0),
        "{:?}",
        p_hot.reasons
    );
    let again = f.services.train_win_model(&f.actor()).await.expect("again");
    assert_eq!(again.version, 2);
    predictions_weight_the_pipeline(&f).await;
}

/// Every open deal's prediction is stored and weights the pipeline exactly as the single
/// predictions say (amount x basis points / 100, truncated per deal, rounded per cell).
async fn predictions_weight_the_pipeline(f: &Fixture) {
    let s = &f.services;
    let sys = Actor::SYSTEM;
    for (i, source) in ["referral", "cold_outreach"].iter().enumerate() {
        let draft = LeadDraft {
            source: Some((*source).into()),
            ..qualified_lead(
                &format!("Open{i}"),
                &format!("open{i}@win.example"),
                &format!("Open Co {i}"),
            )
        };
        let lead = s.capture_lead(&sys, &draft).await.expect("lead");
        s.qualify_lead(&sys, lead.id, &LifecycleInput::default())
            .await
            .expect("qualify");
        let deals = vec![
            opportunity(&format!("Open deal {i}"), "1234.57"),
            opportunity(&format!("Open deal {i}b"), "99.99"),
        ];
        s.convert_lead(&sys, lead.id, &convert(deals))
            .await
            .expect("convert");
    }
    let rep = signed_in(
        f,
        "rep@predict.example",
        "sales_rep",
        None,
        TokenScope::Write,
    )
    .await;
    assert!(matches!(
        s.predict_open_deals(&rep.0).await,
        Err(Error::Forbidden(_))
    ));
    let n = s.predict_open_deals(&sys).await.expect("predict");
    let page = s
        .list_opportunities(
            &sys,
            &sarnakh_core::store::OpportunityFilter {
                status: Some(sarnakh_core::domain::OpportunityStatus::Open),
                ..Default::default()
            },
            &sarnakh_core::domain::PageRequest::new(Some(200), None),
        )
        .await
        .expect("open deals");
    assert_eq!(n, page.items.len());
    assert!(n >= 4);
    let mut want: std::collections::BTreeMap<String, (u64, i64)> = Default::default();
    for o in &page.items {
        let p = s
            .opportunity_prediction(&sys, o.id)
            .await
            .expect("prediction");
        let bp = i64::from(sarnakh_core::service::basis_points(
            p.probability.expect("a model"),
        ));
        let e = want.entry(o.stage.clone()).or_default();
        e.0 += 1;
        e.1 += o.amount.minor() * bp / 100;
    }
    let report = s
        .pipeline_report(&sys, &sarnakh_core::domain::report::ReportQuery::default())
        .await
        .expect("pipeline");
    let mut got: std::collections::BTreeMap<String, (u64, i64)> = Default::default();
    for c in &report.cells {
        let e = got.entry(c.stage.clone()).or_default();
        e.0 += c.predicted;
        e.1 += c.predicted_centi_minor;
    }
    assert_eq!(got, want);
    assert_ne!(
        report.converted_predicted, report.converted_weighted,
        "the model's figures differ from the stages'"
    );
}
