//! The store conformance suite on PostgreSQL: each test gets its own fresh database on the
//! server named by `SARNAKH_TEST_POSTGRES_URL` (`postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Without that variable the tests are skipped (with a note on stderr), except under
//! `CI=true`, where skipping would hide a missing database and so fails loudly instead.
//! Test databases are named `sarnakh_test_<uuidv7>`; ones left behind by runs more than an
//! hour old are dropped by the next run.

use sarnakh_core::store::Store;
use sarnakh_store_postgres::PostgresStore;
use sarnakh_testkit::postgres::fresh_database;
use sqlx::{Connection, PgConnection};
use std::sync::Arc;

/// Pool size per test: the suite's tests run in parallel well below `max_connections = 100`.
const MAX_CONNECTIONS: u32 = 4;

async fn fresh_store() -> Option<Arc<dyn Store>> {
    let test_url = fresh_database().await?;
    let store = PostgresStore::open_with(&test_url, MAX_CONNECTIONS)
        .await
        .unwrap_or_else(|e| panic!("open postgres store on {test_url}: {e}"));
    Some(Arc::new(store))
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
