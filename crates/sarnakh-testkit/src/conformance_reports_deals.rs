//! Conformance behaviours of the deal reports (pipeline, win/loss): each figure of a
//! dataset built through the services is recomputed with plain loops over the deals the
//! services returned, ungrouped, grouped, filtered, and for a rep.

use crate::Fixture;
use crate::conformance_reports::{days, lead_group, plain_median, tally, within};
use crate::report_data::{Data, Rec, build};
use chrono::Duration;
use sarnakh_core::domain::report::{GroupBy, Period, ReportQuery};
use sarnakh_core::domain::report_figures::{PipelineCell, StageTotal};
use sarnakh_core::domain::{Opportunity, OpportunityStatus, UserId};
use sarnakh_core::service::{Actor, WinLossAmount, WinLossRow};
use sarnakh_core::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

const GROUPS: [Option<GroupBy>; 4] = [
    None,
    Some(GroupBy::Owner),
    Some(GroupBy::Product),
    Some(GroupBy::Source),
];

fn deal_group(r: &Rec, o: &Opportunity, g: Option<GroupBy>) -> Option<String> {
    match g? {
        GroupBy::Owner => o.owner_id.map(|u| u.to_string()),
        GroupBy::Product => o.product.clone(),
        other => lead_group(&r.lead, Some(other)),
    }
}

/// The deals a filter keeps: (lead, deal) pairs.
fn deals<'a>(
    d: &'a Data,
    keep: &dyn Fn(&Rec, &Opportunity) -> bool,
) -> Vec<(&'a Rec, &'a Opportunity)> {
    d.recs
        .iter()
        .flat_map(|r| r.deals.iter().map(move |o| (r, o)))
        .filter(|(r, o)| keep(r, o))
        .collect()
}

async fn check_pipeline(
    f: &Fixture,
    actor: &Actor,
    d: &Data,
    q: &ReportQuery,
    keep: &dyn Fn(&Rec, &Opportunity) -> bool,
) {
    let stages = f.services.list_stages().await.expect("stages");
    let probability = |key: &str| {
        i64::from(
            stages
                .iter()
                .find(|s| s.key == key)
                .expect("stage")
                .probability,
        )
    };
    for g in GROUPS {
        for stuck_days in [1_i64, 14, 40] {
            let q = ReportQuery {
                group_by: g.map(|g| g.as_str().into()),
                stuck_days: Some(stuck_days.to_string()),
                ..q.clone()
            };
            let report = f
                .services
                .pipeline_report(actor, &q)
                .await
                .expect("pipeline");
            let now = report.as_of;
            let stuck_since = now - Duration::days(stuck_days);
            let mut want: BTreeMap<(String, Option<String>, String), PipelineCell> =
                BTreeMap::new();
            for (r, o) in deals(d, keep)
                .into_iter()
                .filter(|(_, o)| o.status == OpportunityStatus::Open)
            {
                let (stage, group, currency) = (
                    o.stage.clone(),
                    deal_group(r, o, g),
                    o.amount.currency().code().to_owned(),
                );
                let c = want
                    .entry((stage.clone(), group.clone(), currency.clone()))
                    .or_insert_with(|| PipelineCell {
                        stage,
                        group,
                        currency,
                        ..PipelineCell::default()
                    });
                c.count += 1;
                c.amount_minor += o.amount.minor();
                c.weighted_centi_minor += o.amount.minor() * probability(&o.stage);
                // No win model in this dataset: the stage probability stands in.
                c.predicted_centi_minor += o.amount.minor() * probability(&o.stage) * 100 / 100;
                let age = (now - o.created_at).num_days();
                let bucket = if o.created_at >= now - Duration::days(30) {
                    0
                } else if o.created_at >= now - Duration::days(60) {
                    1
                } else if o.created_at >= now - Duration::days(90) {
                    2
                } else {
                    3
                };
                assert!(age >= 0);
                c.ages[bucket] += 1;
                let touched = d
                    .touches
                    .get(&o.id)
                    .is_some_and(|t| t.iter().any(|at| *at >= stuck_since));
                c.stuck += u64::from(o.updated_at < stuck_since && !touched);
            }
            let position = |key: &str| stages.iter().find(|s| s.key == key).map(|s| s.position);
            let mut want: Vec<PipelineCell> = want.into_values().collect();
            want.sort_by(|a, b| {
                (position(&a.stage), &a.group, &a.currency).cmp(&(
                    position(&b.stage),
                    &b.group,
                    &b.currency,
                ))
            });
            assert_eq!(
                report.cells, want,
                "pipeline grouped by {g:?}, stuck after {stuck_days} days"
            );
            if g.is_none() {
                // The stage counts are the recount's per open stage, in board order.
                let counts = f
                    .services
                    .pipeline_stage_counts(actor, &q)
                    .await
                    .expect("stage counts");
                let mut open: Vec<_> = stages
                    .iter()
                    .filter(|s| s.kind == sarnakh_core::domain::StageKind::Open)
                    .collect();
                open.sort_by_key(|s| s.position);
                let expected: Vec<(String, u64, u64)> = open
                    .iter()
                    .map(|s| {
                        let of = want.iter().filter(|c| c.stage == s.key);
                        let (n, stuck) = of.fold((0, 0), |(n, st), c| (n + c.count, st + c.stuck));
                        (s.key.clone(), n, stuck)
                    })
                    .collect();
                let got: Vec<(String, u64, u64)> = counts
                    .iter()
                    .map(|(s, c)| {
                        assert_eq!(s.key, c.stage);
                        (s.key.clone(), c.count, c.stuck)
                    })
                    .collect();
                assert_eq!(got, expected, "stage counts, stuck after {stuck_days} days");
                assert!(got.iter().any(|c| c.1 > 0));
                // The board's totals are the recount's sums per open stage and currency.
                let totals = f
                    .services
                    .pipeline_totals(actor, &q)
                    .await
                    .expect("stage totals");
                let expected: Vec<(String, Vec<StageTotal>)> = open
                    .iter()
                    .map(|s| {
                        let of = want.iter().filter(|c| c.stage == s.key);
                        let sums = of.map(|c| StageTotal {
                            stage: c.stage.clone(),
                            currency: c.currency.clone(),
                            count: c.count,
                            amount_minor: c.amount_minor,
                            weighted_centi_minor: c.weighted_centi_minor,
                        });
                        (s.key.clone(), sums.collect())
                    })
                    .collect();
                let got: Vec<(String, Vec<StageTotal>)> = open
                    .iter()
                    .map(|s| {
                        let of = totals.iter().filter(|t| t.stage == s.key).cloned();
                        (s.key.clone(), of.collect())
                    })
                    .collect();
                assert_eq!(
                    got.iter().map(|(_, sums)| sums.len()).sum::<usize>(),
                    totals.len()
                );
                assert_eq!(got, expected, "stage totals");
                let weighted = |t: &StageTotal| t.count > 0 && t.weighted_centi_minor > 0;
                assert!(got.iter().flat_map(|(_, sums)| sums).any(weighted));
            }
            assert!(report.cells.iter().any(|c| c.stuck > 0) || stuck_days == 40);
            // The late deal (web form) is the young one.
            let young = report.cells.iter().any(|c| c.ages[0] > 0);
            assert!(young || q.source.is_some(), "ages");
            assert!(report.cells.iter().any(|c| c.ages[1] > 0), "ages");
        }
    }
}

fn plain_rank(sorted: &[i64], p: usize) -> i64 {
    let k = (p * sorted.len()).div_ceil(100).max(1);
    sorted[k - 1]
}

fn win_loss_row(group: Option<String>, closed: &[&Opportunity]) -> WinLossRow {
    let won: Vec<&&Opportunity> = closed
        .iter()
        .filter(|o| o.status == OpportunityStatus::Won)
        .collect();
    let lost = closed.len() - won.len();
    let mut by: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for o in &won {
        let e = by.entry(o.amount.currency().code().to_owned()).or_default();
        e.0 += 1;
        e.1 += o.amount.minor();
    }
    let amounts = by
        .into_iter()
        .map(|(currency, (n, sum))| WinLossAmount {
            currency,
            won: n,
            won_minor: sum,
            average_minor: (2 * sum + n as i64) / (2 * n as i64),
        })
        .collect();
    let (w, l) = (won.len() as u64, lost as u64);
    WinLossRow {
        group,
        won: w,
        lost: l,
        win_rate: (w + l > 0).then(|| w as f64 / (w + l) as f64),
        amounts,
    }
}

async fn check_win_loss(
    f: &Fixture,
    actor: &Actor,
    d: &Data,
    q: &ReportQuery,
    p: &Period,
    keep: &dyn Fn(&Rec, &Opportunity) -> bool,
) {
    let closed: Vec<(&Rec, &Opportunity)> = deals(d, keep)
        .into_iter()
        .filter(|(_, o)| o.status != OpportunityStatus::Open && within(p, o.closed_at))
        .collect();
    for g in GROUPS {
        let q = ReportQuery {
            group_by: g.map(|g| g.as_str().into()),
            ..q.clone()
        };
        let report = f
            .services
            .win_loss_report(actor, &q)
            .await
            .expect("win/loss");
        let mut groups: BTreeMap<Option<String>, Vec<&Opportunity>> = BTreeMap::new();
        for (r, o) in &closed {
            groups.entry(deal_group(r, o, g)).or_default().push(o);
        }
        let rows: Vec<WinLossRow> = groups
            .into_iter()
            .map(|(k, v)| win_loss_row(k, &v))
            .collect();
        assert_eq!(report.rows, rows, "win/loss grouped by {g:?}");
        let all: Vec<&Opportunity> = closed.iter().map(|(_, o)| *o).collect();
        assert_eq!(report.total, win_loss_row(None, &all), "win/loss total");
        let lost = all.iter().filter(|o| o.status == OpportunityStatus::Lost);
        assert_eq!(
            report.loss_reasons,
            tally(
                lost.map(|o| o.loss_reason.expect("reason").as_str().to_owned())
                    .collect()
            )
        );
        let mut cycles: Vec<i64> = all
            .iter()
            .filter(|o| o.status == OpportunityStatus::Won)
            .map(|o| o.closed_at.expect("closed").timestamp() - o.created_at.timestamp())
            .collect();
        cycles.sort();
        let q = report
            .cycle_seconds
            .map(|q| (q.p25, q.median, q.p75, q.count));
        let want = (!cycles.is_empty()).then(|| {
            (
                plain_rank(&cycles, 25),
                plain_median(cycles.clone()).expect("some"),
                plain_rank(&cycles, 75),
                cycles.len(),
            )
        });
        assert_eq!(q, want, "sales cycle");
    }
}

fn visible_to(me: UserId) -> impl Fn(&Rec, &Opportunity) -> bool {
    move |_, o| o.owner_id.is_none_or(|u| u == me)
}

/// The pipeline's counts, sums, weighted sums, ages and stuck deals, and win/loss rates,
/// amounts, reasons and cycle quartiles equal a plain recount of the deals: ungrouped,
/// grouped, filtered by product and source, and for a rep (own and unowned deals).
pub async fn deal_reports_match_a_plain_recount(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let d = build(&f).await;
    let everything = |_: &Rec, _: &Opportunity| true;
    let all_time = ReportQuery::default();
    check_pipeline(&f, &Actor::SYSTEM, &d, &all_time, &everything).await;
    check_pipeline(&f, &d.rep.0, &d, &all_time, &visible_to(d.rep.1.id)).await;
    let webinar = ReportQuery {
        source: Some("webinar".into()),
        ..all_time.clone()
    };
    check_pipeline(&f, &Actor::SYSTEM, &d, &webinar, &|r, _| {
        r.lead.fields.source.as_str() == "webinar"
    })
    .await;
    for (first, last) in [(0, 60), (8, 16), (12, 12)] {
        let (q, p) = days(&d, first, last);
        check_win_loss(&f, &Actor::SYSTEM, &d, &q, &p, &everything).await;
        check_win_loss(&f, &d.rep.0, &d, &q, &p, &visible_to(d.rep.1.id)).await;
        let pro = ReportQuery {
            product: Some("Sarnakh Pro".into()),
            ..q.clone()
        };
        check_win_loss(&f, &Actor::SYSTEM, &d, &pro, &p, &|_, o| {
            o.product.as_deref() == Some("Sarnakh Pro")
        })
        .await;
    }
    let whole = f
        .services
        .win_loss_report(&Actor::SYSTEM, &days(&d, 0, 60).0)
        .await
        .expect("win/loss");
    assert!(whole.total.won > 0 && whole.total.lost > 0 && whole.cycle_seconds.is_some());
    let status = |s: OpportunityStatus| {
        d.recs
            .iter()
            .flat_map(|r| &r.deals)
            .filter(|o| o.status == s)
            .count()
    };
    assert!(
        status(OpportunityStatus::Won) > 0
            && status(OpportunityStatus::Lost) > status(OpportunityStatus::Won)
    );
}
