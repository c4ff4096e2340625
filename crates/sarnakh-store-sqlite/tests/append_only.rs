//! The history cannot be altered by any path, not even SQL against the database file.

use sarnakh_core::domain::lead::LeadDraft;
use sarnakh_core::service::{Actor, Services};
use sarnakh_store_sqlite::SqliteStore;
use sqlx::Connection;
use std::sync::Arc;

#[tokio::test]
async fn history_rows_refuse_update_and_delete() {
    let dir = std::env::temp_dir().join(format!("sarnakh-audit-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("audit.db").display());
    let store = Arc::new(SqliteStore::open(&url).await.expect("open"));
    let draft = LeadDraft {
        first_name: Some("Ali".into()),
        email: Some("ali@example.ir".into()),
        ..LeadDraft::default()
    };
    Services::new(store)
        .capture_lead(&Actor::SYSTEM, &draft)
        .await
        .expect("capture");
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    for sql in [
        "update history set kind = 'forged'",
        "delete from history",
        "update history_changes set new_value = 'x'",
    ] {
        let result = sqlx::query(sql).execute(&mut conn).await;
        match sql {
            s if s.contains("history_changes") => {
                assert!(result.is_ok_and(|r| r.rows_affected() == 0), "{sql}")
            }
            _ => assert!(
                result.is_err_and(|e| e.to_string().contains("append-only")),
                "{sql} was not refused"
            ),
        }
    }
    let kinds: Vec<String> = sqlx::query_scalar("select kind from history")
        .fetch_all(&mut conn)
        .await
        .expect("read");
    assert_eq!(kinds, ["created"]);
}
