//! The cohort's and the closed deals' counts per UTC day (`lead_days`, `deal_close_days`,
//! `deal_cohort_days`, and the open deals' `open_deal_days`; migrations `20261201000041_lead_days.sql`
//! and `20261201000044_kept_counts_by_owner.sql`) are kept by triggers, so the
//! reports that sum them are right only while the triggers follow every write of a lead or a
//! deal. The conformance recounts check the reports; this test checks the tables themselves
//! against a recount of the leads and deals: after a company built through the services, and
//! after each kind of change written straight to the tables (a lead's owner and queue, source, status and
//! reason, stage times, creation day; a deal won, lost, reopened, moved, changed, unlinked;
//! handed over; deletions; changes the counts do not hold), as any write path would.

#[allow(dead_code)] // the statement recorder is for the plan tests
mod common;

use common::fresh;
use sarnakh_core::store::{Finding, MaintenanceStore};
use sarnakh_store_sqlite::{KEPT_COUNTS, SqliteStore};
use sarnakh_testkit::conformance as c;
use sqlx::{Connection, SqliteConnection};

/// Fails with the number of differing rows when a table's kept counts and its recount
/// differ (a row that counts nothing is one).
async fn assert_kept(conn: &mut SqliteConnection, after: &str) {
    for kept in KEPT_COUNTS {
        let rows: i64 = sqlx::query_scalar(&kept.differences_sql())
            .fetch_one(&mut *conn)
            .await
            .expect("compare");
        assert_eq!(
            rows, 0,
            "after {after}: {} differs in {rows} rows",
            kept.table
        );
    }
}

#[tokio::test]
async fn the_counts_per_day_follow_every_change_of_a_lead_or_deal() {
    let dir = std::env::temp_dir().join(format!("sarnakh-lead-days-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (url, store) = fresh(&dir, 1).await;
    // A company built through the services: captures, the playbook's moves, disqualification
    // with reasons, conversion, deals.
    c::funnel_report_matches_a_plain_recount(store).await;
    let mut conn = SqliteConnection::connect(&url).await.expect("connect");
    let (rows, disqualified, won, closed, cohort): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "select count(*), sum(disqualified), sum(won), (select count(*) from deal_close_days), \
         (select count(*) from deal_cohort_days) from lead_days",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert!(
        rows > 5 && disqualified > 0 && won > 0 && closed > 0 && cohort > 0,
        "{rows} rows, {disqualified} disqualified, {won} won, {closed} and {cohort} deal rows"
    );
    assert_kept(&mut conn, "the services' writes").await;

    // The first lead by id, the next three, and so on: each change touches other leads.
    let some = |offset: u32, n: u32| {
        format!("id in (select id from leads order by id limit {n} offset {offset})")
    };
    let changes = [
        ("a new source", format!("update leads set source = 'partner' where {}", some(0, 2))),
        (
            "released to a team's queue",
            format!(
                "update leads set owner_id = null, team_id = x'0123456789abcdef0123456789abcdef' \
                 where {}",
                some(2, 3)
            ),
        ),
        (
            "assigned to another owner",
            format!(
                "update leads set owner_id = x'11111111111111111111111111111111' where {}",
                some(3, 3)
            ),
        ),
        (
            "an unowned lead moved to another queue",
            "update leads set team_id = x'22222222222222222222222222222222' \
             where id in (select id from leads where owner_id is null order by id limit 2)"
                .to_owned(),
        ),
        (
            "an owned lead's team (not counted apart)",
            "update leads set team_id = x'33333333333333333333333333333333' \
             where id in (select id from leads where owner_id is not null order by id limit 2)"
                .to_owned(),
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
            "a deal won",
            "update opportunities set status = 'won', closed_at = '2026-01-02T10:00:00+00:00', \
             loss_reason = null where id in (select id from opportunities where status = 'open' limit 2)"
                .to_owned(),
        ),
        (
            "an open deal moved, recategorised, re-dated and resized",
            "update opportunities set stage = 'proposal', forecast_category = 'commit', \
             expected_close_date = '2027-01-15', amount_minor = amount_minor + 7 \
             where id in (select id from opportunities where status = 'open' limit 3)"
                .to_owned(),
        ),
        (
            "an open deal undated and back to its stage's category",
            "update opportunities set forecast_category = null, expected_close_date = null \
             where id in (select id from opportunities where status = 'open' order by id desc limit 2)"
                .to_owned(),
        ),
        (
            "a won deal lost",
            "update opportunities set status = 'lost', loss_reason = 'price' \
             where id in (select id from opportunities where status = 'won' order by id limit 2)"
                .to_owned(),
        ),
        (
            "a lost deal reopened",
            "update opportunities set status = 'open', closed_at = null, loss_reason = null \
             where id in (select id from opportunities where status = 'lost' order by id desc limit 1)"
                .to_owned(),
        ),
        (
            "a won deal moved to another lead",
            "update opportunities set lead_id = (select id from leads order by id desc limit 1) \
             where id = (select id from opportunities where status = 'won' order by id desc limit 1)"
                .to_owned(),
        ),
        (
            "another amount, currency, reason and close day",
            "update opportunities set amount_minor = amount_minor + 100, currency = 'EUR', \
             closed_at = '2026-02-03T04:05:06+00:00', \
             loss_reason = case when status = 'lost' then 'timing' end \
             where id in (select id from opportunities where status in ('won', 'lost') limit 3)"
                .to_owned(),
        ),
        (
            "an open deal moved to the next stage (nothing else)",
            "update opportunities set stage = 'negotiation' \
             where id in (select id from opportunities where status = 'open' \
                           and stage <> 'negotiation' limit 2)"
                .to_owned(),
        ),
        (
            "an open deal's own category (nothing else)",
            "update opportunities set forecast_category = 'best_case' \
             where id in (select id from opportunities where status = 'open' \
                           and forecast_category is not 'best_case' limit 2)"
                .to_owned(),
        ),
        (
            "an open deal handed to another owner",
            "update opportunities set owner_id = x'77777777777777777777777777777777' \
             where id in (select id from opportunities where status = 'open' limit 2)"
                .to_owned(),
        ),
        (
            "a closed deal handed to another owner",
            "update opportunities set owner_id = x'44444444444444444444444444444444' \
             where id in (select id from opportunities where status in ('won', 'lost') limit 2)"
                .to_owned(),
        ),
        (
            "a closed deal's lead released to a queue",
            "update opportunities set lead_owner_id = null, \
             lead_team_id = x'55555555555555555555555555555555' \
             where id in (select id from opportunities where status in ('won', 'lost') \
                           order by id desc limit 2)"
                .to_owned(),
        ),
        (
            "a closed deal's unowned lead moved to another queue",
            "update opportunities set lead_team_id = x'66666666666666666666666666666666' \
             where id in (select id from opportunities where status in ('won', 'lost') \
                           and lead_owner_id is null limit 1)"
                .to_owned(),
        ),
        (
            "a lead's new source, followed by its deals",
            "update leads set source = 'event' \
             where id in (select lead_id from opportunities where status in ('won', 'lost') limit 2)"
                .to_owned(),
        ),
        (
            "a lead with a won deal disqualified",
            "update leads set status = 'disqualified', disqualify_reason = 'other' \
             where id in (select lead_id from opportunities where status = 'won' limit 1)"
                .to_owned(),
        ),
        (
            "a deal without a lead",
            "update opportunities set lead_id = null \
             where id = (select id from opportunities where status = 'lost' order by id limit 1)"
                .to_owned(),
        ),
        (
            "a deal deleted",
            "delete from opportunities \
             where id = (select id from opportunities where status = 'won' order by id limit 1)"
                .to_owned(),
        ),
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

    // `sarnakh check` finds a count that went wrong (here: written by hand).
    let store = SqliteStore::open(&url).await.expect("open");
    let kept = |f: &Finding| f.check == "kept_counts";
    let before = store.check().await.expect("check");
    assert!(!before.iter().any(kept), "{before:?}");
    let mut conn = SqliteConnection::connect(&url).await.expect("connect");
    sqlx::query(
        "update deal_close_days set deals = deals + 1 \
         where day = (select min(day) from deal_close_days)",
    )
    .execute(&mut conn)
    .await
    .expect("tamper");
    conn.close().await.expect("close");
    let after = store.check().await.expect("check");
    assert!(
        after
            .iter()
            .any(|f| kept(f) && f.detail.contains("deal_close_days")),
        "{after:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
