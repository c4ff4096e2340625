//! SQLite has no hash grouping: a report grouped by source, owner, campaign or country sorts
//! the period's leads unless it walks an index that leads with the group and holds every column
//! the pass reads (`leads_source_created`, `leads_owner_created`, `leads_campaign_created`,
//! `leads_country_created`). The recounts prove such a walk counts right, not that it stays a
//! walk: a changed index or statement would sort again, correct and slow, and only a benchmark
//! at scale would notice.
//!
//! The test runs the funnel, sources and activity recounts of the conformance suite on SQLite,
//! records every statement that names one of those indexes, and asks SQLite for its plan: each
//! must search that index and group without a temporary B-tree. (SQLite plans an index that
//! holds generated columns as `USING INDEX`, not `COVERING`, and defers the table seek until a
//! column outside the index is read, which these statements never do.)

mod common;

use common::{Recorder, fresh};
use sarnakh_testkit::conformance as c;
use sqlx::{Connection, Row};

/// The indexes a grouped cohort read walks.
const WALKED: &[&str] = &[
    "leads_source_created",
    "leads_owner_created",
    "leads_campaign_created",
    "leads_country_created",
];

#[tokio::test]
async fn reports_grouped_by_source_owner_campaign_or_country_walk_their_index_without_a_sort() {
    let recorder = Recorder::install();
    let dir = std::env::temp_dir().join(format!("sarnakh-report-plans-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (_, store) = fresh(&dir, 1).await;
    c::funnel_report_matches_a_plain_recount(store).await;
    let (_, store) = fresh(&dir, 2).await;
    c::sources_and_activity_reports_match_a_plain_recount(store).await;

    let walks: Vec<String> = recorder
        .statements()
        .into_iter()
        .filter(|sql| {
            WALKED
                .iter()
                .any(|i| sql.contains(&format!("indexed by {i}")))
        })
        .collect();
    let (url, _) = fresh(&dir, 0).await;
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let mut faults = Vec::new();
    for sql in &walks {
        let plan: Vec<String> = sqlx::query(&format!("explain query plan {sql}"))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("explain {sql}: {e}"))
            .iter()
            .map(|r| r.get::<String, _>("detail"))
            .collect();
        let walked = plan.iter().any(|step| {
            step.starts_with("SEARCH l USING ") && WALKED.iter().any(|i| step.contains(i))
        });
        // For a caller who sees only some owners' leads, SQLite reads just those owners'
        // ranges of the owner index (`MULTI-INDEX OR`) and sorts that small part: fewer rows
        // than walking every owner.
        let some_owners = sql.contains("indexed by leads_owner_created")
            && sql.contains("or (l.owner_id is null");
        let sorted = plan.iter().any(|step| step.contains("TEMP B-TREE"));
        if !walked || (sorted && !some_owners) {
            faults.push(format!("{}\n  in: {sql}", plan.join("\n  ")));
        }
    }
    conn.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);
    // By source, owner, campaign and country: the cohort pass (with and without an owner, a
    // campaign or a country), the activity funnel's new leads, and the activity report's first
    // contacts.
    assert!(
        walks.len() >= 10,
        "only {} walking statements were recorded: {walks:#?}",
        walks.len()
    );
    assert!(
        faults.is_empty(),
        "{} plans sort or read the table:\n{}",
        faults.len(),
        faults.join("\n\n")
    );
}
