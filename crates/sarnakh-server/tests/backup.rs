//! Backup under write load, then restore: the backup is one consistent snapshot (its counts
//! lie between the live database's before and after, no capture is half present), and the
//! restored database passes `check` with the backup's counts and checksum exactly.

use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::service::{Actor, Services};
use sarnakh_server::demo::{DemoOptions, generate};
use sarnakh_server::store_url::{open_store, restore};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Record counts and a sha256 over the ordered ids and versions of leads and opportunities.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    leads: i64,
    opportunities: i64,
    accounts: i64,
    history: i64,
    checksum: String,
}

async fn fingerprint(path: &Path) -> Fingerprint {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("open the file");
    // One read transaction: every figure comes from the same snapshot.
    let mut tx = pool.begin().await.expect("begin");
    let mut counts = Vec::new();
    for table in ["leads", "opportunities", "accounts", "history"] {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&mut *tx)
            .await
            .expect("count");
        counts.push(n);
    }
    let mut hash = Sha256::new();
    for table in ["leads", "opportunities"] {
        let rows: Vec<(Vec<u8>, i64)> =
            sqlx::query_as(&format!("select id, version from {table} order by id"))
                .fetch_all(&mut *tx)
                .await
                .expect("ids");
        for (id, version) in rows {
            hash.update(&id);
            hash.update(version.to_le_bytes());
        }
    }
    tx.rollback().await.expect("end");
    pool.close().await;
    Fingerprint {
        leads: counts[0],
        opportunities: counts[1],
        accounts: counts[2],
        history: counts[3],
        checksum: format!("{:x}", hash.finalize()),
    }
}

fn draft(i: u64) -> LeadDraft {
    LeadDraft {
        first_name: Some(format!("Load{i}")),
        email: Some(format!("load{i}@backup-test.example")),
        company: Some(format!("Load Co {i}")),
        source: Some("api".into()),
        ..LeadDraft::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_to_an_identical_consistent_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = dir.path().join("live.db");
    let store = open_store(&format!("sqlite://{}", live.display()))
        .await
        .expect("open");
    generate(
        store.clone(),
        &DemoOptions {
            leads: 400,
            seed: 3,
        },
    )
    .await
    .expect("demo data");
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let (services, stop, written) =
            (Services::new(store.clone()), stop.clone(), written.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let i = written.load(Ordering::SeqCst);
                services
                    .capture_lead(&Actor::SYSTEM, &draft(i))
                    .await
                    .expect("capture under load");
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = fingerprint(&live).await;
    let during = written.load(Ordering::SeqCst);
    let backup = dir.path().join("backup.db");
    store.backup_to(&backup).await.expect("backup");
    let overlapped = written.load(Ordering::SeqCst) - during;
    let after = fingerprint(&live).await;
    while written.load(Ordering::SeqCst) < during + overlapped + 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");

    let snapshot = fingerprint(&backup).await;
    assert!(
        (before.leads..=after.leads).contains(&snapshot.leads),
        "backup {snapshot:?} is not between {before:?} and {after:?}"
    );
    // A capture writes its lead and its history row in one transaction: both or neither.
    assert_eq!(
        snapshot.history - before.history,
        snapshot.leads - before.leads,
        "a capture is half present in the backup"
    );
    eprintln!(
        "backup under load: {overlapped} captures committed while it ran; {} leads in the backup, {} live at the end",
        snapshot.leads,
        fingerprint(&live).await.leads
    );

    let restored = dir.path().join("restored.db");
    let restored_url = format!("sqlite://{}", restored.display());
    restore(&restored_url, &backup, false)
        .await
        .expect("restore");
    assert_eq!(fingerprint(&restored).await, snapshot);
    let reopened = open_store(&restored_url)
        .await
        .expect("the restored database opens");
    assert_eq!(reopened.check().await.expect("check"), vec![]);
    assert_eq!(store.check().await.expect("check the live one"), vec![]);
    let refused = restore(&restored_url, &backup, false).await;
    assert!(
        refused.is_err(),
        "an existing database is not replaced without --force"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "temporary files left behind: {names:?}");
}

#[tokio::test]
async fn a_file_that_is_not_a_sarnakh_backup_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").expect("write");
    let target = dir.path().join("target.db");
    let url = format!("sqlite://{}", target.display());
    let e = restore(&url, &junk, true).await.expect_err("refused");
    assert!(e.to_string().contains("not a SQLite database"), "{e}");
    let empty = dir.path().join("empty.db");
    let pool = SqlitePoolOptions::new()
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&empty)
                .create_if_missing(true),
        )
        .await
        .expect("create");
    sqlx::query("create table t (x)")
        .execute(&pool)
        .await
        .expect("table");
    pool.close().await;
    let e = restore(&url, &empty, true).await.expect_err("refused");
    assert!(e.to_string().contains("not a Sarnakh database"), "{e}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(left.len(), 2, "only the two inputs remain: {left:?}");
}

/// Fills a database with a small demo company, checks it clean, breaks two invariants
/// behind Sarnakh's back and checks that `check` names both.
async fn check_names_broken_invariants(url: &str) {
    let store = open_store(url).await.expect("open");
    generate(
        store.clone(),
        &DemoOptions {
            leads: 120,
            seed: 5,
        },
    )
    .await
    .expect("demo data");
    assert_eq!(store.check().await.expect("check"), vec![]);
    for sql in [
        "update leads set account_id = null where status = 'converted'",
        "update opportunities set closed_at = null where status = 'won'",
    ] {
        let changed = if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
            sqlx::query(sql)
                .execute(&pool)
                .await
                .expect("break")
                .rows_affected()
        } else {
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            sqlx::query(sql)
                .execute(&pool)
                .await
                .expect("break")
                .rows_affected()
        };
        assert!(changed > 0, "the demo has rows for: {sql}");
    }
    let checks: Vec<String> = store
        .check()
        .await
        .expect("check")
        .into_iter()
        .map(|f| f.check)
        .collect();
    assert_eq!(
        checks,
        [
            "converted_lead_without_account",
            "closed_deal_without_closed_at"
        ]
    );
}

#[tokio::test]
async fn check_names_broken_invariants_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    check_names_broken_invariants(&url).await;
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("connect");
    sqlx::query("pragma foreign_keys = off")
        .execute(&pool)
        .await
        .expect("off");
    sqlx::query("insert into opportunity_contacts (opportunity_id, contact_id, role) values (x'00', x'01', 'user')")
        .execute(&pool)
        .await
        .expect("a dangling row");
    pool.close().await;
    let store = open_store(&url).await.expect("open");
    let checks: Vec<String> = store
        .check()
        .await
        .expect("check")
        .into_iter()
        .map(|f| f.check)
        .collect();
    assert!(
        checks.contains(&"foreign_key_check".to_owned()),
        "{checks:?}"
    );
}

#[tokio::test]
async fn check_names_broken_invariants_on_postgres_which_backs_up_with_pg_dump() {
    let Some(url) = sarnakh_testkit::postgres::fresh_database().await else {
        return;
    };
    check_names_broken_invariants(&url).await;
    let store = open_store(&url).await.expect("open");
    let e = store
        .backup_to(Path::new("/tmp/never-written.db"))
        .await
        .expect_err("PostgreSQL refuses");
    assert!(e.to_string().contains("pg_dump"), "{e}");
    let e = restore(&url, Path::new("/tmp/never-written.db"), true)
        .await
        .expect_err("PostgreSQL refuses");
    assert!(e.to_string().contains("pg_restore"), "{e}");
}
