//! Conformance behaviour of the reports a rep or a team's manager reads: the dashboard's
//! cohort (leads, won leads, disqualification and loss reasons) and the win/loss of closed
//! deals count exactly the records the policy lets the caller see: their owners' records and
//! the unowned leads of their team's queue or of none, whether the store reads the records or
//! counts it keeps per day and owner.

use crate::Fixture;
use crate::builders::{convert, lead, opportunity, qualified_lead};
use crate::conformance_policy::TwoTeams;
use crate::conformance_scoped_lists::Reader;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::lifecycle::LeadStatus;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::report_figures::ReasonCount;
use sarnakh_core::domain::{Lead, Opportunity, OpportunityStatus, PageRequest};
use sarnakh_core::service::{Actor, CloseDraft, LifecycleInput};
use sarnakh_core::store::{LeadFilter, OpportunityFilter, Store};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Captures a lead for `by` (owned by `owner`, or waiting in `by`'s team's queue), and with
/// `deals` (outcome and loss reason each) qualifies and converts it and closes its deals;
/// with `disqualified`, disqualifies it for that reason.
async fn record(
    f: &Fixture,
    by: &Actor,
    owner: Option<sarnakh_core::domain::UserId>,
    name: &str,
    deals: &[(&str, Option<&str>)],
    disqualified: Option<&str>,
) {
    let email = format!("{}@scoped.example", name.to_lowercase());
    let mut draft = if deals.is_empty() {
        lead(name, &email)
    } else {
        qualified_lead(name, &email, &format!("{name} Ltd"))
    };
    draft.owner_id = owner;
    let l = f.services.capture_lead(by, &draft).await.expect("capture");
    if let Some(reason) = disqualified {
        let input = LifecycleInput {
            reason: Some(reason.into()),
            ..LifecycleInput::default()
        };
        f.services
            .disqualify_lead(&Actor::SYSTEM, l.id, &input)
            .await
            .expect("disqualify");
    }
    if deals.is_empty() {
        return;
    }
    let input = LifecycleInput::default();
    f.services
        .qualify_lead(&Actor::SYSTEM, l.id, &input)
        .await
        .expect("qualify");
    let drafts = (0..deals.len())
        .map(|i| opportunity(&format!("{name} {i}"), "100"))
        .collect();
    let out = f
        .services
        .convert_lead(&Actor::SYSTEM, l.id, &convert(drafts))
        .await
        .expect("convert");
    for (deal, (outcome, reason)) in out.opportunities.iter().zip(deals) {
        let close = CloseDraft {
            outcome: Some((*outcome).into()),
            reason: reason.map(Into::into),
            ..CloseDraft::default()
        };
        f.services
            .close_opportunity(&Actor::SYSTEM, deal.id, &close)
            .await
            .expect("close");
    }
}

/// The reasons counted, by code.
fn by_reason<'a>(codes: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for code in codes {
        *out.entry(code.to_owned()).or_default() += 1;
    }
    out
}

fn reasons(list: &[ReasonCount]) -> BTreeMap<String, u64> {
    list.iter().map(|r| (r.reason.clone(), r.count)).collect()
}

/// A rep, a team's manager and a rep of another team each read the dashboard's cohort and
/// the win/loss of the day's closed deals: exactly a recount of the leads and deals they may
/// see (leads in their own or no queue, deals of their owners or none).
pub async fn scoped_reports_count_what_the_caller_may_see(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let teams = TwoTeams::new(&f).await;
    let readers = Reader::of_two_teams(&teams);
    let TwoTeams {
        r1: (r1, u1),
        r2: (r2, u2),
        r3: (r3, u3),
        ..
    } = teams;
    let won_lost = [("won", None), ("lost", Some("price"))];
    record(&f, &r1, Some(u1.id), "OwnR1", &won_lost, None).await;
    record(
        &f,
        &r2,
        Some(u2.id),
        "OwnR2",
        &[("lost", Some("timing"))],
        None,
    )
    .await;
    record(&f, &r3, Some(u3.id), "OwnR3", &[], Some("wrong_fit")).await;
    record(&f, &r1, None, "QueueA", &[], Some("no_budget")).await;
    record(&f, &r3, None, "QueueB", &[], Some("no_budget")).await;
    record(
        &f,
        &r3,
        None,
        "QueueBDeal",
        &[("lost", Some("price"))],
        None,
    )
    .await;
    record(&f, &Actor::SYSTEM, None, "NoQueue", &[("won", None)], None).await;
    let all = PageRequest::new(Some(200), None);
    let leads: Vec<Lead> = f
        .services
        .list_leads(&Actor::SYSTEM, &LeadFilter::default(), &all)
        .await
        .expect("leads")
        .items;
    let deals: Vec<Opportunity> = f
        .services
        .list_opportunities(&Actor::SYSTEM, &OpportunityFilter::default(), &all)
        .await
        .expect("deals")
        .items;
    assert_eq!((leads.len(), deals.len()), (7, 5));
    let today = f.clock.now().date_naive().to_string();
    let q = ReportQuery {
        from: Some(today.clone()),
        to: Some(today),
        ..ReportQuery::default()
    };
    let mut seen = Vec::new();
    for reader in &readers {
        let who = &reader.user.email;
        let mine: Vec<&Lead> = leads.iter().filter(|l| reader.sees_lead(l)).collect();
        let of_mine = |o: &&Opportunity| mine.iter().any(|l| Some(l.id) == o.lead_id);
        let status = |o: &Opportunity, s| o.status == s;
        let summary = f
            .services
            .cohort_summary(&reader.actor, &q)
            .await
            .expect("summary");
        let won_leads = mine
            .iter()
            .filter(|l| {
                deals
                    .iter()
                    .any(|o| o.lead_id == Some(l.id) && status(o, OpportunityStatus::Won))
            })
            .count();
        assert_eq!(
            (summary.total.leads, summary.total.won),
            (mine.len() as u64, won_leads as u64),
            "{who}: leads and won leads"
        );
        let disqualified = mine
            .iter()
            .filter(|l| l.state.status == LeadStatus::Disqualified)
            .filter_map(|l| l.disqualify_reason.map(|r| r.as_str()));
        assert_eq!(
            reasons(&summary.disqualify_reasons),
            by_reason(disqualified),
            "{who}: disqualification reasons"
        );
        let lost = deals
            .iter()
            .filter(of_mine)
            .filter_map(|o| o.loss_reason.map(|r| r.as_str()));
        assert_eq!(
            reasons(&summary.loss_reasons),
            by_reason(lost),
            "{who}: loss reasons"
        );
        let closed = f
            .services
            .win_loss_report(&reader.actor, &q)
            .await
            .expect("win/loss");
        let visible: Vec<&Opportunity> = deals.iter().filter(|o| reader.sees_deal(o)).collect();
        let count = |s| visible.iter().filter(|o| status(o, s)).count() as u64;
        assert_eq!(
            (closed.total.won, closed.total.lost),
            (
                count(OpportunityStatus::Won),
                count(OpportunityStatus::Lost)
            ),
            "{who}: win/loss"
        );
        seen.push((summary.total.leads, closed.total.won + closed.total.lost));
    }
    // The three see different parts, each less than the whole.
    assert!(seen.iter().all(|s| s.0 < 7), "{seen:?}");
    assert!(seen[0] != seen[2] && seen[0] != seen[1], "{seen:?}");
}
