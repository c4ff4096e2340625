//! The engagement events at a tiny scale on SQLite: the generator writes about ten valid
//! events per lead, and the events scenario's answers and row counts add up (every fresh
//! event accepted, every re-sent one a duplicate, nothing else written).

use clap::Parser;
use sarnakh_bench::db::{RawDb, SqliteMode};
use sarnakh_bench::options::Options;
use sarnakh_bench::scenario::events::WARM_UP;
use sarnakh_core::domain::LeadId;
use sarnakh_core::store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_and_sent_events_are_all_recorded_once_and_resent_ones_are_duplicates() {
    let dir = std::env::temp_dir().join(format!("sarnakh-bench-events-{}", std::process::id()));
    let opts = Options::parse_from([
        "sarnakh-bench",
        "--scale",
        "300",
        "--scenario",
        "events",
        "--requests",
        "10",
        "--event-batch",
        "20,300",
        "--concurrency",
        "1,4",
        "--budget-secs",
        "60",
        "--no-server-probe",
        "--keep",
        dir.to_str().expect("utf-8 temp dir"),
    ]);
    let report = sarnakh_bench::run(&opts).await.expect("the harness runs");
    let run = &report.runs[0];
    let generated = run.generate.counts.events;
    // 70 % leads (0-16 events), 20 % prospects (4-24), 10 % converted (8-32): 10.4 a lead.
    assert!(
        (8 * 300..=13 * 300).contains(&generated),
        "{generated} events for 300 leads"
    );

    // Per batch size: two levels of fresh batches and one loop re-sending the first level's.
    assert_eq!(run.cases.len(), 6, "{:#?}", run.cases);
    let (mut http, mut raw) = (0, 0);
    for case in &run.cases {
        let e = case
            .events
            .as_ref()
            .expect("events cases carry event figures");
        let limit = case.limit.as_ref().expect("every case has a limit");
        assert_eq!(
            (case.sarnakh.errors, limit.errors),
            (0, 0),
            "{}: {:?} {:?}",
            case.case,
            case.sarnakh.first_error,
            limit.first_error
        );
        assert!(
            case.sarnakh.ok > 0 && limit.ok > 0,
            "{} sent nothing",
            case.case
        );
        let (sent, limit_sent) = (case.sarnakh.ok * e.batch as u64, limit.ok * e.batch as u64);
        if e.resend {
            assert_eq!((e.accepted, e.duplicates), (0, sent), "{}", case.case);
            assert_eq!((e.limit_accepted, e.limit_duplicates), (0, limit_sent));
        } else {
            assert_eq!((e.accepted, e.duplicates), (sent, 0), "{}", case.case);
            assert_eq!((e.limit_accepted, e.limit_duplicates), (limit_sent, 0));
        }
        assert!(e.events_per_second > 0.0 && e.limit_events_per_second > 0.0);
        // Sessions of one to five events: fewer leads than events, at least one per batch.
        assert!(
            e.score_updates_per_second > 0.0 && e.score_updates_per_second <= e.events_per_second,
            "{}: {} score updates/s",
            case.case,
            e.score_updates_per_second
        );
        // Fresh loops also measure the multi-row ceiling, with rows of their own.
        assert_eq!(
            e.ceiling_events_per_second.is_some(),
            !e.resend,
            "{}",
            case.case
        );
        if e.resend {
            assert_eq!(e.ceiling_accepted, 0);
        } else {
            assert!(e.ceiling_accepted > 0 && e.ceiling_accepted % e.batch as u64 == 0);
        }
        (http, raw) = (
            http + e.accepted,
            raw + e.limit_accepted + e.ceiling_accepted,
        );
    }
    let resent = run.cases.iter().filter(|c| c.case.ends_with("re-sent"));
    assert_eq!(resent.count(), 2);

    let url = format!(
        "sqlite://{}",
        dir.join(format!("sarnakh_bench_{}_300.db", std::process::id()))
            .display()
    );
    let db = RawDb::sqlite(&url, 1, SqliteMode::Adapter, true)
        .await
        .expect("open the kept database");
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { db.fetch_i64(sql).await.expect(sql) }
    };
    let stored = count("select count(*) from events").await as u64;
    assert_eq!(stored, generated + http + raw + 2 * WARM_UP as u64);
    let kinds = sarnakh_core::domain::event::EventKind::expected().replace(", ", "', '");
    let unknown = format!("select count(*) from events where kind not in ('{kinds}')");
    assert_eq!(db.fetch_i64(&unknown).await.expect("kinds"), 0, "{unknown}");
    assert_eq!(count("select count(distinct kind) from events").await, 10);
    assert_eq!(
        count("select count(*) from events where kind = 'page_view' and url is null").await,
        0
    );
    assert!(count("select count(*) from events where url like '%/pricing'").await > 0);
    // Every event happened after its lead was captured, and was received after it happened.
    assert_eq!(count("select count(*) from events e join leads l on l.id = e.lead_id where e.occurred_at < l.created_at or e.received_at < e.occurred_at").await, 0);
    // Times as sqlx binds them (the generator writes its own text), whoever wrote the row.
    assert_eq!(count("select count(*) from events where occurred_at not like '____-__-__T__:__:__%+00:00' or received_at not like '____-__-__T__:__:__%+00:00'").await, 0);
    // Leads further in the funnel were more engaged.
    let per_lead = |stage: &'static str| {
        let db = db.clone();
        async move {
            let sql = format!(
                "select cast(avg(n) * 100 as bigint) from (select (select count(*) from events e where e.lead_id = l.id and e.id like 'ev-%') as n from leads l where l.stage = '{stage}')"
            );
            db.fetch_i64(&sql).await.expect("average")
        }
    };
    assert!(per_lead("converted").await > 2 * per_lead("lead").await);
    // The leads the scenario named were rescored (the generator writes every score as 0).
    assert!(count("select count(*) from leads where score_lines <> '[]'").await > 0);
    let lead: uuid::Uuid = db
        .fetch_uuids(&sarnakh_bench::db::Stmt::new(
            "select lead_id from events where id like 'ev-%' order by id limit 1",
            vec![],
        ))
        .await
        .expect("the first generated event")[0];
    db.close().await;

    let store = sarnakh_store_sqlite::SqliteStore::open(&url)
        .await
        .expect("the real store opens it");
    let events = store
        .events_of(LeadId::from_uuid(lead))
        .await
        .expect("generated events decode");
    assert!(events.iter().any(|e| e.id.starts_with("ev-")));
    let _ = std::fs::remove_dir_all(&dir);
}
