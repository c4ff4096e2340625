//! Conformance behaviours of the nurture content library: who may edit it, that refused
//! input writes nothing, the next suggestion for a lead and a deal, that sending logs an
//! email activity, and the content report recomputed with plain loops over the sendings
//! and the records the services returned, for marketing and for a rep.

use crate::Fixture;
use crate::builders::{convert, opportunity, qualified_lead};
use crate::conformance_policy::signed_in;
use chrono::{DateTime, Duration, Utc};
use sarnakh_core::Error;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::content::{ContentDraft, ContentItem};
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::domain::{ActivityKind, ContentId, Lead, LeadId, RecordRef, TokenScope};
use sarnakh_core::service::{Actor, CloseDraft, LifecycleInput};
use sarnakh_core::store::Store;
use std::collections::HashMap;
use std::sync::Arc;

fn item(title: &str, stage: &str, products: &[&str], language: &str) -> ContentDraft {
    ContentDraft {
        title: Some(title.into()),
        url: Some(format!("https://example.com/{}", title.replace(' ', "-"))),
        stage: Some(stage.into()),
        products: products.iter().map(|p| (*p).to_owned()).collect(),
        language: Some(language.into()),
        active: None,
    }
}

/// The content library: edits, suggestions, sending, and the report against a recount.
pub async fn content_is_suggested_sent_and_reported_as_a_plain_recount(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = &f.services;
    let (marketing, _) = signed_in(&f, "m@c.example", "marketing", None, TokenScope::Write).await;
    let (rep, rep_user) = signed_in(&f, "r@c.example", "sales_rep", None, TokenScope::Write).await;
    let (_, other) = signed_in(&f, "o@c.example", "sales_rep", None, TokenScope::Read).await;
    let guide = item("Guide", "lead", &[], "en");
    assert!(matches!(
        s.create_content(&rep, &guide).await,
        Err(Error::Forbidden(_))
    ));
    let mut bad = guide.clone();
    bad.url = Some("javascript:alert(1)".into());
    assert!(
        matches!(s.create_content(&marketing, &bad).await, Err(Error::Validation(e)) if e[0].field == "url")
    );
    assert!(
        s.list_content(&rep, None, false)
            .await
            .expect("list")
            .is_empty(),
        "nothing written"
    );
    let guide = s.create_content(&marketing, &guide).await.expect("guide");
    f.advance(Duration::minutes(1));
    let team_fa = s
        .create_content(
            &marketing,
            &item("Team FA", "lead", &["Sarnakh Team"], "fa"),
        )
        .await
        .expect("fa");
    let case = s
        .create_content(&marketing, &item("Case", "prospect", &[], "en"))
        .await
        .expect("case");
    let quote = s
        .create_content(
            &marketing,
            &item("Quote", "opportunity", &["Sarnakh Team"], "ro"),
        )
        .await
        .expect("quote");
    let mut off = item("Old", "lead", &[], "en");
    off.active = Some(false);
    let old = s.create_content(&marketing, &off).await.expect("old");
    // Twelve leads; Iranian ones interested in the team product.
    let mut leads: Vec<Lead> = Vec::new();
    for i in 0..12 {
        let mut d = qualified_lead(
            &format!("C{i}"),
            &format!("c{i}@c.example"),
            &format!("Co {i}"),
        );
        d.country = Some(["IR", "RO", "DE"][i % 3].into());
        d.products = if i % 3 == 0 {
            vec!["Sarnakh Team".into()]
        } else {
            vec![]
        };
        d.owner_id = [Some(rep_user.id), Some(other.id), None][(i / 3) % 3];
        leads.push(s.capture_lead(&Actor::SYSTEM, &d).await.expect("capture"));
    }
    let next = s
        .lead_next_content(&marketing, leads[0].id)
        .await
        .expect("next");
    let ids: Vec<ContentId> = next.items.iter().map(|i| i.id).collect();
    assert_eq!(
        (next.language.as_deref(), ids),
        (Some("fa"), vec![team_fa.id, guide.id])
    );
    assert!(
        s.lead_next_content(&rep, leads[3].id).await.is_err(),
        "another rep's lead is hidden"
    );
    let inactive = s
        .send_content(&marketing, RecordRef::Lead(leads[1].id), old.id)
        .await;
    assert!(matches!(inactive, Err(Error::Conflict(_))));
    assert!(
        f.store
            .activities_of(RecordRef::Lead(leads[1].id))
            .await
            .expect("acts")
            .is_empty()
    );
    // Sendings, then outcomes: some before, some after.
    let mut sends: Vec<(ContentId, LeadId, DateTime<Utc>)> = Vec::new();
    let mut won: HashMap<LeadId, DateTime<Utc>> = HashMap::new();
    for (i, lead) in leads.iter_mut().enumerate() {
        f.advance(Duration::minutes(5));
        if i % 4 == 1 {
            *lead = s
                .qualify_lead(&Actor::SYSTEM, lead.id, &LifecycleInput::default())
                .await
                .expect("early");
        }
        let content = [guide.id, team_fa.id, case.id][i % 3];
        let (activity, _) = s
            .send_content(&marketing, RecordRef::Lead(lead.id), content)
            .await
            .expect("send");
        assert_eq!(
            (activity.kind, activity.subject),
            (ActivityKind::Email, RecordRef::Lead(lead.id))
        );
        sends.push((content, lead.id, f.clock.now()));
        if i % 5 == 0 {
            sends.push((content, lead.id, f.clock.now()));
            s.send_content(&marketing, RecordRef::Lead(lead.id), content)
                .await
                .expect("twice");
        }
        f.advance(Duration::minutes(5));
        if i % 2 == 0 {
            if lead.qualified_at.is_none() {
                *lead = s
                    .qualify_lead(&Actor::SYSTEM, lead.id, &LifecycleInput::default())
                    .await
                    .expect("q");
            }
            let out = s
                .convert_lead(
                    &Actor::SYSTEM,
                    lead.id,
                    &convert(vec![opportunity("D", "10")]),
                )
                .await
                .expect("convert");
            *lead = out.lead;
            let deal = out.opportunities[0].id;
            let next = s.opportunity_next_content(&rep, deal).await;
            if lead.fields.owner_id == Some(rep_user.id) || lead.fields.owner_id.is_none() {
                let next = next.expect("the deal's suggestion");
                assert_eq!(
                    next.items.iter().map(|i| i.id).collect::<Vec<_>>(),
                    [quote.id]
                );
            }
            if i % 4 == 0 {
                f.advance(Duration::minutes(1));
                s.send_content(&Actor::SYSTEM, RecordRef::Opportunity(deal), quote.id)
                    .await
                    .expect("quote");
                sends.push((quote.id, lead.id, f.clock.now()));
                let close = CloseDraft {
                    outcome: Some("won".into()),
                    ..CloseDraft::default()
                };
                let d = s
                    .close_opportunity(&Actor::SYSTEM, deal, &close)
                    .await
                    .expect("won");
                won.insert(lead.id, d.closed_at.expect("closed"));
            }
        }
    }
    let sent_to_first = s
        .lead_next_content(&marketing, leads[0].id)
        .await
        .expect("next");
    assert!(
        sent_to_first.items.iter().all(|i| i.id != guide.id),
        "what was sent is not suggested again"
    );
    let today = f.clock.now().date_naive().to_string();
    let q = ReportQuery {
        from: Some(today.clone()),
        to: Some(today),
        ..ReportQuery::default()
    };
    for (actor, who) in [(&marketing, "marketing"), (&rep, "rep")] {
        let report = s.content_report(actor, &q).await.expect("report");
        let expected = recount(&sends, &leads, &won, actor);
        let got: Vec<(ContentId, [u64; 5])> = report
            .rows
            .iter()
            .map(|r| {
                let c = &r.counts;
                (
                    r.item.id,
                    [c.sends, c.leads, c.qualified, c.converted, c.won],
                )
            })
            .collect();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, expected, "content report as {who}");
    }
    let items: Vec<ContentItem> = s.list_content(&rep, None, true).await.expect("active");
    assert_eq!(items.len(), 4);
}

/// Per item: sendings, distinct leads, and of those the ones that qualified, converted or
/// won at or after their first sending (all sendings fall in the period).
fn recount(
    sends: &[(ContentId, LeadId, DateTime<Utc>)],
    leads: &[Lead],
    won: &HashMap<LeadId, DateTime<Utc>>,
    actor: &Actor,
) -> Vec<(ContentId, [u64; 5])> {
    let mut firsts: HashMap<(ContentId, LeadId), (DateTime<Utc>, u64)> = HashMap::new();
    for (c, l, at) in sends {
        let lead = leads.iter().find(|x| x.id == *l).expect("lead");
        if !actor.sees_lead(lead) {
            continue;
        }
        let e = firsts.entry((*c, *l)).or_insert((*at, 0));
        e.0 = e.0.min(*at);
        e.1 += 1;
    }
    let mut out: HashMap<ContentId, [u64; 5]> = HashMap::new();
    for ((c, l), (first, n)) in firsts {
        let lead = leads.iter().find(|x| x.id == l).expect("lead");
        let after = |t: Option<DateTime<Utc>>| u64::from(t.is_some_and(|t| t >= first));
        let row = out.entry(c).or_default();
        row[0] += n;
        row[1] += 1;
        row[2] += after(lead.qualified_at);
        row[3] += after(lead.converted_at);
        row[4] += after(won.get(&l).copied());
    }
    let mut v: Vec<(ContentId, [u64; 5])> = out.into_iter().collect();
    v.sort();
    v
}
