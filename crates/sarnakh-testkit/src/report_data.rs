//! A report test dataset built through the services (capture, qualify, disqualify,
//! convert, move, close, log activity), with every record kept as the services returned it,
//! so the report tests can recompute each figure with plain loops and compare.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::{
    Activity, Lead, Opportunity, OpportunityId, Task, TokenScope, User, UserId,
};
use sarnakh_core::service::{ActivityDraft, Actor, CloseDraft, LifecycleInput, TaskDraft};
use std::collections::HashMap;

/// One lead and what became of it.
pub(crate) struct Rec {
    /// The lead as last returned.
    pub lead: Lead,
    /// Disqualification reason and time.
    pub disqualified: Option<(String, DateTime<Utc>)>,
    /// Its deals as last returned.
    pub deals: Vec<Opportunity>,
}

/// The dataset.
pub(crate) struct Data {
    pub recs: Vec<Rec>,
    /// Activity times per deal.
    pub touches: HashMap<OpportunityId, Vec<DateTime<Utc>>>,
    /// A sales rep signed in (owns a third of the leads).
    pub rep: (Actor, User),
    /// Another rep (owns another third; the rest have no owner).
    pub other: User,
    /// The first day of the data.
    pub start: NaiveDate,
    /// Activities logged on leads, as returned.
    pub lead_activities: Vec<Activity>,
    /// Follow-ups, as last returned.
    pub tasks: Vec<Task>,
}

const SOURCES: [&str; 3] = ["web_form", "webinar", "referral"];
const DISQUALIFY: [&str; 3] = ["no_budget", "unreachable", "no_need"];
const LOSS: [&str; 2] = ["price", "competitor"];
pub(crate) const LEADS: usize = 30;

/// Builds the dataset: 30 leads over nine days, a fifth left as leads, a fifth
/// disqualified, a fifth prospects, a fifth converted into two deals (EUR and RON) that end
/// won and lost (the first such lead wins both), a fifth converted into one open EUR deal; then 20 days pass, and the first
/// lead becomes a deal (RON, negotiation).
pub(crate) async fn build(f: &Fixture) -> Data {
    let rep = signed_in(
        f,
        "rep@reports.example",
        "sales_rep",
        None,
        TokenScope::Write,
    )
    .await;
    let (_, other) = signed_in(
        f,
        "other@reports.example",
        "sales_rep",
        None,
        TokenScope::Read,
    )
    .await;
    let start = f.clock.now().date_naive();
    let owners = [Some(rep.1.id), Some(other.id), None];
    let mut recs = Vec::new();
    for i in 0..LEADS {
        f.advance(Duration::hours(7));
        let draft = sarnakh_core::domain::lead::LeadDraft {
            source: Some(SOURCES[i % 3].into()),
            campaign: [Some("spring"), Some("autumn"), None, Some("spring")][i % 4].map(Into::into),
            country: Some(["RO", "IR"][(i / 2) % 2].into()),
            owner_id: owners[(i / 2) % 3],
            ..qualified_lead(
                &format!("Lead{i}"),
                &format!("lead{i}@reports.example"),
                &format!("Company {i}"),
            )
        };
        let lead = f
            .services
            .capture_lead(&Actor::SYSTEM, &draft)
            .await
            .expect("capture");
        recs.push(Rec {
            lead,
            disqualified: None,
            deals: Vec::new(),
        });
    }
    for (i, rec) in recs.iter_mut().enumerate() {
        f.advance(Duration::hours(2 + (i as i64 % 4)));
        step(f, i, rec).await;
    }
    let mut touches: HashMap<OpportunityId, Vec<DateTime<Utc>>> = HashMap::new();
    for (i, rec) in recs.iter_mut().enumerate() {
        f.advance(Duration::hours(5 * (1 + i as i64 % 3)));
        close(f, i, rec).await;
    }
    f.advance(Duration::days(20));
    late(f, &mut recs[0]).await;
    for (i, rec) in recs.iter_mut().enumerate() {
        edit_facts(f, i, rec, &owners).await;
    }
    for (i, rec) in recs.iter().enumerate().filter(|(i, _)| i % 10 == 4) {
        let deal = &rec.deals[0];
        let at = f.clock.now() - Duration::days(1 + i as i64 % 3);
        log(f, deal.id, at).await;
        touches.entry(deal.id).or_default().push(at);
    }
    let (lead_activities, tasks) = follow_ups(f, &recs, rep.1.id).await;
    Data {
        recs,
        touches,
        rep,
        other,
        start,
        lead_activities,
        tasks,
    }
}

async fn step(f: &Fixture, i: usize, rec: &mut Rec) {
    let input = LifecycleInput::default();
    match i % 5 {
        0 => {}
        1 => {
            let reason = DISQUALIFY[i % 3];
            let input = LifecycleInput {
                reason: Some(reason.into()),
                ..input
            };
            rec.lead = f
                .services
                .disqualify_lead(&Actor::SYSTEM, rec.lead.id, &input)
                .await
                .expect("disqualify");
            rec.disqualified = Some((reason.into(), f.clock.now()));
        }
        _ => {
            rec.lead = f
                .services
                .qualify_lead(&Actor::SYSTEM, rec.lead.id, &input)
                .await
                .expect("qualify");
        }
    }
    if i % 5 < 3 {
        return;
    }
    f.advance(Duration::hours(1 + i as i64 % 2));
    let mut deals = vec![opportunity(
        &format!("Deal {i}"),
        &format!("{}.{}", 100 + i * 37, i % 10),
    )];
    deals[0].currency = Some("EUR".into());
    deals[0].stage = Some(["demo", "proposal", "qualify"][i % 3].into());
    if i % 5 == 3 {
        let mut second = opportunity(&format!("Deal {i}b"), &format!("{}", 2000 + i * 11));
        second.product = Some("Sarnakh Pro".into());
        deals.push(second);
    }
    let out = f
        .services
        .convert_lead(&Actor::SYSTEM, rec.lead.id, &convert(deals))
        .await
        .expect("convert");
    rec.lead = out.lead;
    rec.deals = out.opportunities;
}

/// The first lead, left alone so far, is qualified and converted today.
async fn late(f: &Fixture, rec: &mut Rec) {
    let input = LifecycleInput::default();
    rec.lead = f
        .services
        .qualify_lead(&Actor::SYSTEM, rec.lead.id, &input)
        .await
        .expect("qualify");
    f.advance(Duration::hours(1));
    let mut deal = opportunity("Late deal", "999.99");
    deal.stage = Some("negotiation".into());
    let out = f
        .services
        .convert_lead(&Actor::SYSTEM, rec.lead.id, &convert(vec![deal]))
        .await
        .expect("convert");
    rec.lead = out.lead;
    rec.deals = out.opportunities;
}

/// Some leads with deals (closed and open) change source, campaign and country after their
/// deals exist, two of them their owner too (the next of `owners`): the deal reports must
/// follow the lead.
async fn edit_facts(f: &Fixture, i: usize, rec: &mut Rec, owners: &[Option<UserId>; 3]) {
    if !(i % 10 == 8 || i == 9) {
        return;
    }
    assert!(!rec.deals.is_empty(), "lead {i} has deals");
    let patch = sarnakh_core::service::LeadPatch {
        source: Some(Some(SOURCES[(i + 1) % 3].into())),
        campaign: Some([Some("winter"), None][i % 2].map(Into::into)),
        country: Some(Some(["IR", "RO"][(i / 2) % 2].into())),
        owner_id: (i == 18 || i == 28).then_some(owners[(i / 2 + 1) % 3]),
        ..Default::default()
    };
    rec.lead = f
        .services
        .update_lead(&Actor::SYSTEM, rec.lead.id, patch, None)
        .await
        .expect("edit the lead's source, campaign, country and owner");
}

async fn close(f: &Fixture, i: usize, rec: &mut Rec) {
    if i % 5 != 3 {
        return;
    }
    let won = CloseDraft {
        outcome: Some("won".into()),
        ..CloseDraft::default()
    };
    let lost = || CloseDraft {
        outcome: Some("lost".into()),
        reason: Some(LOSS[i % 2].into()),
        ..CloseDraft::default()
    };
    // The first converted lead wins both its deals (one won lead, two won deals in two
    // currencies); every other one wins its first deal; the others lose both.
    let outcomes = if i == 3 {
        [won.clone(), won]
    } else if i % 10 == 3 {
        [won, lost()]
    } else {
        [lost(), lost()]
    };
    for (deal, draft) in rec.deals.iter_mut().zip(outcomes) {
        *deal = f
            .services
            .close_opportunity(&Actor::SYSTEM, deal.id, &draft)
            .await
            .expect("close");
        f.advance(Duration::hours(3));
    }
}

async fn log(f: &Fixture, deal: OpportunityId, at: DateTime<Utc>) {
    let draft = ActivityDraft {
        subject_type: Some("opportunity".into()),
        subject_id: Some(deal.to_string()),
        kind: Some("call".into()),
        summary: Some("Checked in".into()),
        occurred_at: Some(at.to_rfc3339()),
        ..ActivityDraft::default()
    };
    f.services
        .log_activity(&Actor::SYSTEM, &draft)
        .await
        .expect("log activity");
}

/// First contacts (and notes, which are not contacts) on two leads of three, and
/// follow-ups: overdue, done, and due later.
async fn follow_ups(f: &Fixture, recs: &[Rec], fallback: UserId) -> (Vec<Activity>, Vec<Task>) {
    let (mut activities, mut tasks) = (Vec::new(), Vec::new());
    let now = f.clock.now();
    for (i, rec) in recs.iter().enumerate() {
        let l = &rec.lead;
        let mut logged = Vec::new();
        if i % 3 != 2 {
            logged.push((
                "call",
                l.created_at + Duration::minutes(13 * (1 + i as i64 % 5)),
            ));
        }
        if i % 4 == 0 {
            logged.push(("note", l.created_at + Duration::minutes(1)));
        }
        if i % 6 == 0 {
            logged.push(("email", l.created_at + Duration::days(3)));
        }
        for (kind, at) in logged {
            let draft = ActivityDraft {
                subject_type: Some("lead".into()),
                subject_id: Some(l.id.to_string()),
                kind: Some(kind.into()),
                summary: Some(kind.into()),
                occurred_at: Some(at.to_rfc3339()),
                owner_id: l.fields.owner_id,
                ..ActivityDraft::default()
            };
            activities.push(
                f.services
                    .log_activity(&Actor::SYSTEM, &draft)
                    .await
                    .expect("log"),
            );
        }
        if i % 4 < 2 {
            tasks.push(follow_up(f, i, l, l.fields.owner_id.unwrap_or(fallback), now).await);
        }
    }
    (activities, tasks)
}

async fn follow_up(f: &Fixture, i: usize, l: &Lead, owner: UserId, now: DateTime<Utc>) -> Task {
    let due = if i.is_multiple_of(4) {
        now - Duration::days(1 + i as i64 % 3)
    } else {
        now + Duration::days(2)
    };
    let draft = TaskDraft {
        subject_type: Some("lead".into()),
        subject_id: Some(l.id.to_string()),
        title: Some("Follow up".into()),
        due_at: Some(due.to_rfc3339()),
        owner_id: Some(owner),
        ..TaskDraft::default()
    };
    let task = f
        .services
        .create_task(&Actor::SYSTEM, &draft)
        .await
        .expect("task");
    if i.is_multiple_of(8) {
        f.services
            .complete_task(&Actor::SYSTEM, task.id, None)
            .await
            .expect("done")
    } else {
        task
    }
}
