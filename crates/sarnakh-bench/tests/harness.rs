//! The harness end to end at a tiny scale on SQLite: the report is well-formed, every
//! request succeeded (and 200 rows were imported, when a `sarnakh` binary is at hand), and
//! the generated data has the intended shape and decodes through the real store.

use clap::Parser;
use sarnakh_bench::db::{RawDb, SqliteMode};
use sarnakh_bench::options::Options;
use sarnakh_core::domain::PageRequest;
use sarnakh_core::store::{LeadFilter, Store};

fn near(value: u64, total: u64, share: f64, tolerance: f64) -> bool {
    let actual = value as f64 / total as f64;
    (actual - share).abs() <= tolerance
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_run_is_well_formed_and_the_data_has_the_intended_shape() {
    let dir = std::env::temp_dir().join(format!("sarnakh-bench-test-{}", std::process::id()));
    let opts = Options::parse_from([
        "sarnakh-bench",
        "--scale",
        "300",
        "--requests",
        "48",
        "--concurrency",
        "1,4",
        "--rate",
        "500",
        "--event-batch",
        "400",
        "--import-rows",
        "200",
        "--import-batch",
        "50",
        "--budget-secs",
        "20",
        "--mixed-rate",
        "40",
        "--mixed-secs",
        "2",
        "--no-server-probe",
        "--keep",
        dir.to_str().expect("utf-8 temp dir"),
    ]);
    let report = sarnakh_bench::run(&opts).await.expect("the harness runs");
    assert_eq!(report.runs.len(), 1);
    let run = &report.runs[0];
    let c = &run.generate.counts;
    assert_eq!(c.leads, 300);
    assert!(
        near(c.prospects, c.leads, 0.30, 0.08),
        "prospects {}",
        c.prospects
    );
    assert!(
        near(c.converted, c.leads, 0.10, 0.05),
        "converted {}",
        c.converted
    );
    assert!(
        c.opportunities >= c.converted
            && c.won + c.lost <= c.opportunities
            && c.won > 0
            && c.lost > c.won
    );
    assert!(
        near(c.activities, c.leads, 5.0, 1.0),
        "activities {}",
        c.activities
    );
    assert!(near(c.events, c.leads, 10.4, 2.0), "events {}", c.events);

    // The pages (each against the empty round trip) and the mix (no limit) all answered.
    for scenario in ["pages", "mixed"] {
        let cases: Vec<_> = run
            .cases
            .iter()
            .filter(|x| x.scenario == scenario)
            .collect();
        assert!(!cases.is_empty(), "no {scenario} case");
        for case in &cases {
            assert_eq!(
                case.sarnakh.errors, 0,
                "{scenario} {}: {:?}",
                case.case, case.sarnakh.first_error
            );
            assert!(case.sarnakh.ok > 0, "{scenario} {}", case.case);
            assert_eq!(case.limit.is_some(), scenario == "pages", "{}", case.case);
        }
    }
    let mix = run
        .cases
        .iter()
        .find(|x| x.scenario == "mixed")
        .expect("the mix");
    assert_eq!(mix.sarnakh.ok, 80, "40 a second for 2 seconds");

    for scenario in ["capture", "events", "lists", "lifecycle", "reports"] {
        let cases: Vec<_> = run
            .cases
            .iter()
            .filter(|x| x.scenario == scenario)
            .collect();
        assert!(!cases.is_empty(), "no {scenario} case");
        for case in cases {
            assert_eq!(
                case.sarnakh.errors, 0,
                "{scenario} {}: {:?}",
                case.case, case.sarnakh.first_error
            );
            let limit = case.limit.as_ref().expect("every case has a limit");
            assert_eq!(
                limit.errors, 0,
                "{scenario} {} limit: {:?}",
                case.case, limit.first_error
            );
            assert!(
                case.sarnakh.ok > 0
                    && case.sarnakh.p50_ms > 0.0
                    && case.sarnakh.p99_ms >= case.sarnakh.p50_ms
            );
            assert!(
                case.ratio.is_some_and(f64::is_finite),
                "{scenario} {} has no ratio",
                case.case
            );
            if scenario == "lists" {
                assert!(
                    case.rows.is_some_and(|r| r > 0),
                    "{} returned an empty page",
                    case.case
                );
            }
        }
    }
    // Import runs the real binary when there is one (`SARNAKH_BENCH_SERVER_BIN`, or next to
    // the bench); otherwise it is skipped and the report says why.
    match run.cases.iter().find(|x| x.scenario == "import") {
        Some(case) => {
            assert_eq!(case.sarnakh.errors, 0, "{:?}", case.sarnakh.first_error);
            let f = case
                .import
                .as_ref()
                .expect("an import case has its figures");
            assert_eq!(
                f.printed,
                "200 rows read: 200 created, 0 updated, 0 unchanged, 0 rejected"
            );
            assert!(f.peak_rss_mib > 0.0 && f.seconds > 0.0);
            let limit = case.limit.as_ref().expect("every case has a limit");
            assert_eq!((case.sarnakh.ok, limit.ok, limit.errors), (200, 200, 0));
            assert!(case.ratio.is_some_and(f64::is_finite));
        }
        None => assert!(
            run.notes.iter().any(|n| n.starts_with("import skipped")),
            "no import case and no note: {:?}",
            run.notes
        ),
    }
    assert_eq!(
        run.cases
            .iter()
            .filter(|x| x.scenario == "capture")
            .map(|x| x.sarnakh.ok)
            .sum::<u64>(),
        48 * 3
    );
    let json = serde_json::to_value(&report).expect("the report serialises");
    assert!(json["runs"][0]["cases"][0]["sarnakh"]["p99_ms"].is_number());
    assert!(sarnakh_bench::report::table(&report).contains("targets:"));

    // The kept database: the shape as stored, consistent keys, rows the real store decodes.
    let url = format!(
        "sqlite://{}",
        dir.join(format!("sarnakh_bench_{}_300.db", std::process::id()))
            .display()
    );
    let raw = RawDb::sqlite(&url, 1, SqliteMode::Adapter, true)
        .await
        .expect("open the kept database");
    let count = |sql: &'static str| {
        let raw = raw.clone();
        async move { raw.fetch_i64(sql).await.expect(sql) }
    };
    // Capture: the warm-up, then each loop over HTTP and raw; then 3 in 20 of the mix's 80.
    let captured = sarnakh_bench::scenario::capture::WARM_UP as i64 + 48 * 3 * 2 + 12;
    let leads = count("select count(*) from leads").await;
    assert_eq!(leads, 300 + captured);
    assert_eq!(count("select count(*) from leads l where l.stage = 'converted' and (l.contact_id is null or l.account_id is null)").await, 0);
    assert_eq!(
        count("select count(*) from pragma_foreign_key_check").await,
        0
    );
    assert!(count("select count(*) from accounts where customer_since is not null").await > 0);
    // Every deal keeps its lead's creation, source, campaign, country, owner and team, as the
    // store does.
    assert_eq!(
        count("select count(*) from opportunities o join leads l on l.id = o.lead_id where o.lead_created_at is not l.created_at or o.lead_source is not l.source or o.lead_campaign is not l.campaign or o.lead_country is not l.country or o.lead_owner_id is not l.owner_id or o.lead_team_id is not l.team_id").await,
        0
    );
    assert!(count("select count(*) from opportunities where lead_source is not null").await > 0);
    // The activity report's day counts add up to the activities, per day, owner and kind.
    assert_eq!(
        count("select count(*) from (select substr(occurred_at, 1, 10) as day, coalesce(owner_id, zeroblob(16)) as owner_key, kind, count(*) as n from activities group by 1, 2, 3) a full join activity_days d using (day, owner_key, kind) where a.n is not d.n").await,
        0
    );
    assert!(count("select count(*) from activity_days").await > 0);
    // The counts per day add up to the leads and deals, the generated ones (one recount
    // each) and those the scenarios wrote since (the store's triggers).
    for kept in sarnakh_store_sqlite::KEPT_COUNTS {
        let sql = kept.differences_sql();
        assert_eq!(
            raw.fetch_i64(&sql).await.expect("compare"),
            0,
            "{}",
            kept.table
        );
    }
    assert!(count("select count(*) from open_deal_days").await > 0);
    assert!(count("select count(*) from lead_days where disqualified = 1").await > 0);
    assert!(count("select sum(won) from lead_days").await > 0);
    assert!(count("select count(*) from deal_close_days where status = 'won'").await > 0);
    assert!(count("select count(*) from deal_cohort_days where status = 'lost'").await > 0);
    raw.close().await;
    // The indexes the generator set aside during the load are back as the migrations made them.
    let fresh = format!("sqlite://{}", dir.join("migrated.db").display());
    drop(
        sarnakh_store_sqlite::SqliteStore::open(&fresh)
            .await
            .expect("a freshly migrated database"),
    );
    assert_eq!(schema(&url).await, schema(&fresh).await);

    let store = sarnakh_store_sqlite::SqliteStore::open(&url)
        .await
        .expect("the real store opens it");
    let (mut seen, mut page) = (0, PageRequest::new(Some(200), None));
    loop {
        let p = store
            .list_leads(&LeadFilter::default(), &page)
            .await
            .expect("every lead decodes");
        seen += p.items.len();
        match p.next {
            Some(next) => page = PageRequest::new(Some(200), Some(next)),
            None => break,
        }
    }
    assert_eq!(seen as i64, leads);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every object of a SQLite database's schema with its SQL, sorted (`sqlite_master` order is
/// creation order, which the indexes rebuilt after a bulk load do not keep).
async fn schema(url: &str) -> Vec<(String, String, String, Option<String>)> {
    let db = RawDb::sqlite(url, 1, SqliteMode::Adapter, true)
        .await
        .expect("open the database");
    let RawDb::Sqlite(pool) = &db else {
        panic!("a SQLite pool");
    };
    let rows =
        sqlx::query_as("select type, name, tbl_name, sql from sqlite_master order by type, name")
            .fetch_all(pool)
            .await
            .expect("read the schema");
    db.close().await;
    rows
}
