//! The layering of settings: defaults < file < environment < flags, and the errors.

use super::*;
use crate::store_url::DEFAULT_DATABASE_URL;
use std::collections::HashMap;

fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sarnakh.toml");
    std::fs::write(&path, text).expect("write the file");
    (dir, path)
}

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn each_layer_overrides_the_one_before() {
    let (_dir, path) = file(
        "bind = \"0.0.0.0:9000\"\nrate_limit_burst = 5\nrate_limit_per_token = 7\nretrain_every_hours = 3\n",
    );
    let env = env(&[
        ("SARNAKH_RATE_LIMIT_BURST", "6"),
        ("SARNAKH_RETRAIN_EVERY_HOURS", "4"),
    ]);
    let flags = [("retrain_every_hours", "5".to_owned())];
    let layered = Layered::load(Some(path.as_path()), &env, &flags).expect("load");
    let s = layered.settings().expect("settings");
    assert_eq!(s.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(s.rate_limit_per_token, 7);
    assert_eq!(s.rate_limit_burst, 6);
    assert_eq!(s.retrain_every_hours.hours(), 5.0);
    assert_eq!(s.rescore_every_hours.hours(), 24.0);
    assert_eq!(s.metrics_token, None);
    let shown = layered.show();
    let source = |key: &str| {
        shown
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, s)| s.clone())
            .expect("shown")
    };
    assert_eq!(source("rescore_every_hours"), "default");
    assert!(source("bind").starts_with("file "));
    assert_eq!(
        source("rate_limit_burst"),
        "environment variable SARNAKH_RATE_LIMIT_BURST"
    );
    assert_eq!(source("retrain_every_hours"), "flag --retrain-every-hours");
}

#[test]
fn an_unknown_key_in_the_file_is_an_error_naming_it() {
    let (_dir, path) = file("bind = \"127.0.0.1:1\"\nratelimit = 3\n");
    let e = Layered::load(Some(path.as_path()), &env(&[]), &[]).expect_err("unknown key");
    assert!(e.to_string().contains("unknown setting `ratelimit`"), "{e}");
}

#[test]
fn a_bad_value_names_the_setting_and_its_source() {
    let (_dir, path) = file("rate_limit_burst = -1\n");
    let e = Layered::load(Some(path.as_path()), &env(&[]), &[])
        .expect("load")
        .settings()
        .expect_err("negative");
    let text = e.to_string();
    assert!(
        text.contains("`rate_limit_burst`") && text.contains("file "),
        "{text}"
    );
    let e = Layered::load(None, &env(&[("SARNAKH_BIND", "nowhere")]), &[])
        .expect("load")
        .settings()
        .expect_err("bad address");
    assert!(
        e.to_string()
            .contains("`bind` from environment variable SARNAKH_BIND"),
        "{e}"
    );
    // A boolean is read (webhook_allow_private is one) but is no log format.
    let (_dir, path) = file("log_format = true\n");
    let e = Layered::load(Some(path.as_path()), &env(&[]), &[])
        .expect("load")
        .settings()
        .expect_err("boolean");
    assert!(e.to_string().contains("`log_format`"), "{e}");
}

#[test]
fn webhook_and_stream_settings_read_booleans_and_hide_the_nats_url() {
    let s = Layered::load(None, &env(&[]), &[])
        .expect("load")
        .settings()
        .expect("ok");
    assert!(
        !s.webhook_allow_private,
        "private targets are refused by default"
    );
    assert_eq!((s.nats_url, s.nats_stream.as_str()), (None, "SARNAKH"));
    let (_dir, path) =
        file("webhook_allow_private = true\nnats_url = \"nats://u:pw@127.0.0.1:4222\"\n");
    let layered = Layered::load(Some(path.as_path()), &env(&[]), &[]).expect("load");
    let s = layered.settings().expect("ok");
    assert!(s.webhook_allow_private);
    assert_eq!(s.nats_url.as_deref(), Some("nats://u:pw@127.0.0.1:4222"));
    let shown = layered.show();
    let nats = shown
        .iter()
        .find(|(k, _, _)| *k == "nats_url")
        .expect("shown");
    assert_eq!(nats.1, "***");
}

#[test]
fn a_named_file_that_is_missing_is_an_error() {
    let e = Layered::load(Some(Path::new("/nonexistent/sarnakh.toml")), &env(&[]), &[])
        .expect_err("missing");
    assert!(e.to_string().contains("/nonexistent/sarnakh.toml"), "{e}");
}

#[test]
fn secrets_are_redacted_when_shown() {
    let env = env(&[
        ("SARNAKH_DATABASE_URL", "postgres://crm:s3cret@db/crm"),
        ("SARNAKH_METRICS_TOKEN", "hush"),
    ]);
    let layered = Layered::load(None, &env, &[]).expect("load");
    let shown = format!("{:?}", layered.show());
    assert!(
        !shown.contains("s3cret") && !shown.contains("hush"),
        "{shown}"
    );
    assert!(shown.contains("postgres://crm:***@db/crm"), "{shown}");
    assert_eq!(
        layered.settings().expect("ok").metrics_token.as_deref(),
        Some("hush")
    );
}

#[test]
fn the_example_file_is_valid_and_loads_to_the_defaults() {
    let uncommented: String = example()
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.contains(" = ") && !l.contains("\"\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let (_dir, path) = file(&uncommented);
    let s = Layered::load(Some(path.as_path()), &env(&[]), &[])
        .expect("load")
        .settings()
        .expect("settings");
    assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
    assert_eq!(s.forecast_snapshot_every_days, 7);
    assert_eq!(s.log_format, LogFormat::Pretty);
}

#[test]
fn unknown_sarnakh_variables_are_named() {
    let names = [
        "SARNAKH_BIND",
        "SARNAKH_BINDD",
        "SARNAKH_CONFIG",
        "SARNAKH_TEST_POSTGRES_URL",
        "PATH",
    ]
    .map(str::to_owned);
    assert_eq!(unknown_env(names), ["SARNAKH_BINDD"]);
}

#[test]
fn mail_settings_hide_the_smtp_password_and_check_the_hour() {
    let env = env(&[
        (
            "SARNAKH_SMTP_URL",
            "smtps://mailer:pa55word@smtp.example.com:465",
        ),
        ("SARNAKH_DIGEST_HOUR", "6"),
        ("SARNAKH_PUBLIC_URL", "https://crm.example.com"),
    ]);
    let layered = Layered::load(None, &env, &[]).expect("load");
    let shown = format!("{:?}", layered.show());
    assert!(!shown.contains("pa55word"), "{shown}");
    assert!(
        shown.contains("smtps://mailer:***@smtp.example.com:465"),
        "{shown}"
    );
    let s = layered.settings().expect("ok");
    assert_eq!(s.digest_hour, 6);
    assert_eq!(s.mail_from, "Sarnakh <sarnakh@localhost>");
    assert_eq!(s.public_url.as_deref(), Some("https://crm.example.com"));
    let bad = Layered::load(None, &self::env(&[("SARNAKH_DIGEST_HOUR", "24")]), &[])
        .expect("load")
        .settings()
        .expect_err("24 is no hour");
    assert!(bad.to_string().contains("digest_hour"), "{bad}");
    let unset = Layered::load(None, &self::env(&[]), &[]).expect("load");
    assert_eq!(unset.settings().expect("ok").smtp_url, None);
    assert_eq!(unset.settings().expect("ok").digest_hour, 7);
}
