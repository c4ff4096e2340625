//! Conformance behaviours of rescoring after engagement events: the score a batch leaves is
//! the one a rescore from every event gives (decay and caps included), and a batch naming
//! hundreds of leads updates them all at once.

use crate::Fixture;
use crate::builders::lead;
use chrono::Duration;
use sarnakh_core::clock::Clock;
use sarnakh_core::domain::LeadId;
use sarnakh_core::domain::event::EventDraft;
use sarnakh_core::store::Store;
use std::sync::Arc;

/// More leads than one multi-row statement of the SQLite adapter carries (500).
const LEADS: usize = 505;

fn events_for(n: usize, round: usize, lead: LeadId) -> Vec<EventDraft> {
    let mut out = Vec::new();
    let mut push = |kind: &str, url: Option<&str>, hours_ago: i64| {
        out.push(EventDraft {
            id: Some(format!("r{round}-l{n}-e{}", out.len())),
            kind: Some(kind.into()),
            lead_id: Some(lead.to_string()),
            url: url.map(Into::into),
            occurred_at: Some(
                (chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z").expect("valid time")
                    + Duration::days(i64::try_from(round).expect("small") * 20)
                    - Duration::hours(hours_ago))
                .to_rfc3339(),
            ),
            ..EventDraft::default()
        });
    };
    push(
        "page_view",
        Some("https://sarnakh.example/pricing"),
        (n % 7) as i64 * 30,
    );
    push("page_view", Some("https://sarnakh.example/blog"), 1);
    if n.is_multiple_of(3) {
        push("demo_requested", None, 2);
    }
    if n % 4 == round % 4 {
        push("content_download", Some("/ebook"), 100);
        push("email_clicked", Some("/mail"), 5);
    }
    out
}

/// Two batches, twenty days apart, over 505 leads: every lead's stored score, breakdown and
/// grade equal a rescore from all its events at the same instant.
pub async fn scores_after_event_batches_equal_a_rescore_from_every_event(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut ids = Vec::with_capacity(LEADS);
    for n in 0..LEADS {
        let email = format!("lead{n}@firma.ro");
        let l = f
            .services
            .capture_lead(&f.actor(), &lead("Ana", &email))
            .await
            .expect("capture");
        ids.push(l.id);
    }
    for round in 0..2 {
        if round > 0 {
            f.advance(Duration::days(20));
        }
        let batch: Vec<EventDraft> = ids
            .iter()
            .enumerate()
            .flat_map(|(n, id)| events_for(n, round, *id))
            .collect();
        let report = f
            .services
            .ingest_events(&f.actor(), &batch)
            .await
            .expect("ingest");
        assert_eq!(
            report.accepted,
            batch.len(),
            "{:?}",
            report.rejected.first()
        );
    }
    let (_, rules) = f.services.scoring().await.expect("rules");
    let now = f.clock.now();
    let mut leads = f.store.get_leads(&ids).await.expect("read leads");
    assert_eq!(leads.len(), LEADS);
    leads.sort_by_key(|l| l.id);
    let mut events = f.store.events_of_leads(&ids).await.expect("read events");
    let mut with_points = 0;
    for l in &leads {
        let all = events.remove(&l.id).unwrap_or_default();
        let full = rules.score_with(l, &all, now);
        assert_eq!(
            (l.score, &l.score_lines, l.grade),
            (full.total, &full.lines, full.grade),
            "lead with {} events",
            all.len()
        );
        with_points += usize::from(l.score_lines.iter().any(|s| s.code == "demo_requested"));
    }
    assert_eq!(
        with_points,
        LEADS.div_ceil(3),
        "every third lead asked for a demo"
    );
    paced_rescore_decays_every_score(&f, &ids).await;
}

/// A month later the paced rescore (the scheduled one) pauses once between each two
/// batches, rescores every lead, and leaves each score equal to a rescore from every event
/// at that instant: the behaviour points have decayed.
async fn paced_rescore_decays_every_score(f: &Fixture, ids: &[LeadId]) {
    f.advance(Duration::days(30));
    let mut before = f.store.get_leads(ids).await.expect("read leads");
    before.sort_by_key(|l| l.id);
    let pauses = std::sync::Mutex::new(0_usize);
    let count = f
        .services
        .rescore_leads_paced(&f.actor(), |_| {
            *pauses.lock().expect("not poisoned") += 1;
            std::future::ready(())
        })
        .await
        .expect("rescore");
    let batch = usize::try_from(sarnakh_core::service::RESCORE_BATCH).expect("small");
    assert_eq!(count, LEADS);
    assert_eq!(
        *pauses.lock().expect("not poisoned"),
        LEADS.div_ceil(batch) - 1
    );
    let (_, rules) = f.services.scoring().await.expect("rules");
    let now = f.clock.now();
    let mut events = f.store.events_of_leads(ids).await.expect("read events");
    let mut after = f.store.get_leads(ids).await.expect("read leads");
    after.sort_by_key(|l| l.id);
    for l in &after {
        let full = rules.score_with(l, &events.remove(&l.id).unwrap_or_default(), now);
        assert_eq!(
            (l.score, &l.score_lines, l.grade),
            (full.total, &full.lines, full.grade)
        );
    }
    let changed = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.score != a.score)
        .count();
    assert!(changed > 0, "a month of decay changes some scores");
}

/// The events of some kinds only come back per lead, oldest first, without the others.
pub async fn events_of_some_kinds_are_read_per_lead_in_time_order(store: Arc<dyn Store>) {
    use sarnakh_core::domain::event::EventKind;
    let f = Fixture::new(store).await;
    let l = f
        .services
        .capture_lead(&f.actor(), &lead("Dan", "dan@firma.ro"))
        .await
        .expect("capture");
    let mut batch = events_for(0, 0, l.id);
    // Text that must come back as sent, whatever the read packs it in; two events at one
    // instant, told apart by their ids.
    for (id, url) in [
        ("q\"1'\\", "https://sarnakh.example/p?a=\"b\"&c=\\d\u{1f}e"),
        ("q0 سرنخ", "/صفحه/ș"),
    ] {
        batch.push(EventDraft {
            id: Some(id.into()),
            kind: Some("page_view".into()),
            lead_id: Some(l.id.to_string()),
            url: Some(url.into()),
            occurred_at: Some("2026-03-01T08:00:00.000001Z".into()),
            ..EventDraft::default()
        });
    }
    f.services
        .ingest_events(&f.actor(), &batch)
        .await
        .expect("ingest");
    let all = f.store.events_of_leads(&[l.id]).await.expect("read all");
    assert_eq!(
        all.get(&l.id),
        Some(&f.store.events_of(l.id).await.expect("read one by one")),
        "the same events, text, times and order, as read a row at a time"
    );
    let kinds = [EventKind::PageView, EventKind::DemoRequested];
    let mut read = f
        .store
        .events_of_leads_of_kinds(&[l.id], &kinds)
        .await
        .expect("read");
    let got = read.remove(&l.id).expect("the lead has events");
    assert_eq!(got.len(), 5, "four page views and the demo request");
    assert!(got.iter().all(|e| kinds.contains(&e.kind)));
    assert!(got.windows(2).all(|w| w[0].occurred_at <= w[1].occurred_at));
    let none = f
        .store
        .events_of_leads_of_kinds(&[l.id], &[])
        .await
        .expect("read");
    assert!(none.is_empty(), "no kinds, no events");
}

/// Batches sent at the same time, naming the same leads in different orders, all succeed and
/// are all recorded. (The lock-order deadlock this guards against on PostgreSQL needs more
/// overlap in time than a test can force; the bench's events scenario at c=32 shows it.)
pub async fn concurrent_batches_naming_the_same_leads_all_succeed(store: Arc<dyn Store>) {
    let f = Arc::new(Fixture::new(store).await);
    let mut ids = Vec::new();
    for n in 0..40 {
        let email = format!("shared{n}@firma.ro");
        let l = f
            .services
            .capture_lead(&f.actor(), &lead("Ana", &email))
            .await
            .expect("capture");
        ids.push(l.id);
    }
    let mut tasks = Vec::new();
    for round in 0..8 {
        let (f, mut ids) = (f.clone(), ids.clone());
        // Each batch names the leads in its own order.
        ids.rotate_left(round * 5);
        if round % 2 == 1 {
            ids.reverse();
        }
        tasks.push(tokio::spawn(async move {
            let batch: Vec<EventDraft> = ids
                .iter()
                .enumerate()
                .flat_map(|(n, id)| events_for(n, 0, *id))
                .map(|e| EventDraft {
                    id: e.id.map(|id| format!("c{round}-{id}")),
                    ..e
                })
                .collect();
            (
                batch.len(),
                f.services.ingest_events(&f.actor(), &batch).await,
            )
        }));
    }
    for t in tasks {
        let (sent, report) = t.await.expect("the task ran");
        let report = report.expect("the batch is recorded");
        assert_eq!(report.accepted, sent, "{:?}", report.rejected.first());
    }
}
