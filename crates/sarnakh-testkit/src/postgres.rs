//! Fresh PostgreSQL databases for tests, on the server named by `SARNAKH_TEST_POSTGRES_URL`
//! (`postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Without that variable the tests are skipped (with a note on stderr), except under
//! `CI=true`, where skipping would hide a missing database and so fails loudly instead.
//! Test databases are named `sarnakh_test_<uuidv7>`; ones left behind by runs more than an
//! hour old are dropped by the next run.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::io::Write;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

const URL_VAR: &str = "SARNAKH_TEST_POSTGRES_URL";
const PREFIX: &str = "sarnakh_test_";
/// Test databases older than this are assumed abandoned.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

static SKIP_NOTED: AtomicBool = AtomicBool::new(false);
static SWEPT: AtomicBool = AtomicBool::new(false);

/// A URL of a new, empty database on the test server, or `None` when skipping.
pub async fn fresh_database() -> Option<String> {
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
