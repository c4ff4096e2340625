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
async fn grouped_reports_and_the_forecast_read_their_indexes_without_a_sort() {
    let recorder = Recorder::install();
    let dir = std::env::temp_dir().join(format!("sarnakh-report-plans-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (_, store) = fresh(&dir, 1).await;
    c::funnel_report_matches_a_plain_recount(store).await;
    let (_, store) = fresh(&dir, 2).await;
    c::sources_and_activity_reports_match_a_plain_recount(store).await;
    let (_, store) = fresh(&dir, 3).await;
    c::forecast_report_matches_a_plain_recount(store).await;

    let statements = recorder.statements();
    let walks: Vec<String> = statements
        .iter()
        .filter(|sql| {
            WALKED
                .iter()
                .any(|i| sql.contains(&format!("indexed by {i}")))
        })
        .cloned()
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
    faults.extend(forecast_and_reasons_faults(&mut conn, &statements).await);
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

/// The plan of `sql` as (id, parent, detail) steps.
async fn plan_of(conn: &mut sqlx::SqliteConnection, sql: &str) -> Vec<(i64, i64, String)> {
    sqlx::query(&format!("explain query plan {sql}"))
        .fetch_all(conn)
        .await
        .unwrap_or_else(|e| panic!("explain {sql}: {e}"))
        .iter()
        .map(|r| (r.get("id"), r.get("parent"), r.get("detail")))
        .collect()
}

/// The faults of two more reads: the forecast sums the open deals once per stage, currency,
/// own category and expected close day, in the order of `opportunities_open` (only the days'
/// sums are regrouped per period), and a cohort's disqualification reasons are counted from a
/// search of `leads_status_created`.
async fn forecast_and_reasons_faults(
    conn: &mut sqlx::SqliteConnection,
    statements: &[String],
) -> Vec<String> {
    let mut faults = Vec::new();
    let mut days = 0;
    let mut reasons = 0;
    for sql in statements {
        if sql.starts_with("with d as (select o.expected_close_date as day") {
            // Ungrouped: the days' sums stream from the index (a grouping by owner or team
            // sorts, as it did before).
            days += 1;
            let plan = plan_of(conn, sql).await;
            let Some(&(root, _, _)) = plan.iter().find(|s| s.2 == "MATERIALIZE d") else {
                faults.push(format!("no materialized days in: {sql}"));
                continue;
            };
            let mut under = vec![root];
            for (id, parent, _) in &plan {
                if under.contains(parent) {
                    under.push(*id);
                }
            }
            let inner: Vec<&str> = plan
                .iter()
                .filter(|s| under.contains(&s.0) && s.0 != root)
                .map(|s| s.2.as_str())
                .collect();
            let walks = inner
                .iter()
                .any(|d| d.contains(" INDEX opportunities_open"));
            // A caller who sees a few owners' deals reads their ranges of
            // `opportunities_open_owner` and sorts that small part, as with leads above.
            let some_owners = sql.contains("indexed by opportunities_open_owner");
            let sorted = inner.iter().any(|d| d.contains("TEMP B-TREE"));
            if !walks || (sorted && !some_owners) {
                faults.push(format!("{}\n  in: {sql}", inner.join("\n  ")));
            }
        }
        if sql.contains("indexed by leads_status_created") && sql.contains("as reason") {
            reasons += 1;
            let plan = plan_of(conn, sql).await;
            let searched = plan
                .iter()
                .any(|s| s.2.starts_with("SEARCH l USING") && s.2.contains("leads_status_created"));
            if !searched {
                let steps: Vec<&str> = plan.iter().map(|s| s.2.as_str()).collect();
                faults.push(format!("{}\n  in: {sql}", steps.join("\n  ")));
            }
        }
    }
    if days == 0 {
        faults.push("no ungrouped forecast read of the open deals was recorded".into());
    }
    if reasons == 0 {
        faults.push("no cohort reasons read was recorded".into());
    }
    faults
}
