//! `sarnakh report`, run as a real process against a fresh SQLite file: table, CSV and JSON
//! output of the same figures, and a refused parameter named by its flag.

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
fn the_funnel_prints_as_a_table_csv_and_json() {
    let db = fresh_db();
    for (name, source) in [("Ana", "event"), ("Dan", "event"), ("Ion", "referral")] {
        let email = format!("{}@firma.ro", name.to_lowercase());
        let args = [
            "lead",
            "add",
            "--first-name",
            name,
            "--email",
            &email,
            "--source",
            source,
        ];
        let out = sarnakh(&db, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let json = sarnakh(
        &db,
        &[
            "report",
            "funnel",
            "--group-by",
            "source",
            "--format",
            "json",
        ],
    );
    assert!(json.status.success(), "{}", text(&json.stderr));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["total"]["leads"], 3);
    assert_eq!(report["rows"][0]["group"], "event");
    assert_eq!(report["rows"][0]["leads"], 2);
    let csv = text(
        &sarnakh(
            &db,
            &[
                "report",
                "funnel",
                "--group-by",
                "source",
                "--format",
                "csv",
            ],
        )
        .stdout,
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("group,leads,prospects"), "{csv}");
    assert!(lines.contains(&"event,2,0,0,0,0.0%,,"), "{csv}");
    assert!(lines.contains(&"total,3,0,0,0,0.0%,,"), "{csv}");
    let table = text(&sarnakh(&db, &["report", "funnel"]).stdout);
    assert!(
        table.contains("funnel (cohort mode)") && table.contains("disqualification reasons"),
        "{table}"
    );
    let pipeline = sarnakh(&db, &["report", "pipeline"]);
    assert!(pipeline.status.success() && text(&pipeline.stdout).contains("open pipeline"));
    let sources = sarnakh(&db, &["report", "sources", "--format", "csv"]);
    assert!(sources.status.success(), "{}", text(&sources.stderr));
    assert!(
        text(&sources.stdout).contains("\nevent,2,0,0,0,0,"),
        "{}",
        text(&sources.stdout)
    );
    let activity = text(&sarnakh(&db, &["report", "activity"]).stdout);
    assert!(
        activity.contains("target: first contact within 15 working minutes"),
        "{activity}"
    );
    let refused = sarnakh(&db, &["report", "win-loss", "--group-by", "colour"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("--group-by"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn rates_and_costs_are_set_and_listed_and_a_bad_one_changes_nothing() {
    let db = fresh_db();
    let set = sarnakh(
        &db,
        &["rates", "set", "RON", "0.2011", "--date", "2026-01-01"],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    let bad = sarnakh(&db, &["rates", "set", "RON", "-3", "--date", "2026-02-01"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("rate"), "{}", text(&bad.stderr));
    let listed = text(&sarnakh(&db, &["rates", "list"]).stdout);
    assert!(listed.contains("base currency EUR"), "{listed}");
    assert!(
        listed.contains("RON       2026-01-01    0.2011"),
        "{listed}"
    );
    assert!(!listed.contains("2026-02-01"), "{listed}");
    let cost = sarnakh(
        &db,
        &[
            "costs",
            "set",
            "spring",
            "1500",
            "EUR",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
        ],
    );
    assert!(cost.status.success(), "{}", text(&cost.stderr));
    let costs = text(&sarnakh(&db, &["costs", "list"]).stdout);
    assert!(
        costs.contains("spring  2026-03-01  2026-03-31  1500.00 EUR"),
        "{costs}"
    );
}

#[test]
fn the_forecast_prints_with_its_snapshot_and_target() {
    let db = fresh_db();
    let target = sarnakh(
        &db,
        &[
            "forecast",
            "target",
            "quarter",
            "2026-10-01",
            "50000",
            "EUR",
        ],
    );
    assert!(target.status.success(), "{}", text(&target.stderr));
    let refused = sarnakh(
        &db,
        &[
            "forecast",
            "target",
            "quarter",
            "2026-11-01",
            "50000",
            "EUR",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("does not start a quarter"),
        "{}",
        text(&refused.stderr)
    );
    let listed = text(&sarnakh(&db, &["forecast", "targets"]).stdout);
    assert_eq!(listed.lines().count(), 2, "one target: {listed}");
    let snap = sarnakh(&db, &["forecast", "snapshot"]);
    assert!(snap.status.success(), "{}", text(&snap.stderr));
    assert!(
        text(&snap.stdout).contains("0 deals"),
        "{}",
        text(&snap.stdout)
    );
    let json = sarnakh(
        &db,
        &[
            "report",
            "forecast",
            "--interval",
            "quarter",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--format",
            "json",
        ],
    );
    assert!(json.status.success(), "{}", text(&json.stderr));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["periods"][0]["from"], "2026-10-01");
    assert_eq!(
        report["periods"][0]["total"]["target"]["total"]["amount"],
        "50000.00"
    );
    let table = text(&sarnakh(&db, &["report", "forecast-accuracy"]).stdout);
    assert!(table.contains("Forecast accuracy in EUR"), "{table}");
    let bad = sarnakh(&db, &["report", "forecast", "--interval", "week"]);
    assert!(
        text(&bad.stderr).contains("--interval"),
        "{}",
        text(&bad.stderr)
    );
}
