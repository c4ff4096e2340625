//! The store conformance suite on PostgreSQL: each test gets its own fresh database on the
//! server named by `SARNAKH_TEST_POSTGRES_URL` (`postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Without that variable the tests are skipped (with a note on stderr), except under
//! `CI=true`, where skipping would hide a missing database and so fails loudly instead.
//! Test databases are named `sarnakh_test_<uuidv7>`; ones left behind by runs more than an
//! hour old are dropped by the next run.

use sarnakh_core::store::Store;
use sarnakh_store_postgres::PostgresStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

const URL_VAR: &str = "SARNAKH_TEST_POSTGRES_URL";
const PREFIX: &str = "sarnakh_test_";
/// Pool size per test: 22 tests in parallel stay well below `max_connections = 100`.
const MAX_CONNECTIONS: u32 = 4;
/// Test databases older than this are assumed abandoned.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

static SKIP_NOTED: AtomicBool = AtomicBool::new(false);
static SWEPT: AtomicBool = AtomicBool::new(false);

async fn fresh_store() -> Option<Arc<dyn Store>> {
    let test_url = fresh_database().await?;
    let store = PostgresStore::open_with(&test_url, MAX_CONNECTIONS)
        .await
        .unwrap_or_else(|e| panic!("open postgres store on {test_url}: {e}"));
    Some(Arc::new(store))
}

/// A URL of a new, empty database on the test server, or `None` when skipping.
async fn fresh_database() -> Option<String> {
    let Some(url) = std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty()) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "CI=true requires {URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/postgres); refusing to skip the PostgreSQL conformance tests"
            );
        }
        if !SKIP_NOTED.swap(true, Ordering::SeqCst) {
            // Straight to stderr, past libtest's output capture, so the skip is seen.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {URL_VAR} is not set; PostgreSQL conformance tests did not run"
            );
        }
        return None;
    };
    let server = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("{URL_VAR} is not a PostgreSQL URL: {e}"));
    let mut admin = PgConnection::connect_with(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL server at {URL_VAR}: {e}"));
    if !SWEPT.swap(true, Ordering::SeqCst) {
        drop_stale_databases(&mut admin).await;
    }
    let name = format!("{PREFIX}{}", Uuid::now_v7().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    admin.close().await.expect("close the admin connection");
    Some(server.database(&name).to_url_lossy().to_string())
}

/// Drops test databases whose UUIDv7 name says they were made over an hour ago.
/// Best effort: a failure here is reported but does not fail the test.
async fn drop_stale_databases(admin: &mut PgConnection) {
    let names: Vec<String> = match sqlx::query_scalar(
        "select datname from pg_database where datname like 'sarnakh\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    {
        Ok(names) => names,
        Err(e) => {
            eprintln!("could not list old test databases: {e}");
            return;
        }
    };
    let cutoff = SystemTime::now()
        .checked_sub(STALE_AFTER)
        .unwrap_or(UNIX_EPOCH);
    for name in names {
        let Some(created) = name
            .strip_prefix(PREFIX)
            .and_then(|id| Uuid::parse_str(id).ok())
            .and_then(|id| id.get_timestamp())
        else {
            continue;
        };
        let (secs, nanos) = created.to_unix();
        if UNIX_EPOCH + Duration::new(secs, nanos) >= cutoff {
            continue;
        }
        // Without `force`: a database someone is still connected to is left alone.
        let drop = format!("drop database if exists \"{name}\"");
        if let Err(e) = sqlx::query(&drop).execute(&mut *admin).await {
            eprintln!("could not drop old test database {name}: {e}");
        }
    }
}

sarnakh_testkit::conformance_tests!(fresh_store);

/// The history cannot be altered by any path, not even SQL against the database.
#[tokio::test]
async fn history_rows_refuse_update_and_delete() {
    use sarnakh_core::domain::lead::LeadDraft;
    use sarnakh_core::service::{Actor, Services};
    let Some(url) = fresh_database().await else {
        return;
    };
    let store = Arc::new(
        PostgresStore::open_with(&url, MAX_CONNECTIONS)
            .await
            .expect("open"),
    );
    let draft = LeadDraft {
        first_name: Some("Ali".into()),
        email: Some("ali@example.ir".into()),
        ..LeadDraft::default()
    };
    Services::new(store)
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    let mut conn = PgConnection::connect(&url).await.expect("connect");
    for sql in ["update history set kind = 'forged'", "delete from history"] {
        let result = sqlx::query(sql).execute(&mut conn).await;
        assert!(
            result.is_err_and(|e| e.to_string().contains("append-only")),
            "{sql} was not refused"
        );
    }
    let kinds: Vec<String> = sqlx::query_scalar("select kind from history")
        .fetch_all(&mut conn)
        .await
        .expect("read");
    assert_eq!(kinds, ["created"]);
}
