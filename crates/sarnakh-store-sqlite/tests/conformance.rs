//! The store conformance suite on SQLite: each test gets its own database file.

use sarnakh_core::store::Store;
use sarnakh_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn fresh_store() -> Option<Arc<dyn Store>> {
    let dir = std::env::temp_dir().join(format!("sarnakh-test-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let url = format!("sqlite://{}", dir.join("test.db").display());
    Some(Arc::new(
        SqliteStore::open(&url).await.expect("open sqlite store"),
    ))
}

sarnakh_testkit::conformance_tests!(fresh_store);
