//! The `sarnakh` command line, run as a real process against a fresh SQLite file.

use std::process::{Command, Output};

fn sarnakh(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sarnakh")
}

fn fresh_db() -> String {
    let dir = std::env::temp_dir().join(format!("sarnakh-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    format!("sqlite://{}", dir.join("cli.db").display())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_names_every_command() {
    let out = sarnakh(&fresh_db(), &["--help"]);
    let help = text(&out.stdout);
    assert!(out.status.success());
    for command in [
        "serve", "migrate", "demo", "lead", "user", "token", "playbook", "scoring", "score",
    ] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
    assert!(
        text(&sarnakh(&fresh_db(), &["lead", "add", "--help"]).stdout).contains("--first-name")
    );
}

#[test]
fn a_lead_added_on_the_command_line_is_listed_and_shown() {
    let db = fresh_db();
    let out = sarnakh(
        &db,
        &[
            "lead",
            "add",
            "--first-name",
            "Ana",
            "--last-name",
            "Ionescu",
            "--email",
            "Ana@Firma.RO",
            "--source",
            "event",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lead: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(lead["email"], "Ana@firma.ro");
    let id = lead["id"].as_str().expect("id");
    let list: serde_json::Value =
        serde_json::from_slice(&sarnakh(&db, &["lead", "list", "--json"]).stdout).expect("json");
    assert_eq!(
        list.as_array()
            .map(|a| a.iter().map(|l| l["id"].clone()).collect::<Vec<_>>()),
        Some(vec![lead["id"].clone()])
    );
    let shown = text(&sarnakh(&db, &["lead", "show", id]).stdout);
    assert!(
        shown.contains("Ionescu") && shown.contains("event"),
        "{shown}"
    );
}

#[test]
fn a_bad_lead_is_refused_with_a_message_per_field_and_nothing_is_saved() {
    let db = fresh_db();
    let out = sarnakh(
        &db,
        &[
            "lead",
            "add",
            "--first-name",
            "Ana",
            "--email",
            "nope",
            "--source",
            "fax",
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("--email") && err.contains("--source") && err.contains("web_form"),
        "{err}"
    );
    let list: serde_json::Value =
        serde_json::from_slice(&sarnakh(&db, &["lead", "list", "--json"]).stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(0));
}

#[test]
fn migrate_reports_and_an_unknown_database_scheme_fails_clearly() {
    let out = sarnakh(&fresh_db(), &["migrate"]);
    assert!(out.status.success() && text(&out.stdout).contains("migrated"));
    let out = sarnakh("mysql://localhost/crm", &["migrate"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unsupported database URL"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn users_are_added_with_a_strong_password_and_get_tokens() {
    use std::io::Write;
    let db = fresh_db();
    let mut weak = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args([
            "user",
            "add",
            "--email",
            "ops@example.com",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("SARNAKH_DATABASE_URL", &db)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    weak.stdin
        .take()
        .expect("stdin")
        .write_all(b"password1234\n")
        .expect("write");
    let out = weak.wait_with_output().expect("wait");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--password"),
        "{}",
        text(&out.stderr)
    );
    let listed = text(&sarnakh(&db, &["user", "list"]).stdout);
    assert!(
        !listed.contains("ops@example.com"),
        "a refused user must not be saved: {listed}"
    );
    let out = sarnakh(
        &db,
        &[
            "user",
            "add",
            "--email",
            "Ops@Example.com",
            "--role",
            "admin",
            "--team",
            "Core",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("password (shown once): "));
    let again = sarnakh(
        &db,
        &[
            "user",
            "add",
            "--email",
            "ops@example.com",
            "--role",
            "sales_rep",
        ],
    );
    assert!(!again.status.success() && text(&again.stderr).contains("--email"));
    let token = sarnakh(
        &db,
        &[
            "token",
            "create",
            "--user",
            "ops@example.com",
            "--scope",
            "write",
        ],
    );
    assert!(
        text(&token.stdout).contains("snk_"),
        "{}",
        text(&token.stderr)
    );
    let missing = sarnakh(&db, &["token", "create", "--user", "nobody@example.com"]);
    assert!(!missing.status.success() && text(&missing.stderr).contains("no user"));
    let disabled = sarnakh(&db, &["user", "disable", "ops@example.com"]);
    assert!(disabled.status.success(), "{}", text(&disabled.stderr));
    assert!(text(&sarnakh(&db, &["user", "list"]).stdout).contains("(disabled)"));
}

#[test]
fn a_playbook_file_in_toml_becomes_the_next_version() {
    let db = fresh_db();
    let dir = std::env::temp_dir().join(format!("sarnakh-playbook-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("playbook.toml");
    std::fs::write(&file, "convert = []\n\n[[qualify]]\ncode = \"need_recorded\"\nmessage = \"record the need\"\nkind = \"recorded\"\nfield = \"need\"\n").expect("write");
    let out = sarnakh(
        &db,
        &["playbook", "set", file.to_str().expect("utf-8 path")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("version 1"));
    let shown = text(&sarnakh(&db, &["playbook", "show"]).stdout);
    assert!(
        shown.contains("need_recorded") && !shown.contains("decision_role_recorded"),
        "{shown}"
    );
    std::fs::write(
        &file,
        "convert = []\nqualify = [{ code = \"x\", message = \"m\", kind = \"size_range\" }]\n",
    )
    .expect("write");
    let bad = sarnakh(
        &db,
        &["playbook", "set", file.to_str().expect("utf-8 path")],
    );
    assert!(
        !bad.status.success() && text(&bad.stderr).contains("size_range"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn scoring_rules_from_a_file_rescore_every_lead() {
    let db = fresh_db();
    let added = sarnakh(
        &db,
        &[
            "lead",
            "add",
            "--first-name",
            "Ana",
            "--email",
            "ana@gmail.com",
            "--json",
        ],
    );
    let lead: serde_json::Value = serde_json::from_slice(&added.stdout).expect("json");
    assert_eq!(
        (lead["score"].as_i64(), lead["grade"].as_str()),
        (Some(-10), Some("d")),
        "the shipped rules penalise free mail"
    );
    let dir = std::env::temp_dir().join(format!("sarnakh-scoring-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("scoring.json");
    std::fs::write(&file, r#"{"fit": [{"code": "has_email", "points": 12, "kind": "recorded", "field": "email"}], "grades": {"a": 30, "b": 20, "c": 10}}"#).expect("write");
    let out = sarnakh(&db, &["scoring", "set", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 leads rescored"),
        "{}",
        text(&out.stdout)
    );
    let shown: serde_json::Value = serde_json::from_slice(
        &sarnakh(
            &db,
            &["lead", "show", lead["id"].as_str().unwrap_or(""), "--json"],
        )
        .stdout,
    )
    .expect("json");
    assert_eq!(
        (shown["score"].as_i64(), shown["grade"].as_str()),
        (Some(12), Some("c"))
    );
}

#[test]
fn the_win_model_is_trained_from_the_demo_history_and_shown() {
    let db = fresh_db();
    let empty = sarnakh(&db, &["score", "train"]);
    assert!(!empty.status.success(), "training on nothing must fail");
    assert!(
        text(&empty.stderr).contains("at least 50"),
        "{}",
        text(&empty.stderr)
    );
    let demo = sarnakh(&db, &["demo", "--leads", "400"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    assert!(
        text(&demo.stdout).contains("win model trained on"),
        "{}",
        text(&demo.stdout)
    );
    assert!(
        text(&demo.stdout).contains("'http://127.0.0.1:8080/api/v1/leads?limit=5'"),
        "the default address in the hint: {}",
        text(&demo.stdout)
    );
    let out = sarnakh(&db, &["score", "train"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.starts_with("win model version 2 trained"),
        "{report}"
    );
    for needed in [
        "naive_bayes",
        "logistic",
        "<- in use",
        "calibration of",
        "observed won",
    ] {
        assert!(report.contains(needed), "{needed} missing from:\n{report}");
    }
    assert_eq!(
        report.lines().filter(|l| l.contains('%')).count(),
        10,
        "ten calibration bins:\n{report}"
    );
    let shown = text(&sarnakh(&db, &["score", "model"]).stdout);
    assert!(shown.starts_with("win model version 2"), "{shown}");
    let rescored = text(&sarnakh(&db, &["score", "rescore"]).stdout);
    assert!(rescored.contains("400 leads rescored"), "{rescored}");
}

#[test]
fn the_demo_hint_names_the_address_the_server_will_listen_on() {
    for (bind, shown) in [
        (
            "0.0.0.0:9191",
            "'http://127.0.0.1:9191/api/v1/leads?limit=5'",
        ),
        ("[::]:9292", "'http://[::1]:9292/api/v1/leads?limit=5'"),
        (
            "127.0.0.2:9393",
            "'http://127.0.0.2:9393/api/v1/leads?limit=5'",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sarnakh"))
            .args(["demo", "--leads", "60"])
            .env("SARNAKH_DATABASE_URL", fresh_db())
            .env("SARNAKH_BIND", bind)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run sarnakh");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(shown),
            "{bind}: {}",
            text(&out.stdout)
        );
    }
}
