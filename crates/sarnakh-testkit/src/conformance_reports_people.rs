//! Conformance behaviours of the sources and activity reports: each figure of a dataset
//! built through the services is recomputed with plain loops over the leads, deals,
//! activities and follow-ups the services returned, for everyone and for a rep.

use crate::Fixture;
use crate::conformance_reports::{days, lead_group, plain_median, within};
use crate::report_data::{Data, Rec, build};
use chrono::{DateTime, Utc};
use sarnakh_core::domain::report::{GroupBy, Period, ReportQuery};
use sarnakh_core::domain::sla::SlaSettings;
use sarnakh_core::domain::{ActivityKind, LeadId, OpportunityStatus, RecordRef, UserId};
use sarnakh_core::service::{Actor, CostInput, RateInput, RepActivity, SourceRow};
use sarnakh_core::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Each lead's first call, email, meeting or demo.
fn first_contacts(d: &Data) -> HashMap<LeadId, DateTime<Utc>> {
    let mut out: HashMap<LeadId, DateTime<Utc>> = HashMap::new();
    for a in &d.lead_activities {
        let contact = matches!(
            a.kind,
            ActivityKind::Call | ActivityKind::Email | ActivityKind::Meeting | ActivityKind::Demo
        );
        if let (RecordRef::Lead(id), true) = (a.subject, contact) {
            let t = out.entry(id).or_insert(a.occurred_at);
            *t = (*t).min(a.occurred_at);
        }
    }
    out
}

/// Per group: counts (leads, prospects, opportunities, leads won, won deals, contacted), won
/// revenue per currency, cost per lead, median first contact.
type SourceFigures = (
    Option<String>,
    [u64; 6],
    BTreeMap<String, i64>,
    Option<i64>,
    Option<i64>,
);

fn expected_sources(
    d: &Data,
    recs: &[&Rec],
    p: &Period,
    g: GroupBy,
    spring_cost: i64,
) -> Vec<SourceFigures> {
    let firsts = first_contacts(d);
    type Figures = ([u64; 6], BTreeMap<String, i64>, Vec<i64>);
    let mut rows: BTreeMap<Option<String>, Figures> = BTreeMap::new();
    for r in recs.iter().filter(|r| within(p, Some(r.lead.created_at))) {
        let l = &r.lead;
        let e = rows.entry(lead_group(l, Some(g))).or_default();
        let won: Vec<_> = r
            .deals
            .iter()
            .filter(|o| o.status == OpportunityStatus::Won)
            .collect();
        e.0[0] += 1;
        e.0[1] += u64::from(l.qualified_at.is_some());
        e.0[2] += u64::from(l.converted_at.is_some());
        e.0[3] += u64::from(!won.is_empty());
        e.0[4] += won.len() as u64;
        for o in &won {
            *e.1.entry(o.amount.currency().code().to_owned())
                .or_default() += o.amount.minor();
        }
        if let Some(t) = firsts.get(&l.id) {
            e.0[5] += 1;
            e.2.push(t.timestamp() - l.created_at.timestamp());
        }
    }
    rows.into_iter()
        .map(|(group, (n, revenue, waits))| {
            let spring = group.as_deref() == Some("spring");
            let per_lead =
                (spring && n[0] > 0).then(|| (2 * spring_cost + n[0] as i64) / (2 * n[0] as i64));
            (group, n, revenue, per_lead, plain_median(waits))
        })
        .collect()
}

fn actual_sources(rows: &[SourceRow]) -> Vec<SourceFigures> {
    rows.iter()
        .map(|r| {
            let c = &r.counts;
            (
                r.group.clone(),
                [
                    c.leads,
                    c.prospects,
                    c.opportunities,
                    c.won,
                    r.won_deals,
                    r.contacted,
                ],
                r.revenue_by_currency.clone(),
                r.cost_per_lead,
                r.median_first_contact_seconds,
            )
        })
        .collect()
}

/// Sources per source and per campaign (with a campaign cost starting in the period and
/// one outside it), and activity per rep, equal a plain recount.
pub async fn sources_and_activity_reports_match_a_plain_recount(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let d = build(&f).await;
    let sys = Actor::SYSTEM;
    let (q, p) = days(&d, 0, 9);
    let cost = |from: &str, amount: &str| CostInput {
        campaign: Some("spring".into()),
        amount: Some(amount.into()),
        currency: Some("EUR".into()),
        from: Some(from.into()),
        to: None,
    };
    let inside = (d.start + chrono::Duration::days(2)).to_string();
    let outside = (d.start + chrono::Duration::days(40)).to_string();
    f.services
        .set_campaign_costs(&sys, &[cost(&inside, "1000"), cost(&outside, "555")])
        .await
        .expect("costs");
    // The won RON deal is converted (0.2 EUR per RON), so the campaign's cost figures are
    // exact and shown.
    let ron = RateInput {
        currency: Some("RON".into()),
        rate: Some("0.2".into()),
        effective_on: Some((d.start - chrono::Duration::days(30)).to_string()),
    };
    f.services
        .set_exchange_rates(&sys, None, &[ron])
        .await
        .expect("rate");
    let all: Vec<&Rec> = d.recs.iter().collect();
    // From 60 days on the period is read in two halves at once (days -50-59 cut between the
    // leads' fifth and sixth day); both costs start in that period, one in days 0-9.
    let long = days(&d, -50, 59);
    for ((q, p), cost) in [((q.clone(), p), 100_000), (long, 155_500)] {
        for g in [GroupBy::Source, GroupBy::Campaign] {
            let q = ReportQuery {
                group_by: Some(g.as_str().into()),
                ..q.clone()
            };
            let report = f.services.sources_report(&sys, &q).await.expect("sources");
            assert_eq!(
                actual_sources(&report.rows),
                expected_sources(&d, &all, &p, g, cost),
                "sources by {g}, {q:?}"
            );
            for row in &report.rows {
                check_campaign_cost(row, g, cost);
            }
            if g == GroupBy::Source {
                check_summary(&f, &sys, &q, expected_sources(&d, &all, &p, g, cost)).await;
            }
        }
    }
    let me = d.rep.1.id;
    let mine: Vec<&Rec> = all
        .iter()
        .copied()
        .filter(|r| r.lead.fields.owner_id.is_none_or(|o| o == me))
        .collect();
    let report = f
        .services
        .sources_report(&d.rep.0, &q)
        .await
        .expect("sources");
    assert_eq!(
        actual_sources(&report.rows),
        expected_sources(&d, &mine, &p, GroupBy::Source, 0)
    );
    let mine_by_source = expected_sources(&d, &mine, &p, GroupBy::Source, 0);
    check_summary(&f, &d.rep.0, &q, mine_by_source).await;
    let whole = f
        .services
        .activity_report(&sys, &q)
        .await
        .expect("activity");
    let sum = |k: fn(&RepActivity) -> u64| whole.rows.iter().map(k).sum::<u64>();
    assert!(
        sum(|r| r.overdue_tasks) > 0 && sum(|r| r.sla_breached) > 0 && sum(|r| r.contacted) > 0
    );
    assert!(
        sum(|r| r.contacted) < sum(|r| r.leads) && sum(|r| r.activities) > sum(|r| r.contacted)
    );
    // Activities are summed from day counts; from 60 days on the first contacts are read in
    // two halves at once (days -50-59 cut between the leads' fifth and sixth day).
    let (mid_q, mid_p) = days(&d, -6, 9);
    let (long_q, long_p) = days(&d, -50, 59);
    for (actor, visible) in [(&sys, None), (&d.rep.0, Some(me))] {
        for (q, p) in [(&q, &p), (&mid_q, &mid_p), (&long_q, &long_p)] {
            let report = f
                .services
                .activity_report(actor, q)
                .await
                .expect("activity");
            assert_eq!(
                report.rows,
                expected_activity(&d, p, visible, report.as_of),
                "activity as {visible:?}, {q:?}"
            );
        }
    }
}

/// The dashboard's cohort summary has the sources' rows by source without the first
/// contacts (none contacted, no median), and their sum as its total.
async fn check_summary(f: &Fixture, actor: &Actor, q: &ReportQuery, want: Vec<SourceFigures>) {
    let summary = f.services.cohort_summary(actor, q).await.expect("summary");
    let want: Vec<SourceFigures> = want
        .into_iter()
        .map(|mut row| {
            row.1[5] = 0;
            row.4 = None;
            row
        })
        .collect();
    let sum = |i: usize| want.iter().map(|row| row.1[i]).sum::<u64>();
    let t = &summary.total;
    assert_eq!(
        [t.leads, t.prospects, t.opportunities, t.won],
        [sum(0), sum(1), sum(2), sum(3)],
        "summary total, {q:?}"
    );
    assert_eq!(actual_sources(&summary.sources), want, "summary, {q:?}");
}

/// The spring campaign's cost figures (cost `cost`, minor units), none for the other rows.
fn check_campaign_cost(row: &SourceRow, g: GroupBy, cost: i64) {
    let spring = row.group.as_deref() == Some("spring") && g == GroupBy::Campaign;
    assert_eq!(
        row.cost.as_ref().map(|c| c.minor),
        spring.then_some(cost),
        "{row:?}"
    );
    if spring {
        assert!(row.counts.leads > 0 && row.cost_per_lead.is_some());
        let roi = (row.revenue.minor - cost) as f64 / cost as f64;
        assert_eq!(row.roi, Some(roi));
        let k = row.won_deals as i64;
        assert_eq!(
            row.cost_per_won_deal,
            (k > 0).then(|| (2 * cost + k) / (2 * k))
        );
    }
}

fn expected_activity(
    d: &Data,
    p: &Period,
    me: Option<UserId>,
    now: DateTime<Utc>,
) -> Vec<RepActivity> {
    let sees = |o: Option<UserId>| me.is_none_or(|me| o.is_none_or(|o| o == me));
    let key = |o: Option<UserId>| o.map(|u| u.to_string());
    let mut rows: BTreeMap<Option<String>, RepActivity> = BTreeMap::new();
    for a in d
        .lead_activities
        .iter()
        .filter(|a| sees(a.owner_id) && within(p, Some(a.occurred_at)))
    {
        let r = rows.entry(key(a.owner_id)).or_default();
        r.activities += 1;
        *r.by_kind.entry(a.kind.as_str().to_owned()).or_default() += 1;
    }
    // The deals' check-in calls, logged by the system: no owner.
    let calls = d
        .touches
        .values()
        .flatten()
        .filter(|at| sees(None) && within(p, Some(**at)))
        .count() as u64;
    if calls > 0 {
        let r = rows.entry(None).or_default();
        r.activities += calls;
        *r.by_kind.entry("call".to_owned()).or_default() += calls;
    }
    let firsts = first_contacts(d);
    let sla = SlaSettings::default();
    let mut waits: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
    for l in d
        .recs
        .iter()
        .map(|r| &r.lead)
        .filter(|l| sees(l.fields.owner_id) && within(p, Some(l.created_at)))
    {
        let r = rows.entry(key(l.fields.owner_id)).or_default();
        r.leads += 1;
        let first = firsts.get(&l.id).copied();
        let due = sla.due(l.created_at);
        r.sla_breached += u64::from(match first {
            Some(t) => t > due,
            None => now > due,
        });
        if let Some(t) = first {
            r.contacted += 1;
            waits
                .entry(key(l.fields.owner_id))
                .or_default()
                .push(t.timestamp() - l.created_at.timestamp());
        }
    }
    for t in d
        .tasks
        .iter()
        .filter(|t| sees(Some(t.owner_id)) && t.completed_at.is_none() && t.due_at < now)
    {
        rows.entry(key(Some(t.owner_id))).or_default().overdue_tasks += 1;
    }
    rows.into_iter()
        .map(|(owner, r)| RepActivity {
            median_first_contact_seconds: plain_median(waits.remove(&owner).unwrap_or_default()),
            owner,
            ..r
        })
        .collect()
}
