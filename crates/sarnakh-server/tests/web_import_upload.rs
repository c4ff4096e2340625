//! The import wizard's multipart upload in-process: a file far past the general body limit
//! streams into the import job in chunks; the session's token is the first part and is checked
//! before the file is read; no file and no text is a field error; nothing is written on refusal.

mod common;
mod web;

use axum::http::StatusCode;
use common::TestApp;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::{Actor, IMPORT_CHUNK_BYTES};
use web::{csrf, multipart, send, send_raw, signed_in_as};

async fn manager(app: &TestApp) -> String {
    let draft = UserDraft {
        email: Some("max@import.example".into()),
        display_name: Some("Max".into()),
        role: Some("sales_manager".into()),
        ..UserDraft::default()
    };
    signed_in_as(app, &draft).await
}

async fn jobs(app: &TestApp) -> Vec<sarnakh_core::store::ImportJob> {
    app.services
        .list_import_jobs(&Actor::SYSTEM)
        .await
        .expect("jobs")
}

/// A CSV of about `size` bytes: a header and numbered leads.
fn big_csv(size: usize) -> Vec<u8> {
    let mut csv = b"first_name,email,company\n".to_vec();
    let mut i = 0;
    while csv.len() < size {
        csv.extend_from_slice(format!("Lead{i},lead{i}@big.example,Firma {i}\n").as_bytes());
        i += 1;
    }
    csv
}

#[tokio::test]
async fn a_file_larger_than_the_form_limit_streams_into_the_import_in_chunks() {
    let app = TestApp::new().await;
    let cookie = manager(&app).await;
    let page = send(&app, "GET", "/settings/import", &cookie, "").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("type=\"file\" name=\"file\""));
    let token = csrf(&page.body);
    let csv = big_csv(3 * 1024 * 1024 + 17);
    assert!(csv.len() > 2 * IMPORT_CHUNK_BYTES);
    let (kind, body) = multipart(&[
        ("_csrf", None, token.as_bytes()),
        ("file", Some("big leads.csv"), &csv),
        ("csv", None, b""),
    ]);
    let uploaded = send_raw(&app, "POST", "/settings/import", &cookie, Some(&kind), body).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let stored = jobs(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].file_name, "big leads.csv");
    assert_eq!(stored[0].bytes, csv.len() as u64);
    assert_eq!(stored[0].status, "uploaded");
    assert_eq!(
        uploaded.location,
        format!("/settings/import/{}", stored[0].id)
    );
    let mut whole = Vec::new();
    for seq in 0..4 {
        if let Some(chunk) = app
            .services
            .import_chunk(stored[0].id, seq)
            .await
            .expect("chunk")
        {
            whole.extend_from_slice(&chunk);
        }
    }
    assert_eq!(whole, csv, "the chunks are the file, in order");
    let preview = send(&app, "GET", &uploaded.location, &cookie, "").await;
    assert!(
        preview.body.contains("<td>lead0@big.example</td>"),
        "{}",
        preview.body
    );
}

#[tokio::test]
async fn the_token_is_checked_before_the_file_and_a_refusal_writes_nothing() {
    let app = TestApp::new().await;
    let cookie = manager(&app).await;
    let token = csrf(
        &send(&app, "GET", "/settings/import", &cookie, "")
            .await
            .body,
    );
    let csv = b"first_name,email\nIoana,ioana@import.example\n";
    // The file before the token: refused, as is a wrong token or none.
    let late = multipart(&[
        ("file", Some("a.csv"), csv),
        ("_csrf", None, token.as_bytes()),
    ]);
    let wrong = multipart(&[("_csrf", None, b"0123"), ("file", Some("a.csv"), csv)]);
    for (kind, body) in [late, wrong] {
        let refused = send_raw(&app, "POST", "/settings/import", &cookie, Some(&kind), body).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    assert!(jobs(&app).await.is_empty());

    let (kind, empty) = multipart(&[
        ("_csrf", None, token.as_bytes()),
        ("file", Some(""), b""),
        ("csv", None, b""),
    ]);
    let shown = send_raw(
        &app,
        "POST",
        "/settings/import",
        &cookie,
        Some(&kind),
        empty,
    )
    .await;
    assert_eq!(
        shown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shown.body
    );
    assert!(shown.body.contains("id=\"import-file-error\">Required."));
    assert!(jobs(&app).await.is_empty());

    // Pasted text still works, through the same form.
    let (kind, pasted) = multipart(&[
        ("_csrf", None, token.as_bytes()),
        ("file", Some(""), b""),
        ("csv", None, csv),
    ]);
    let uploaded = send_raw(
        &app,
        "POST",
        "/settings/import",
        &cookie,
        Some(&kind),
        pasted,
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    assert_eq!(jobs(&app).await[0].bytes, csv.len() as u64);
}
