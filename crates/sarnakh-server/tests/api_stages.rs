//! The pipeline stage settings over HTTP, on SQLite and (when its URL is set) PostgreSQL: the
//! version as ETag, a change with If-Match, refusals (stale version, field errors, rights)
//! that write nothing, the change log, and the stage file through the `sarnakh` command line.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};
use std::process::Command;

fn stages(body: &Value) -> Vec<Value> {
    body["stages"].as_array().cloned().unwrap_or_default()
}

/// The stage list as a request: the read stages with `change` applied to the one of `key`.
fn request(read: &Value, key: &str, change: &dyn Fn(&mut Value)) -> Value {
    let list: Vec<Value> = stages(read)
        .into_iter()
        .map(|s| {
            let mut r = json!({ "key": s["key"], "name": s["name"], "labels": s["labels"] });
            if s["kind"] == "open" {
                r["probability"] = s["probability"].clone();
            }
            if s["key"] == key {
                change(&mut r);
            }
            r
        })
        .collect();
    json!({ "stages": list })
}

async fn stage_settings_change_with_if_match_and_refusals_write_nothing(app: TestApp) {
    let manager = app
        .token_for("m@stages-api.example", "sales_manager", None, "write")
        .await;
    let read = app.get("/api/v1/settings/stages").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.headers["etag"], "\"0\"");
    assert_eq!(stages(&read.body).len(), 7);
    let body = request(&read.body, "demo", &|s| s["probability"] = json!(55));

    let by_manager = app
        .as_user(
            &manager,
            "PUT",
            "/api/v1/settings/stages",
            Some(body.clone()),
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN);
    let bad = request(&read.body, "demo", &|s| {
        s["probability"] = json!(140);
        s["labels"] = json!({ "xx": "?" });
    });
    let refused = app
        .send_if_match("PUT", "/api/v1/settings/stages", bad, 0)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(fields, ["stages[2].labels.xx", "stages[2].probability"]);
    let stale = app
        .send_if_match("PUT", "/api/v1/settings/stages", body.clone(), 3)
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let unchanged = app.get("/api/v1/settings/stages").await;
    assert_eq!(unchanged.body, read.body, "refusals write nothing");

    let saved = app
        .send_if_match("PUT", "/api/v1/settings/stages", body.clone(), 0)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.headers["etag"], "\"1\"");
    assert_eq!(saved.body["stages"][2]["probability"], 55);
    let again = app
        .send_if_match("PUT", "/api/v1/settings/stages", body, 0)
        .await;
    assert_eq!(
        again.status,
        StatusCode::PRECONDITION_FAILED,
        "the old version is stale"
    );
    let log = app
        .as_user(&manager, "GET", "/api/v1/settings/stages/history", None)
        .await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(log.body[0]["version"], 1);
    assert_eq!(
        log.body[0]["changes"],
        json!([{ "field": "stages.demo.probability", "old": "40", "new": "55" }])
    );
}

#[tokio::test]
async fn stage_settings_change_with_if_match_and_refusals_write_nothing_on_sqlite() {
    stage_settings_change_with_if_match_and_refusals_write_nothing(TestApp::new().await).await;
}

#[tokio::test]
async fn stage_settings_change_with_if_match_and_refusals_write_nothing_on_postgres() {
    if let Some(app) = TestApp::postgres().await {
        stage_settings_change_with_if_match_and_refusals_write_nothing(app).await;
    }
}

fn sarnakh(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sarnakh")
}

#[test]
fn the_stage_file_round_trips_through_the_command_line() {
    let dir = std::env::temp_dir().join(format!("sarnakh-stages-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = format!("sqlite://{}", dir.join("cli.db").display());
    let shown = sarnakh(&db, &["stages", "show"]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let file: Value = serde_json::from_slice(&shown.stdout).expect("show prints a stage file");
    assert_eq!(file["stages"][0]["key"], "qualify");
    let toml = dir.join("stages.toml");
    std::fs::write(
        &toml,
        "[[stages]]\nkey = \"qualify\"\nname = \"Qualify\"\nprobability = 15\n\
         labels = { fa = \"ارزیابی\" }\n\n[[stages]]\nkey = \"won\"\nname = \"Won\"\n\n\
         [[stages]]\nkey = \"lost\"\nname = \"Lost\"\n",
    )
    .expect("write");
    let set = sarnakh(&db, &["stages", "set", toml.to_str().expect("utf-8 path")]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(String::from_utf8_lossy(&set.stdout).contains("pipeline version 1"));
    let shown: Value =
        serde_json::from_slice(&sarnakh(&db, &["stages", "show"]).stdout).expect("json");
    assert_eq!(shown["stages"].as_array().map(Vec::len), Some(3));
    assert_eq!(shown["stages"][0]["labels"]["fa"], "ارزیابی");
    std::fs::write(&toml, "[[stages]]\nkey = \"won\"\nname = \"Won\"\n").expect("write");
    let refused = sarnakh(&db, &["stages", "set", toml.to_str().expect("utf-8 path")]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("nothing was saved") && err.contains("open stage"),
        "{err}"
    );
}
