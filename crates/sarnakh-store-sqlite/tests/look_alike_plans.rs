//! Every capture runs the look-alike check, so its statements must stay on indexes: a scan
//! there makes capture as slow as the tables are big (one contact scan took capture at 100,000
//! leads from 1,500 to 133 leads a second). SQLite plans the same without statistics on an
//! empty database as on a big one (Sarnakh never runs `analyze`), so the plans are checked here.

use sarnakh_store_sqlite::SqliteStore;
use sqlx::{Connection, Row};

/// The plan's steps of `sql`, with its five parameters bound.
async fn plan(conn: &mut sqlx::SqliteConnection, sql: &str) -> Vec<String> {
    sqlx::query(&format!("explain query plan {sql}"))
        .bind("ana@firma.ro")
        .bind("+40721234567")
        .bind("Firma SRL")
        .bind("firma srl")
        .bind(20_i64)
        .fetch_all(&mut *conn)
        .await
        .expect("explain")
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect()
}

#[tokio::test]
async fn the_look_alike_check_reads_only_through_indexes() {
    let dir = std::env::temp_dir().join(format!("sarnakh-plans-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("plans.db").display());
    drop(SqliteStore::open(&url).await.expect("open and migrate"));
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let steps = plan(&mut conn, sarnakh_store_sql::look_alikes::people()).await;
    // The two halves are read as subqueries (`lead_hits`, `contact_hits`); no table may be.
    let scans: Vec<&String> = steps
        .iter()
        .filter(|s| s.starts_with("SCAN") && !s.contains("_hits"))
        .collect();
    assert!(scans.is_empty(), "{scans:?} in {steps:#?}");
    let indexed = steps
        .iter()
        .filter(|s| s.starts_with("SEARCH") && s.contains(" USING "))
        .count();
    // Leads: email, phone, company; contacts: email, phone, name key, each with its account.
    assert_eq!(indexed, 9, "{steps:#?}");
    conn.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);
}
