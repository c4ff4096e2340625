//! `/api/v1/imports`: upload, a mapping checked against the header, the background run with
//! progress and exact counts, the error file, managers only, and the worker lease that lets
//! another instance resume a job whose instance died (SQLite and PostgreSQL).

mod common;

use common::TestApp;
use sarnakh_core::clock::ManualClock;
use sarnakh_core::service::Services;
use serde_json::json;
use std::sync::Arc;

const ACCOUNTS: &str = "Id,Name,Country\nA1,Pars Steel,IR\nA2,,RO\nA3,Carpați Software,RO\n";
const MAPPING: &str = "entity = \"accounts\"\nexternal_id_column = \"Id\"\ndedupe_by = \"external_id\"\n[columns]\nName = \"name\"\nCountry = \"country\"\n";

async fn upload(app: &TestApp, body: &str) -> common::Reply {
    app.raw(
        "POST",
        "/api/v1/imports?file_name=accounts.csv",
        Some("text/csv"),
        body.as_bytes().to_vec(),
        &[],
    )
    .await
}

async fn an_uploaded_import_runs_in_the_background_with_exact_counts(app: TestApp) {
    let up = upload(&app, ACCOUNTS).await;
    assert_eq!(up.status, 201, "{}", up.body);
    assert_eq!(up.body["header"], json!(["Id", "Name", "Country"]));
    assert_eq!(up.body["job"]["status"], "uploaded");
    assert_eq!(up.body["job"]["bytes"], ACCOUNTS.len());
    let id = up.body["job"]["id"].as_str().expect("id").to_owned();

    let bad = "entity = \"accounts\"\n[columns]\nTitle = \"name\"\n";
    let refused = app
        .post(
            &format!("/api/v1/imports/{id}/start"),
            json!({ "mapping": bad }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.fields().iter().all(|f| f.starts_with("mapping")),
        "{:?}",
        refused.fields()
    );
    let job = app.get(&format!("/api/v1/imports/{id}")).await;
    assert_eq!(
        job.body["status"], "uploaded",
        "a refused start changes nothing"
    );

    let started = app
        .post(
            &format!("/api/v1/imports/{id}/start"),
            json!({ "mapping": MAPPING, "batch_size": 2 }),
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(started.body["status"], "queued");
    let again = app
        .post(
            &format!("/api/v1/imports/{id}/start"),
            json!({ "mapping": MAPPING }),
        )
        .await;
    assert_eq!(again.status, 409);

    sarnakh_server::import_worker::run_all(&app.services, uuid::Uuid::now_v7()).await;
    let job = app.get(&format!("/api/v1/imports/{id}")).await;
    assert_eq!(job.body["status"], "finished", "{}", job.body);
    assert_eq!(job.body["rows_total"], 3);
    assert_eq!(job.body["rows_done"], 3);
    assert_eq!(job.body["percent"], 100.0);
    assert_eq!(
        job.body["counts"],
        json!({ "read": 3, "created": 2, "updated": 0, "unchanged": 0, "rejected": 1 })
    );
    let accounts = app.get("/api/v1/accounts").await;
    assert_eq!(accounts.body["items"].as_array().map(Vec::len), Some(2));
    let errors = app.get(&format!("/api/v1/imports/{id}/errors")).await;
    assert_eq!(errors.status, 200);
    let text = errors.body.as_str().expect("csv text");
    assert!(
        text.starts_with("row,line,reason,Id,Name,Country"),
        "{text}"
    );
    assert!(text.contains("2,3,\"name: column"), "{text}");
    let list = app.get("/api/v1/imports").await;
    assert_eq!(list.body["items"][0]["id"], id.as_str());
}

async fn only_managers_import_and_a_refused_upload_stores_nothing(app: TestApp) {
    let rep = app
        .token_for("rep@imports.example", "sales_rep", None, "write")
        .await;
    let refused = app
        .raw(
            "POST",
            "/api/v1/imports",
            Some("text/csv"),
            ACCOUNTS.as_bytes().to_vec(),
            &[("authorization", &format!("Bearer {rep}"))],
        )
        .await;
    assert_eq!(refused.status, 403);
    let list = app.get("/api/v1/imports").await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_job_whose_worker_died_is_resumed_after_its_lease(app: TestApp) {
    let up = upload(&app, ACCOUNTS).await;
    let id = up.body["job"]["id"].as_str().expect("id").to_owned();
    app.post(
        &format!("/api/v1/imports/{id}/start"),
        json!({ "mapping": MAPPING }),
    )
    .await;
    let dead = uuid::Uuid::now_v7();
    let claimed = app.services.claim_import_job(dead).await.expect("claim");
    assert!(claimed.is_some(), "the first worker takes the job");
    let other = uuid::Uuid::now_v7();
    let none = app.services.claim_import_job(other).await.expect("claim");
    assert!(
        none.is_none(),
        "a live lease keeps the job from a second worker"
    );
    let later = chrono::Utc::now() + chrono::Duration::minutes(2);
    let clock = Arc::new(ManualClock::new(later));
    let elsewhere = Services::with_clock(app.store.clone(), clock);
    sarnakh_server::import_worker::run_all(&elsewhere, other).await;
    let job = app.get(&format!("/api/v1/imports/{id}")).await;
    assert_eq!(job.body["status"], "finished", "{}", job.body);
    assert_eq!(job.body["counts"]["created"], 2);
    let beat = app
        .services
        .beat_import_job(claimed.expect("job").id, dead)
        .await;
    assert_eq!(beat.ok(), Some(false), "the dead worker's lease is gone");
}

#[tokio::test]
async fn an_uploaded_import_runs_in_the_background_with_exact_counts_on_sqlite() {
    an_uploaded_import_runs_in_the_background_with_exact_counts(TestApp::new().await).await;
}

#[tokio::test]
async fn an_uploaded_import_runs_in_the_background_with_exact_counts_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        an_uploaded_import_runs_in_the_background_with_exact_counts(app).await;
    }
}

#[tokio::test]
async fn only_managers_import_and_a_refused_upload_stores_nothing_on_sqlite() {
    only_managers_import_and_a_refused_upload_stores_nothing(TestApp::new().await).await;
}

#[tokio::test]
async fn a_job_whose_worker_died_is_resumed_after_its_lease_on_sqlite() {
    a_job_whose_worker_died_is_resumed_after_its_lease(TestApp::new().await).await;
}

#[tokio::test]
async fn a_job_whose_worker_died_is_resumed_after_its_lease_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        a_job_whose_worker_died_is_resumed_after_its_lease(app).await;
    }
}
