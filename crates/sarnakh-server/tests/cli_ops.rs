//! `sarnakh config`, `backup`, `restore` and `check` run as a real process in a temporary
//! directory: settings and their sources, the errors of a bad file, a backup round trip.

use std::path::Path;
use std::process::{Command, Output};

fn sarnakh(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sarnakh"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SARNAKH_DATABASE_URL")
        .env_remove("SARNAKH_CONFIG")
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
fn config_show_reads_the_working_directory_file_and_names_each_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = sarnakh(dir.path(), &["config", "example"], &[]);
    assert!(example.status.success(), "{}", text(&example.stderr));
    assert!(text(&example.stdout).contains("# rate_limit_burst = 1000"));
    std::fs::write(
        dir.path().join("sarnakh.toml"),
        "database_url = \"postgres://crm:s3cret@db.internal/crm\"\nbind = \"0.0.0.0:9999\"\nrate_limit_burst = 10\n",
    )
    .expect("write");
    let out = sarnakh(
        dir.path(),
        &["config", "show", "--log-format", "json"],
        &[("SARNAKH_RATE_LIMIT_BURST", "20")],
    );
    let shown = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!shown.contains("s3cret"), "{shown}");
    let line = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("database_url").contains("postgres://crm:***@db.internal/crm"));
    assert!(line("bind").contains("0.0.0.0:9999") && line("bind").contains("(file sarnakh.toml)"));
    assert!(line("rate_limit_burst").contains("environment variable SARNAKH_RATE_LIMIT_BURST"));
    assert!(line("log_format").contains("flag --log-format"));
    assert!(line("rescore_every_hours").contains("(default)"));
}

#[test]
fn an_unknown_key_or_a_bad_value_stops_the_command_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("other.toml");
    std::fs::write(&file, "bind = \"127.0.0.1:1\"\nbindd = \"x\"\n").expect("write");
    let path = file.to_str().expect("utf-8 path");
    let out = sarnakh(dir.path(), &["--config", path, "config", "show"], &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown setting `bindd`"),
        "{}",
        text(&out.stderr)
    );
    let out = sarnakh(
        dir.path(),
        &["migrate"],
        &[("SARNAKH_RETRAIN_EVERY_HOURS", "daily")],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(
            "`retrain_every_hours` from environment variable SARNAKH_RETRAIN_EVERY_HOURS"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !dir.path().join("sarnakh.db").exists(),
        "nothing was created"
    );
}

#[test]
fn backup_restore_and_check_round_trip_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = [("SARNAKH_DATABASE_URL", "sqlite://live.db")];
    let copy = [("SARNAKH_DATABASE_URL", "sqlite://copy.db")];
    let out = sarnakh(
        dir.path(),
        &[
            "lead",
            "add",
            "--first-name",
            "Ana",
            "--email",
            "ana@firma.ro",
            "--source",
            "event",
        ],
        &live,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sarnakh(dir.path(), &["backup", "b.db"], &live);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sarnakh(dir.path(), &["backup", "b.db"], &live);
    assert!(!out.status.success(), "an existing file is not overwritten");
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    let out = sarnakh(dir.path(), &["restore", "b.db"], &copy);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sarnakh(dir.path(), &["restore", "b.db"], &copy);
    assert!(
        !out.status.success(),
        "an existing database is not replaced without --force"
    );
    let out = sarnakh(dir.path(), &["check"], &copy);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("ok"));
    let out = sarnakh(dir.path(), &["lead", "list", "--json"], &copy);
    assert!(
        text(&out.stdout).contains("ana@firma.ro"),
        "{}",
        text(&out.stdout)
    );
    let out = sarnakh(dir.path(), &["restore", "b.db", "--force"], &copy);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sarnakh(
        dir.path(),
        &["backup", "p.db"],
        &[("SARNAKH_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
    );
    assert!(!out.status.success());
}
