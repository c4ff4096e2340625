//! The cohort's counts per UTC day (`lead_days`, migration `20261201000041_lead_days.sql`) are
//! kept by triggers, so the reports that sum them are right only while the triggers follow
//! every write of a lead. The conformance recounts check the reports; this test checks the
//! table itself against a recount of the leads: after a company built through the services,
//! and after each kind of change written straight to the table (source, status and reason,
//! stage times, creation day, a deletion, and changes the counts do not hold), as any write
//! path would.

#[allow(dead_code)] // the statement recorder is for the plan tests
mod common;

use common::fresh;
use sarnakh_testkit::conformance as c;
use sqlx::{Connection, SqliteConnection};

/// The counts the triggers keep, recounted from the leads (the migration's own aggregate).
const RECOUNT: &str = "select substr(created_at, 1, 10), source, status = 'disqualified', \
     case when status = 'disqualified' then coalesce(disqualify_reason, '') else '' end, \
     count(*), count(qualified_at), count(converted_at) \
     from leads group by 1, 2, 3, 4";

const KEPT: &str = "select day, source, disqualified, reason, leads, prospects, opportunities \
     from lead_days";

/// Fails with the differing rows when the kept counts and the recount differ, or a row
/// counts no lead.
async fn assert_kept(conn: &mut SqliteConnection, after: &str) {
    for (a, b, what) in [
        (KEPT, RECOUNT, "kept, not recounted"),
        (RECOUNT, KEPT, "recounted, not kept"),
    ] {
        type Row = (String, String, i64, String, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(&format!("{a} except {b}"))
            .fetch_all(&mut *conn)
            .await
            .expect("compare");
        assert!(rows.is_empty(), "after {after}: {what}: {rows:?}");
    }
    let empty: i64 = sqlx::query_scalar("select count(*) from lead_days where leads <= 0")
        .fetch_one(&mut *conn)
        .await
        .expect("empty rows");
    assert_eq!(
        empty, 0,
        "after {after}: rows that count no lead are removed"
    );
}

#[tokio::test]
async fn the_cohort_counts_per_day_follow_every_change_of_a_lead() {
    let dir = std::env::temp_dir().join(format!("sarnakh-lead-days-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (url, store) = fresh(&dir, 1).await;
    // A company built through the services: captures, the playbook's moves, disqualification
    // with reasons, conversion, deals.
    c::funnel_report_matches_a_plain_recount(store).await;
    let mut conn = SqliteConnection::connect(&url).await.expect("connect");
    let (rows, disqualified): (i64, i64) =
        sqlx::query_as("select count(*), coalesce(sum(disqualified), 0) from lead_days")
            .fetch_one(&mut conn)
            .await
            .expect("count");
    assert!(
        rows > 5 && disqualified > 0,
        "{rows} rows, {disqualified} disqualified"
    );
    assert_kept(&mut conn, "the services' writes").await;

    // The first lead by id, the next three, and so on: each change touches other leads.
    let some = |offset: u32, n: u32| {
        format!("id in (select id from leads order by id limit {n} offset {offset})")
    };
    let changes = [
        ("a new source", format!("update leads set source = 'partner' where {}", some(0, 2))),
        (
            "another owner and team (not counted apart)",
            format!(
                "update leads set owner_id = null, team_id = x'0123456789abcdef0123456789abcdef' \
                 where {}",
                some(2, 3)
            ),
        ),
        (
            "disqualified with a reason",
            format!(
                "update leads set status = 'disqualified', disqualify_reason = 'no_budget' \
                 where status <> 'disqualified' and {}",
                some(5, 4)
            ),
        ),
        (
            "another reason",
            "update leads set disqualify_reason = 'competitor' \
             where id = (select id from leads where status = 'disqualified' order by id limit 1)"
                .to_owned(),
        ),
        (
            "reopened",
            "update leads set status = 'working', disqualify_reason = null \
             where id in (select id from leads where status = 'disqualified' order by id desc limit 2)"
                .to_owned(),
        ),
        (
            "stage times cleared",
            "update leads set qualified_at = null, converted_at = null \
             where id in (select id from leads where converted_at is not null limit 2)"
                .to_owned(),
        ),
        (
            "qualified",
            "update leads set qualified_at = created_at \
             where id in (select id from leads where qualified_at is null limit 2)"
                .to_owned(),
        ),
        (
            "another creation day",
            format!(
                "update leads set created_at = '2020-02-29T23:59:59+00:00' where {}",
                some(9, 2)
            ),
        ),
        ("a deletion", format!("delete from leads where {}", some(11, 2))),
        (
            "a change the counts do not hold (score)",
            format!("update leads set score = score + 5 where {}", some(0, 20)),
        ),
    ];
    // A deleted lead's records stay behind here: only the counts are under test.
    sqlx::query("pragma foreign_keys = off")
        .execute(&mut conn)
        .await
        .expect("foreign keys off");
    for (what, sql) in changes {
        let done = sqlx::query(&sql).execute(&mut conn).await.expect(what);
        assert!(done.rows_affected() > 0, "{what} changed no lead");
        assert_kept(&mut conn, what).await;
    }
    conn.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);
}
