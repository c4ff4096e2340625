//! Conformance behaviours of the forecast: its figures per period and category equal a
//! plain recount over the deals the services returned (ungrouped, by owner, by quarter, for
//! a rep); forecast accuracy compares a snapshot with what closed; targets and the owner's
//! forecast call are checked and refused writes change nothing.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use chrono::{Duration, NaiveDate};
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::forecast::ForecastCategory;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::{Opportunity, OpportunityStatus, TokenScope, UserId};
use sarnakh_core::service::{
    Actor, CloseDraft, ForecastReport, ForecastRow, OpportunityPatch, RateInput, TargetInput,
};
use sarnakh_core::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Expected close dates, one per deal (none: undated).
const DATES: [Option<&str>; 12] = [
    Some("2026-04-02"),
    Some("2026-04-30"),
    Some("2026-05-01"),
    Some("2026-05-31"),
    Some("2026-06-15"),
    Some("2026-07-01"),
    Some("2026-09-30"),
    Some("2026-10-01"),
    Some("2026-02-20"),
    None,
    Some("2026-04-15"),
    Some("2027-01-15"),
];
const STAGES: [&str; 4] = ["qualify", "demo", "proposal", "negotiation"];

fn day(s: &str) -> NaiveDate {
    s.parse().expect("day")
}

/// RON to EUR at 0.2, rounded to the nearest cent (a fifth never ends in a half).
fn eur(code: &str, minor: i64) -> i64 {
    if code == "RON" {
        (minor + 2) / 5
    } else {
        minor
    }
}

/// Per category: deals, amount and weighted amount, converted the report's way (each
/// currency's sum converted once; weighted hundredths rounded half away, then converted).
#[derive(Debug, Default, PartialEq, Eq)]
struct Plain {
    deals: BTreeMap<ForecastCategory, u64>,
    amount: BTreeMap<ForecastCategory, i64>,
    weighted: BTreeMap<ForecastCategory, i64>,
}

fn plain(items: &[(ForecastCategory, &Opportunity, i64)]) -> Plain {
    let mut sums: BTreeMap<(ForecastCategory, String), (u64, i64, i64)> = BTreeMap::new();
    for (cat, o, probability) in items {
        let e = sums
            .entry((*cat, o.amount.currency().code().to_owned()))
            .or_default();
        e.0 += 1;
        e.1 += o.amount.minor();
        e.2 += o.amount.minor() * probability;
    }
    let mut p = Plain::default();
    for ((cat, code), (n, amount, centi)) in sums {
        *p.deals.entry(cat).or_default() += n;
        *p.amount.entry(cat).or_default() += eur(&code, amount);
        *p.weighted.entry(cat).or_default() += eur(&code, (centi + 50) / 100);
    }
    p
}

fn figures(r: &ForecastRow) -> Plain {
    let mut p = Plain::default();
    for (cat, f) in [
        (ForecastCategory::Closed, &r.closed),
        (ForecastCategory::Commit, &r.commit),
        (ForecastCategory::BestCase, &r.best_case),
        (ForecastCategory::Pipeline, &r.pipeline),
        (ForecastCategory::Omitted, &r.omitted),
    ] {
        assert!(f.amount.unconverted.is_empty(), "every currency has a rate");
        if f.deals > 0 {
            p.deals.insert(cat, f.deals);
            p.amount.insert(cat, f.amount.minor);
            p.weighted.insert(cat, f.weighted.minor);
        }
    }
    p
}

pub(crate) struct World {
    pub f: Fixture,
    pub rep: (Actor, sarnakh_core::domain::User),
    pub deals: Vec<Opportunity>,
}

/// Twelve deals of three owners in EUR and RON (rate 0.2), at every stage, with varied
/// expected close dates.
pub(crate) async fn world(store: Arc<dyn Store>) -> World {
    let f = Fixture::new(store).await;
    let sys = Actor::SYSTEM;
    let rate = RateInput {
        currency: Some("RON".into()),
        rate: Some("0.2".into()),
        effective_on: Some("2026-01-01".into()),
    };
    f.services
        .set_exchange_rates(&sys, None, &[rate])
        .await
        .expect("rate");
    let rep = signed_in(
        &f,
        "rep@forecast.example",
        "sales_rep",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let (_, other) = signed_in(
        &f,
        "other@forecast.example",
        "sales_rep",
        Some("South"),
        TokenScope::Read,
    )
    .await;
    let owners = [Some(rep.1.id), Some(other.id), None];
    let mut deals = Vec::new();
    for (i, date) in DATES.iter().enumerate() {
        let lead = qualified_lead(
            &format!("F{i}"),
            &format!("f{i}@forecast.example"),
            &format!("Forecast Co {i}"),
        );
        let lead = sarnakh_core::domain::lead::LeadDraft {
            owner_id: owners[i % 3],
            ..lead
        };
        let lead = f.services.capture_lead(&sys, &lead).await.expect("lead");
        f.services
            .qualify_lead(&sys, lead.id, &Default::default())
            .await
            .expect("qualify");
        let mut d = opportunity(&format!("Deal {i}"), &format!("{}.{}", 1000 + i * 113, i));
        d.currency = Some(["EUR", "RON"][i % 2].into());
        d.stage = Some(STAGES[i % 4].into());
        d.product = Some(["crm", "erp"][i / 2 % 2].into());
        d.expected_close_date = date.map(Into::into);
        let out = f
            .services
            .convert_lead(&sys, lead.id, &convert(vec![d]))
            .await
            .expect("convert");
        deals.extend(out.opportunities);
    }
    World { f, rep, deals }
}

/// Reads every deal back as stored.
pub(crate) async fn reread(w: &mut World) {
    for o in &mut w.deals {
        *o =
            w.f.services
                .get_opportunity(&Actor::SYSTEM, o.id)
                .await
                .expect("deal")
                .opportunity;
    }
}

/// The owner's calls, then some deals won and lost a month later.
async fn work(w: &mut World) {
    let s = &w.f.services;
    let sys = Actor::SYSTEM;
    for (i, cat) in [
        (1, "commit"),
        (2, "omitted"),
        (3, "pipeline"),
        (4, "best_case"),
    ] {
        let patch = OpportunityPatch {
            forecast_category: Some(Some(cat.into())),
            ..OpportunityPatch::default()
        };
        w.deals[i] = s
            .update_opportunity(&sys, w.deals[i].id, patch, None)
            .await
            .expect("forecast call");
    }
}

/// Three deals won and one lost, 30 hours apart.
pub(crate) async fn close_some(w: &mut World) {
    let s = &w.f.services;
    for (i, outcome) in [(0, "won"), (10, "won"), (5, "won"), (2, "lost")] {
        w.f.advance(Duration::hours(30));
        let draft = CloseDraft {
            outcome: Some(outcome.into()),
            reason: (outcome == "lost").then(|| "price".into()),
            ..CloseDraft::default()
        };
        w.deals[i] = s
            .close_opportunity(&Actor::SYSTEM, w.deals[i].id, &draft)
            .await
            .expect("close");
    }
}

async fn expected(
    w: &World,
    report: &ForecastReport,
    keep: &dyn Fn(&Opportunity) -> bool,
    group: &dyn Fn(&Opportunity) -> Option<String>,
) {
    let stages = w.f.services.list_stages().await.expect("stages");
    let stage = |k: &str| stages.iter().find(|s| s.key == k).expect("stage").clone();
    let today = w.f.clock.now().date_naive();
    let category = |o: &Opportunity| match o.status {
        OpportunityStatus::Won => ForecastCategory::Closed,
        OpportunityStatus::Lost => ForecastCategory::Omitted,
        OpportunityStatus::Open => o
            .forecast_category
            .unwrap_or(stage(&o.stage).forecast_category),
    };
    let weight = |o: &Opportunity| {
        if o.status == OpportunityStatus::Won {
            100
        } else {
            i64::from(stage(&o.stage).probability)
        }
    };
    for p in &report.periods {
        let inside = |o: &&Opportunity| {
            keep(o)
                && match o.status {
                    OpportunityStatus::Won => {
                        p.span.holds(o.closed_at.expect("closed").date_naive())
                    }
                    OpportunityStatus::Open => {
                        o.expected_close_date.is_some_and(|d| p.span.holds(d))
                    }
                    OpportunityStatus::Lost => false,
                }
        };
        let items: Vec<_> = w
            .deals
            .iter()
            .filter(inside)
            .map(|o| (category(o), o, weight(o)))
            .collect();
        assert_eq!(figures(&p.total), plain(&items), "period {:?}", p.span);
        let want = figures(&p.total);
        let weighted = want
            .amount
            .get(&ForecastCategory::Closed)
            .copied()
            .unwrap_or(0)
            + [
                ForecastCategory::Commit,
                ForecastCategory::BestCase,
                ForecastCategory::Pipeline,
            ]
            .iter()
            .map(|c| want.weighted.get(c).copied().unwrap_or(0))
            .sum::<i64>();
        assert_eq!(p.total.forecast_weighted.minor, weighted);
        let commit = want
            .amount
            .get(&ForecastCategory::Closed)
            .copied()
            .unwrap_or(0)
            + want
                .amount
                .get(&ForecastCategory::Commit)
                .copied()
                .unwrap_or(0);
        assert_eq!(p.total.forecast_commit.minor, commit);
        let mut groups: BTreeMap<Option<String>, Vec<_>> = BTreeMap::new();
        for it in &items {
            groups.entry(group(it.1)).or_default().push(*it);
        }
        if !p.rows.is_empty() || !groups.is_empty() && report.group_by.is_some() {
            let got: BTreeMap<Option<String>, Plain> = p
                .rows
                .iter()
                .map(|r| (r.group.clone(), figures(r)))
                .collect();
            let want: BTreeMap<Option<String>, Plain> =
                groups.into_iter().map(|(g, v)| (g, plain(&v))).collect();
            assert_eq!(got, want, "groups of {:?}", p.span);
        }
    }
    let open = |o: &&Opportunity| keep(o) && o.status == OpportunityStatus::Open;
    let overdue: Vec<_> = w
        .deals
        .iter()
        .filter(|o| open(o) && o.expected_close_date.is_some_and(|d| d < today))
        .map(|o| (category(o), o, weight(o)))
        .collect();
    assert_eq!(figures(&report.overdue), plain(&overdue), "overdue");
    let undated: Vec<_> = w
        .deals
        .iter()
        .filter(|o| open(o) && o.expected_close_date.is_none())
        .map(|o| (category(o), o, weight(o)))
        .collect();
    assert_eq!(figures(&report.undated), plain(&undated), "undated");
}

/// The forecast per month and quarter, whole and by owner, for the system, for a rep and for
/// one product, equals a plain recount.
pub async fn forecast_report_matches_a_plain_recount(store: Arc<dyn Store>) {
    let mut w = world(store).await;
    work(&mut w).await;
    w.f.advance(Duration::days(35));
    close_some(&mut w).await;
    reread(&mut w).await;
    let s = &w.f.services;
    let all = |_: &Opportunity| true;
    let owner = |o: &Opportunity| o.owner_id.map(|u| u.to_string());
    let none = |_: &Opportunity| None;
    let r = s
        .forecast_report(&Actor::SYSTEM, &ReportQuery::default())
        .await
        .expect("forecast");
    assert_eq!(r.periods.len(), 6);
    assert_eq!(r.periods[0].span.first_day, day("2026-04-01"));
    assert!(
        r.periods.iter().any(|p| p.total.closed.deals > 0),
        "won deals count"
    );
    assert!(r.overdue.pipeline.deals + r.overdue.best_case.deals + r.overdue.commit.deals > 0);
    expected(&w, &r, &all, &none).await;
    let q = ReportQuery {
        interval: Some("quarter".into()),
        from: Some("2026-01-15".into()),
        to: Some("2027-03-01".into()),
        group_by: Some("owner".into()),
        ..ReportQuery::default()
    };
    let r = s
        .forecast_report(&Actor::SYSTEM, &q)
        .await
        .expect("quarters");
    assert_eq!(r.periods.len(), 5);
    assert_eq!(r.periods[0].span.first_day, day("2026-01-01"));
    expected(&w, &r, &all, &owner).await;
    let rep_id = w.rep.1.id;
    let mine = move |o: &Opportunity| o.owner_id.is_none_or(|u| u == rep_id);
    let r = s
        .forecast_report(&w.rep.0, &ReportQuery::default())
        .await
        .expect("rep's forecast");
    expected(&w, &r, &mine, &none).await;
    // A filter the kept sums do not hold (the product) reads the deals.
    let crm = ReportQuery {
        product: Some("crm".into()),
        ..ReportQuery::default()
    };
    let r = s
        .forecast_report(&Actor::SYSTEM, &crm)
        .await
        .expect("product's forecast");
    let of_crm = |o: &Opportunity| o.product.as_deref() == Some("crm");
    expected(&w, &r, &of_crm, &none).await;
    for bad in [
        ReportQuery {
            interval: Some("week".into()),
            ..ReportQuery::default()
        },
        ReportQuery {
            from: Some("2026-01-01".into()),
            to: Some("2029-12-31".into()),
            ..ReportQuery::default()
        },
        ReportQuery {
            group_by: Some("stage".into()),
            ..ReportQuery::default()
        },
    ] {
        assert!(
            matches!(
                s.forecast_report(&Actor::SYSTEM, &bad).await,
                Err(Error::Validation(_))
            ),
            "{bad:?}"
        );
    }
}

/// A snapshot keeps what the pipeline promised; accuracy compares it with what was won in
/// each later period, per owner, and a rep's accuracy counts only his and unowned deals.
pub async fn forecast_accuracy_compares_the_snapshot_with_what_closed(store: Arc<dyn Store>) {
    let mut w = world(store).await;
    work(&mut w).await;
    let s = &w.f.services;
    assert!(matches!(
        s.take_forecast_snapshot(&w.rep.0).await,
        Err(Error::Forbidden(_))
    ));
    let snap = s
        .take_forecast_snapshot(&Actor::SYSTEM)
        .await
        .expect("snapshot");
    let again = s
        .take_forecast_snapshot(&Actor::SYSTEM)
        .await
        .expect("same day");
    assert_eq!(
        s.forecast_snapshots().await.expect("list"),
        vec![again.clone()]
    );
    assert_eq!(snap.horizon_from, day("2026-01-01"));
    let at_snapshot = w.deals.clone();
    let in_horizon = at_snapshot
        .iter()
        .filter(|o| {
            o.expected_close_date
                .is_some_and(|d| d >= snap.horizon_from && d <= snap.horizon_to)
        })
        .count() as u64;
    assert_eq!(again.deals, in_horizon);
    w.f.advance(Duration::days(35));
    close_some(&mut w).await;
    reread(&mut w).await;
    let s = &w.f.services;
    let stages = w.f.services.list_stages().await.expect("stages");
    let stage_cat = |k: &str| {
        stages
            .iter()
            .find(|s| s.key == k)
            .expect("stage")
            .forecast_category
    };
    let q = ReportQuery {
        from: Some("2026-04-01".into()),
        to: Some("2026-05-31".into()),
        group_by: Some("owner".into()),
        ..ReportQuery::default()
    };
    for (actor, keep) in [(Actor::SYSTEM, None), (w.rep.0.clone(), Some(w.rep.1.id))] {
        let visible =
            |o: &Opportunity| keep.is_none_or(|me: UserId| o.owner_id.is_none_or(|u| u == me));
        let r = s
            .forecast_accuracy_report(&actor, &q)
            .await
            .expect("accuracy");
        assert_eq!(r.periods.len(), 2);
        for p in &r.periods {
            assert_eq!(p.snapshot.as_ref().map(|x| x.id), Some(again.id));
            // Committed in the snapshot: all together (key None) and per owner.
            let mut commit: BTreeMap<Option<Option<String>>, BTreeMap<String, i64>> =
                BTreeMap::new();
            for o in at_snapshot.iter().filter(|o| visible(o)) {
                let cat = o.forecast_category.unwrap_or(stage_cat(&o.stage));
                if o.expected_close_date.is_some_and(|d| p.span.holds(d))
                    && cat == ForecastCategory::Commit
                {
                    let owner = Some(o.owner_id.map(|u| u.to_string()));
                    for key in [None, owner] {
                        *commit
                            .entry(key)
                            .or_default()
                            .entry(o.amount.currency().code().into())
                            .or_default() += o.amount.minor();
                    }
                }
            }
            let converted =
                |m: &BTreeMap<String, i64>| m.iter().map(|(c, v)| eur(c, *v)).sum::<i64>();
            let total_commit = commit.get(&None).map_or(0, converted);
            assert_eq!(
                p.total.forecast_commit.minor, total_commit,
                "commit of {:?}",
                p.span
            );
            for row in &p.rows {
                let want = commit.get(&Some(row.group.clone())).map_or(0, converted);
                assert_eq!(
                    row.forecast_commit.minor, want,
                    "commit of {:?} in {:?}",
                    row.group, p.span
                );
            }
            let mut won: BTreeMap<String, i64> = BTreeMap::new();
            let mut won_deals = 0;
            for o in w
                .deals
                .iter()
                .filter(|o| visible(o) && o.status == OpportunityStatus::Won)
            {
                if p.span.holds(o.closed_at.expect("closed").date_naive()) {
                    *won.entry(o.amount.currency().code().into()).or_default() += o.amount.minor();
                    won_deals += 1;
                }
            }
            let actual: i64 = won.iter().map(|(c, v)| eur(c, *v)).sum();
            assert_eq!(
                p.total.actual.minor, actual,
                "won in {:?} for {keep:?}",
                p.span
            );
            assert_eq!(p.total.won_deals, won_deals);
            let by_owner: i64 = p.rows.iter().map(|r| r.actual.minor).sum();
            assert_eq!(by_owner, actual, "owner rows add up");
            if total_commit > 0 {
                let ratio = p.total.attainment.expect("attainment");
                assert!((ratio - actual as f64 / total_commit as f64).abs() < 1e-12);
            }
        }
        assert!(
            r.periods.iter().any(|p| p.total.actual.minor > 0),
            "something was won"
        );
    }
    let before = ReportQuery {
        from: Some("2026-02-01".into()),
        to: Some("2026-02-28".into()),
        ..ReportQuery::default()
    };
    let r = s
        .forecast_accuracy_report(&Actor::SYSTEM, &before)
        .await
        .expect("accuracy");
    assert!(
        r.periods[0].snapshot.is_none(),
        "no snapshot was taken by 1 February"
    );
}

/// Targets: checked, scoped by role, shown in the forecast; the owner's forecast call is
/// checked; refused writes change nothing.
pub async fn forecast_targets_and_calls_are_checked(store: Arc<dyn Store>) {
    let w = world(store).await;
    let s = &w.f.services;
    let sys = Actor::SYSTEM;
    let (manager, _) = signed_in(
        &w.f,
        "boss@forecast.example",
        "sales_manager",
        Some("North"),
        TokenScope::Write,
    )
    .await;
    let target = |starts_on: &str, owner: Option<UserId>| TargetInput {
        interval: Some("month".into()),
        starts_on: Some(starts_on.into()),
        owner_id: owner.map(|u| u.to_string()),
        amount: Some("5000".into()),
        currency: Some("EUR".into()),
        ..TargetInput::default()
    };
    s.set_forecast_target(&sys, &target("2026-04-01", None))
        .await
        .expect("company target");
    assert!(matches!(
        s.set_forecast_target(&manager, &target("2026-04-01", None))
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        s.set_forecast_target(&w.rep.0, &target("2026-04-01", Some(w.rep.1.id)))
            .await,
        Err(Error::Forbidden(_))
    ));
    s.set_forecast_target(&manager, &target("2026-04-01", Some(w.rep.1.id)))
        .await
        .expect("team member's target");
    let bad = TargetInput {
        starts_on: Some("2026-04-02".into()),
        amount: Some("-3".into()),
        ..target("x", None)
    };
    match s.set_forecast_target(&sys, &bad).await {
        Err(Error::Validation(v)) => {
            let fields: Vec<&str> = v.iter().map(|e| e.field.as_str()).collect();
            assert!(
                fields.contains(&"starts_on") && fields.contains(&"amount"),
                "{fields:?}"
            );
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(s.forecast_targets(&sys).await.expect("targets").len(), 2);
    let q = ReportQuery {
        from: Some("2026-04-01".into()),
        to: Some("2026-05-31".into()),
        ..ReportQuery::default()
    };
    let r = s.forecast_report(&sys, &q).await.expect("forecast");
    assert_eq!(
        r.periods[0].total.target.as_ref().map(|t| t.minor),
        Some(500_000)
    );
    assert_eq!(r.periods[1].total.target, None);
    let mine = ReportQuery {
        owner: Some(w.rep.1.id.to_string()),
        ..q.clone()
    };
    let r = s
        .forecast_report(&sys, &mine)
        .await
        .expect("owner's forecast");
    assert_eq!(
        r.periods[0].total.target.as_ref().map(|t| t.minor),
        Some(500_000)
    );
    // The owner's call: closed cannot be set, a stale version is refused, nothing changes.
    let deal = w.deals[0].clone();
    let call = |c: &str| OpportunityPatch {
        forecast_category: Some(Some(c.into())),
        ..OpportunityPatch::default()
    };
    assert!(matches!(
        s.update_opportunity(&sys, deal.id, call("closed"), None)
            .await,
        Err(Error::Validation(_))
    ));
    assert!(
        s.update_opportunity(&sys, deal.id, call("commit"), Some(deal.version + 5))
            .await
            .is_err()
    );
    let bad_amount = OpportunityPatch {
        amount: Some("-1".into()),
        forecast_category: Some(Some("commit".into())),
        ..OpportunityPatch::default()
    };
    assert!(matches!(
        s.update_opportunity(&sys, deal.id, bad_amount, None).await,
        Err(Error::Validation(_))
    ));
    let now = s
        .get_opportunity(&sys, deal.id)
        .await
        .expect("deal")
        .opportunity;
    assert_eq!(now, deal, "refused edits wrote nothing");
    let changed = s
        .update_opportunity(
            &sys,
            deal.id,
            OpportunityPatch {
                expected_close_date: Some(Some("2026-08-31".into())),
                ..call("commit")
            },
            Some(deal.version),
        )
        .await
        .expect("edit");
    assert_eq!(changed.forecast_category, Some(ForecastCategory::Commit));
    assert_eq!(changed.version, deal.version + 1);
    let history = s.get_opportunity(&sys, deal.id).await.expect("deal");
    assert_eq!(history.opportunity, changed);
    let cleared = s
        .update_opportunity(
            &sys,
            deal.id,
            OpportunityPatch {
                forecast_category: Some(None),
                ..OpportunityPatch::default()
            },
            None,
        )
        .await
        .expect("back to the stage's");
    assert_eq!(cleared.forecast_category, None);
}
