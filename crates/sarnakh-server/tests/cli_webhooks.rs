//! `sarnakh webhook` as a real process on a temporary SQLite file: add (secret shown once),
//! list, a refused loopback URL (and the same URL accepted with `webhook_allow_private`),
//! deliveries, replay of an unknown delivery, remove.

use std::path::Path;
use std::process::{Command, Output};

fn sarnakh(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sarnakh"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SARNAKH_DATABASE_URL")
        .env_remove("SARNAKH_CONFIG")
        .env_remove("SARNAKH_WEBHOOK_ALLOW_PRIVATE")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run sarnakh")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn webhooks_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let add = sarnakh(
        d,
        &[
            "webhook",
            "add",
            "--url",
            "https://hooks.example.com/in",
            "--events",
            "lead.created,opportunity.won",
        ],
        &[],
    );
    let out = text(&add.stdout);
    assert!(add.status.success(), "{}", text(&add.stderr));
    assert!(out.contains("\"secret\": \"whsec_"), "{out}");
    let json_end = out.rfind('}').expect("json");
    let hook: serde_json::Value = serde_json::from_str(&out[..=json_end]).expect("json");
    let id = hook["id"].as_str().expect("id").to_owned();
    assert_eq!(
        hook["events"],
        serde_json::json!(["lead.created", "opportunity.won"])
    );

    let refused = sarnakh(
        d,
        &[
            "webhook",
            "add",
            "--url",
            "http://0x7f.1:8080/in",
            "--events",
            "*",
        ],
        &[],
    );
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(err.contains("url") && err.contains("127.0.0.1"), "{err}");
    let allowed = sarnakh(
        d,
        &[
            "webhook",
            "add",
            "--url",
            "http://127.0.0.1:8080/in",
            "--events",
            "*",
        ],
        &[("SARNAKH_WEBHOOK_ALLOW_PRIVATE", "true")],
    );
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));

    let list = text(&sarnakh(d, &["webhook", "list"], &[]).stdout);
    assert!(
        list.contains(&id) && list.contains("https://hooks.example.com/in"),
        "{list}"
    );
    assert!(!list.contains("whsec_"), "the secret is not listed");
    let deliveries = sarnakh(d, &["webhook", "deliveries", &id, "--status", "dead"], &[]);
    assert!(deliveries.status.success(), "{}", text(&deliveries.stderr));
    let replay = sarnakh(
        d,
        &["webhook", "replay", "019ad2c4-0000-7000-8000-000000000000"],
        &[],
    );
    assert!(!replay.status.success());
    assert!(
        text(&replay.stderr).contains("not found"),
        "{}",
        text(&replay.stderr)
    );
    let remove = sarnakh(d, &["webhook", "remove", &id], &[]);
    assert!(remove.status.success(), "{}", text(&remove.stderr));
    assert!(!text(&sarnakh(d, &["webhook", "list"], &[]).stdout).contains(&id));
}
