//! `sarnakh export`, run as a real process against a fresh SQLite file: a raw export to a
//! file with the mapping that reads it back, the default export escaped on standard output,
//! and refusals that write nothing.

use sarnakh_core::import::{ImportReader, Mapping, ReaderOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sarnakh(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sarnakh"))
        .args(args)
        .env("SARNAKH_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sarnakh")
}

/// A fresh database in a fresh directory.
fn fresh() -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("sarnakh-export-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    (format!("sqlite://{}", dir.join("cli.db").display()), dir)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn add_lead(db: &str, first: &str, company: &str, source: &str) {
    let out = sarnakh(
        db,
        &[
            "lead",
            "add",
            "--first-name",
            first,
            "--email",
            &format!("{first}@firma.ro"),
            "--company",
            company,
            "--source",
            source,
            "--product",
            "CRM",
            "--product",
            "Support, 24/7",
            "--notes",
            "Call after 15:00\nPrefers \"email\"",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

#[test]
fn a_raw_export_writes_a_file_and_the_mapping_that_reads_it_back() {
    let (db, dir) = fresh();
    add_lead(&db, "Ana", "=HYPERLINK(\"http://x\")", "event");
    add_lead(&db, "Ion", "Firma SRL", "webinar");
    let (csv, toml) = (dir.join("leads.csv"), dir.join("leads.toml"));
    let out = sarnakh(
        &db,
        &[
            "export",
            "leads",
            "--source",
            "event",
            "--raw",
            "--mapping-out",
            path(&toml),
            "-o",
            path(&csv),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "the CSV went to the file");
    assert!(
        text(&out.stderr).contains("exported 1 leads"),
        "{}",
        text(&out.stderr)
    );

    let bytes = std::fs::read(&csv).expect("the CSV file");
    let mapping = Mapping::parse(&std::fs::read_to_string(&toml).expect("the mapping file"))
        .expect("the mapping parses");
    let reader = ImportReader::new(&bytes[..], ReaderOptions::default()).expect("a header");
    let bound = mapping
        .bind(reader.header())
        .expect("the mapping binds to the header");
    assert_eq!(bound.external_id_column(), Some("external_id"));
    assert!(bound.columns().all(|(column, field)| column == field));
    assert_eq!(
        reader.header()[..3],
        ["external_id", "first_name", "last_name"]
    );

    let rows: Vec<Vec<String>> = csv::Reader::from_reader(&bytes[..])
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 1, "only the event lead");
    let at = |name| reader.header().iter().position(|h| h == name).expect(name);
    assert_eq!(rows[0][at("company")], "=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0][at("products")], "CRM;Support, 24/7");
    assert_eq!(rows[0][at("notes")], "Call after 15:00\nPrefers \"email\"");
    assert!(!dir.join("leads.csv.part").exists());
}

#[test]
fn the_default_export_goes_to_standard_output_escaped() {
    let (db, _) = fresh();
    add_lead(&db, "Ana", "@Pars Co", "event");
    let out = sarnakh(&db, &["export", "leads"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte order mark for Excel");
    assert!(csv.starts_with("external_id,first_name,"), "{csv}");
    assert!(csv.contains(",'@Pars Co,"), "{csv}");
    for entity in ["opportunities", "accounts", "contacts"] {
        let out = sarnakh(&db, &["export", entity]);
        assert!(out.status.success(), "{entity}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("external_id,"), "{entity}");
    }
}

#[test]
fn bad_requests_are_refused_and_write_nothing() {
    let (db, dir) = fresh();
    let toml = dir.join("m.toml");
    let out = sarnakh(&db, &["export", "leads", "--mapping-out", path(&toml)]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--raw"), "{}", text(&out.stderr));
    let csv = dir.join("x.csv");
    let out = sarnakh(
        &db,
        &["export", "leads", "--stage", "nope", "-o", path(&csv)],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("stage"), "{}", text(&out.stderr));
    assert!(!csv.exists() && !toml.exists());
}

#[test]
fn a_raw_export_imported_into_an_empty_instance_exports_the_same() {
    let (db, dir) = fresh();
    add_lead(&db, "Ana", "=HYPERLINK(\"http://x\")", "event");
    add_lead(&db, "Ion", "Firma SRL", "webinar");
    add_lead(&db, "Zahra", "شرکت پارس", "referral");
    let (first, toml) = (dir.join("first.csv"), dir.join("leads.toml"));
    let out = sarnakh(
        &db,
        &[
            "export",
            "leads",
            "--raw",
            "--mapping-out",
            path(&toml),
            "-o",
            path(&first),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let (empty, _) = fresh();
    let imported = sarnakh(
        &empty,
        &["import", "leads", path(&first), "--mapping", path(&toml)],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(
        text(&imported.stdout)
            .contains("3 rows read: 3 created, 0 updated, 0 unchanged, 0 rejected"),
        "{}",
        text(&imported.stdout)
    );
    let second = dir.join("second.csv");
    let out = sarnakh(&empty, &["export", "leads", "--raw", "-o", path(&second)]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Ids are the instance's own, so compare everything but `external_id`, row by email.
    let rows = |p: &Path| {
        let mut reader = csv::Reader::from_path(p).expect("csv");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows: Vec<Vec<(String, String)>> = reader
            .records()
            .map(|r| {
                header
                    .iter()
                    .cloned()
                    .zip(r.expect("record").iter().map(str::to_owned))
                    .filter(|(h, _)| h != "external_id")
                    .collect()
            })
            .collect();
        rows.sort_by(|a, b| {
            let email = |r: &Vec<(String, String)>| {
                r.iter().find(|(h, _)| h == "email").map(|(_, v)| v.clone())
            };
            email(a).cmp(&email(b))
        });
        rows
    };
    assert_eq!(rows(&first), rows(&second), "no differences");
    assert_eq!(rows(&first).len(), 3);
}
