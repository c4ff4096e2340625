//! Conformance behaviours of the funnel report: every figure of a dataset built through the
//! services is recomputed here with plain loops over the records the services returned, in
//! both modes, ungrouped, grouped and filtered, and for a rep who sees only part of it.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use crate::report_data::{Data, LEADS, Rec, build};
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::report::{FunnelMode, GroupBy, Period, ReportQuery};
use sarnakh_core::domain::report_figures::{FunnelCounts, ReasonCount};
use sarnakh_core::domain::{Lead, OpportunityStatus};
use sarnakh_core::service::{Actor, CloseDraft, LifecycleInput};
use sarnakh_core::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The query for days `first..=last` after the data's first day.
pub(crate) fn days(d: &Data, first: i64, last: i64) -> (ReportQuery, Period) {
    let day = |n: i64| d.start + Duration::days(n);
    let q = ReportQuery {
        from: Some(day(first).to_string()),
        to: Some(day(last).to_string()),
        ..ReportQuery::default()
    };
    (q, Period::days(day(first), day(last)))
}

pub(crate) fn within(p: &Period, t: Option<DateTime<Utc>>) -> bool {
    t.is_some_and(|t| t >= p.from && t < p.to)
}

/// The group value of a lead, as the report names it.
pub(crate) fn lead_group(l: &Lead, g: Option<GroupBy>) -> Option<String> {
    match g? {
        GroupBy::Source => Some(l.fields.source.as_str().to_owned()),
        GroupBy::Campaign => l.fields.campaign.clone(),
        GroupBy::Owner => l.fields.owner_id.map(|o| o.to_string()),
        GroupBy::Country => l.fields.country.clone(),
        GroupBy::Product | GroupBy::Size => None,
    }
}

/// The plain middle value (mean of the two middle ones, rounded down).
pub(crate) fn plain_median(mut v: Vec<i64>) -> Option<i64> {
    v.sort();
    let n = v.len();
    if n == 0 {
        None
    } else if n % 2 == 1 {
        Some(v[n / 2])
    } else {
        Some((v[n / 2 - 1] + v[n / 2]).div_euclid(2))
    }
}

/// Reason counts, most frequent first, then by name.
pub(crate) fn tally(reasons: Vec<String>) -> Vec<ReasonCount> {
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    for r in reasons {
        *by.entry(r).or_default() += 1;
    }
    let mut out: Vec<ReasonCount> = by
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    out
}

struct Expected {
    rows: Vec<FunnelCounts>,
    disqualified: Vec<ReasonCount>,
    lost: Vec<ReasonCount>,
    medians: [Option<i64>; 3],
}

fn expected(recs: &[&Rec], p: &Period, mode: FunnelMode, g: Option<GroupBy>) -> Expected {
    let cohort = mode == FunnelMode::Cohort;
    let mut rows: BTreeMap<Option<String>, FunnelCounts> = BTreeMap::new();
    let (mut disq, mut lost, mut times) =
        (Vec::new(), Vec::new(), [Vec::new(), Vec::new(), Vec::new()]);
    for r in recs {
        let l = &r.lead;
        let in_cohort = within(p, Some(l.created_at));
        let counted = |t: Option<DateTime<Utc>>| {
            if cohort {
                in_cohort && t.is_some()
            } else {
                within(p, t)
            }
        };
        let c = rows.entry(lead_group(l, g)).or_default();
        c.leads += u64::from(in_cohort);
        c.prospects += u64::from(counted(l.qualified_at));
        c.opportunities += u64::from(counted(l.converted_at));
        let won = r
            .deals
            .iter()
            .any(|o| o.status == OpportunityStatus::Won && counted(o.closed_at));
        c.won += u64::from(won);
        if let Some((reason, at)) = &r.disqualified
            && l.state.status == LeadStatus::Disqualified
            && counted(Some(*at))
        {
            disq.push(reason.clone());
        }
        if let (Some(q), true) = (l.qualified_at, counted(l.qualified_at)) {
            times[0].push(q.timestamp() - l.created_at.timestamp());
        }
        if let (Some(q), Some(c), true) = (l.qualified_at, l.converted_at, counted(l.converted_at))
        {
            times[1].push(c.timestamp() - q.timestamp());
        }
        for o in r.deals.iter().filter(|o| counted(o.closed_at)) {
            times[2].push(o.closed_at.expect("closed").timestamp() - o.created_at.timestamp());
            if o.status == OpportunityStatus::Lost {
                lost.push(
                    o.loss_reason
                        .expect("a lost deal has a reason")
                        .as_str()
                        .to_owned(),
                );
            }
        }
    }
    let mut rows: Vec<FunnelCounts> = rows
        .into_iter()
        .map(|(group, c)| FunnelCounts { group, ..c })
        .filter(|c| g.is_none() || c.leads + c.prospects + c.opportunities + c.won > 0)
        .collect();
    if g.is_none() && rows.is_empty() {
        rows.push(FunnelCounts::default());
    }
    let [a, b, c] = times;
    Expected {
        rows,
        disqualified: tally(disq),
        lost: tally(lost),
        medians: [plain_median(a), plain_median(b), plain_median(c)],
    }
}

async fn check(
    f: &Fixture,
    actor: &Actor,
    recs: &[&Rec],
    q: &ReportQuery,
    p: &Period,
    label: &str,
) {
    for mode in [FunnelMode::Cohort, FunnelMode::Activity] {
        for g in [
            None,
            Some(GroupBy::Source),
            Some(GroupBy::Owner),
            Some(GroupBy::Campaign),
            Some(GroupBy::Country),
        ] {
            let q = ReportQuery {
                mode: Some(mode.as_str().into()),
                group_by: g.map(|g| g.as_str().into()),
                ..q.clone()
            };
            let report = f.services.funnel_report(actor, &q).await.expect("funnel");
            let want = expected(recs, p, mode, g);
            let what = format!("{label}, {mode}, grouped by {g:?}");
            assert_eq!(report.rows, want.rows, "rows: {what}");
            assert_eq!(
                report.disqualify_reasons, want.disqualified,
                "disqualified: {what}"
            );
            assert_eq!(report.loss_reasons, want.lost, "lost: {what}");
            assert_eq!(report.median_seconds, want.medians, "medians: {what}");
            assert_eq!((report.mode, report.period), (mode, *p), "{what}");
        }
    }
    // The dashboard's one read of the cohort gives the cohort funnel's counts and reasons.
    let summary = f.services.cohort_summary(actor, q).await.expect("summary");
    let want = expected(recs, p, FunnelMode::Cohort, None);
    assert_eq!(vec![summary.total], want.rows, "summary: {label}");
    assert_eq!(summary.disqualify_reasons, want.disqualified, "{label}");
    assert_eq!(summary.loss_reasons, want.lost, "{label}");
    assert_eq!(summary.period, *p, "{label}");
}

/// The funnel's counts, reasons and medians equal a plain recount of the records, in
/// cohort and activity mode, ungrouped and grouped, filtered, and for a rep (own and
/// unowned leads only).
pub async fn funnel_report_matches_a_plain_recount(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let d = build(&f).await;
    let all: Vec<&Rec> = d.recs.iter().collect();
    assert_eq!(all.len(), LEADS);
    // Up to 120 days the cohort's deals are read from its leads, beyond from the deals;
    // from 60 days on the period is read in two halves at once (days -50-59 cut between
    // the fifth and the sixth day of the leads' creation).
    for (first, last) in [(0, 60), (2, 12), (5, 5), (-50, 59), (-100, 100)] {
        let (q, p) = days(&d, first, last);
        check(
            &f,
            &Actor::SYSTEM,
            &all,
            &q,
            &p,
            &format!("days {first}-{last}"),
        )
        .await;
    }
    let (q, p) = days(&d, 1, 20);
    let spring = ReportQuery {
        campaign: Some("spring".into()),
        country: Some("ro".into()),
        ..q.clone()
    };
    let kept: Vec<&Rec> = all
        .iter()
        .copied()
        .filter(|r| {
            r.lead.fields.campaign.as_deref() == Some("spring")
                && r.lead.fields.country.as_deref() == Some("RO")
        })
        .collect();
    check(&f, &Actor::SYSTEM, &kept, &spring, &p, "spring in RO").await;
    let me = d.rep.1.id;
    let mine: Vec<&Rec> = all
        .iter()
        .copied()
        .filter(|r| r.lead.fields.owner_id.is_none_or(|o| o == me))
        .collect();
    assert!(mine.len() < all.len() && !mine.is_empty());
    check(&f, &d.rep.0, &mine, &q, &p, "the rep").await;
    let owner = ReportQuery {
        owner: Some(d.other.id.to_string()),
        ..q.clone()
    };
    let others: Vec<&Rec> = all
        .iter()
        .copied()
        .filter(|r| r.lead.fields.owner_id == Some(d.other.id))
        .collect();
    check(&f, &Actor::SYSTEM, &others, &owner, &p, "the other rep's").await;
    let whole = f
        .services
        .funnel_report(&Actor::SYSTEM, &days(&d, 0, 60).0)
        .await
        .expect("funnel");
    let t = &whole.total;
    assert_eq!(
        t.leads, LEADS as u64,
        "every lead is in the cohort of the whole span"
    );
    assert!(
        t.prospects > t.opportunities && t.opportunities > t.won && t.won > 0,
        "{t:?}"
    );
    assert!(!whole.disqualify_reasons.is_empty() && !whole.loss_reasons.is_empty());
    assert!(whole.median_seconds.iter().all(Option::is_some));
}

/// In activity mode a long period is read in parts at once: a lead whose two won deals close
/// in different parts is one won lead of the whole period, and one of each part alone.
pub async fn a_lead_won_in_both_halves_of_a_period_is_won_once(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let start = f.clock.now().date_naive();
    let draft = qualified_lead("Twice", "twice@reports.example", "Twice Ltd");
    let lead = f
        .services
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    let input = LifecycleInput::default();
    let lead = f
        .services
        .qualify_lead(&Actor::SYSTEM, lead.id, &input)
        .await
        .expect("qualify");
    let deals = vec![opportunity("First", "100"), opportunity("Second", "200")];
    let out = f
        .services
        .convert_lead(&Actor::SYSTEM, lead.id, &convert(deals))
        .await
        .expect("convert");
    let won = CloseDraft {
        outcome: Some("won".into()),
        ..CloseDraft::default()
    };
    for deal in &out.opportunities {
        f.advance(Duration::days(50));
        f.services
            .close_opportunity(&Actor::SYSTEM, deal.id, &won)
            .await
            .expect("close");
    }
    // Days 0-110 are read in two halves cut near day 55: the deals close on days 50 and 100.
    for (first, last, label) in [
        (0, 110, "whole"),
        (0, 54, "first half"),
        (56, 110, "second half"),
    ] {
        for group_by in [None, Some("source")] {
            let q = ReportQuery {
                from: Some((start + Duration::days(first)).to_string()),
                to: Some((start + Duration::days(last)).to_string()),
                mode: Some("activity".into()),
                group_by: group_by.map(Into::into),
                ..ReportQuery::default()
            };
            let report = f
                .services
                .funnel_report(&Actor::SYSTEM, &q)
                .await
                .expect("funnel");
            assert_eq!(report.total.won, 1, "{label}, grouped by {group_by:?}");
        }
    }
}
