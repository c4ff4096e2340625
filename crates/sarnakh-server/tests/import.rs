//! `sarnakh import` as a real process: exact accounting, the error file, idempotent
//! re-imports, and resuming after `kill -9` at random moments with a consistent database.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn sarnakh(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sarnakh"));
    c.env("SARNAKH_DATABASE_URL", db).env("RUST_LOG", "warn");
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file of `rows` leads with a BOM, quoted commas, quotes and line breaks, and a bad row
/// every 97th (no first name, a bad email); returns how many rows are bad.
fn write_file(path: &std::path::Path, rows: usize) -> usize {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create csv"));
    f.write_all(b"\xEF\xBB\xBFId,First Name,Last Name,Email,Company,Notes,Country\r\n")
        .expect("write");
    let mut bad = 0;
    for i in 1..=rows {
        let (first, email) = if i % 97 == 0 {
            bad += 1;
            (String::new(), format!("broken{i}"))
        } else {
            (format!("Lead{i}"), format!("lead{i}@import.example"))
        };
        let notes = if i % 50 == 0 {
            "\"first line\nsecond, with a comma\nand \"\"quotes\"\"\"".to_owned()
        } else {
            String::new()
        };
        writeln!(
            f,
            "ext-{i},{first},\"Family, {i}\",{email},Company {},{notes},RO\r",
            i % 300
        )
        .expect("write");
    }
    f.flush().expect("flush");
    bad
}

const MAPPING: &str = r#"
entity = "leads"
external_id_column = "Id"
dedupe_by = "external_id"

[columns]
"First Name" = "first_name"
"Last Name" = "last_name"
Email = "email"
Company = "company"
Notes = "notes"
Country = "country"
"#;

async fn scalar(db: &str, sql: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(db).await.expect("open db");
    let v: String = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("query");
    v
}

#[tokio::test]
async fn a_killed_import_resumes_without_duplicates_and_the_counts_add_up() {
    let dir = std::env::temp_dir().join(format!("sarnakh-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = format!("sqlite://{}", dir.join("import.db").display());
    let csv = dir.join("leads.csv");
    let map = dir.join("leads.toml");
    let rows = 12_000;
    let bad = write_file(&csv, rows);
    std::fs::write(&map, MAPPING).expect("mapping");
    let migrate = sarnakh(&db).arg("migrate").output().expect("migrate");
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));

    let args = [
        "import",
        "leads",
        csv.to_str().expect("utf-8"),
        "--mapping",
        map.to_str().expect("utf-8"),
        "--batch-size",
        "300",
    ];
    let mut kills = 0;
    let mut seed: u64 = 0x5eed;
    let finished = loop {
        let mut child = sarnakh(&db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn import");
        if kills < 6 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let wait = 60 + (seed >> 33) % 400;
            std::thread::sleep(Duration::from_millis(wait));
            if child.try_wait().expect("poll").is_none() {
                child.kill().expect("kill -9");
                child.wait().expect("reap");
                kills += 1;
                assert_eq!(
                    scalar(&db, "pragma integrity_check").await,
                    "ok",
                    "consistent after kill {kills}"
                );
                continue;
            }
        }
        let out = child.wait_with_output().expect("import output");
        assert!(out.status.success(), "{}", text(&out.stderr));
        break text(&out.stdout);
    };
    assert!(
        kills >= 2,
        "the import was killed only {kills} times; slow it or kill sooner"
    );
    eprintln!("import finished after {kills} kills:\n{finished}");
    let good = rows - bad;
    // The first run to finish holds the counts of the whole import across its resumptions.
    // (A kill may land after a run finished but before it printed; the next command then
    // starts a new run, which finds every row unchanged.)
    assert_eq!(
        scalar(
            &db,
            "select rows_read || ' ' || created || ' ' || updated || ' ' || unchanged || ' ' || rejected \
             from import_runs where finished_at is not null order by started_at limit 1"
        )
        .await,
        format!("{rows} {good} 0 0 {bad}"),
        "after {kills} kills:\n{finished}"
    );
    if scalar(&db, "select cast(count(*) as text) from import_runs").await == "1" {
        assert!(
            finished.contains(&format!(
                "{rows} rows read: {good} created, 0 updated, 0 unchanged, {bad} rejected"
            )),
            "after {kills} kills:\n{finished}"
        );
    }
    assert_eq!(
        scalar(&db, "select cast(count(*) as text) from leads").await,
        good.to_string(),
        "no lead lost or duplicated"
    );
    assert_eq!(
        scalar(&db, "select cast(count(*) as text) from external_ids").await,
        good.to_string()
    );
    let errors = std::fs::read_to_string(dir.join("leads.errors.csv")).expect("error file");
    let mut reader = csv::Reader::from_reader(errors.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("csv")).collect();
    assert_eq!(records.len(), bad);
    assert_eq!(&records[0][0], "97", "the data row number");
    assert_eq!(
        &records[0][1], "100",
        "the line: the header, and row 50's two extra lines, come before it"
    );
    assert!(records[0][2].contains("first_name"), "{:?}", &records[0]);

    let again = sarnakh(&db).args(args).output().expect("again");
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains(&format!(
            "{rows} rows read: 0 created, 0 updated, {good} unchanged, {bad} rejected"
        )),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        scalar(&db, "select cast(count(*) as text) from leads").await,
        good.to_string()
    );
}

#[test]
fn an_edited_file_updates_what_changed_and_a_bad_mapping_names_its_problem() {
    let dir = std::env::temp_dir().join(format!("sarnakh-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = format!("sqlite://{}", dir.join("import.db").display());
    let csv = dir.join("leads.csv");
    let map = dir.join("leads.toml");
    std::fs::write(&map, MAPPING).expect("mapping");
    std::fs::write(
        &csv,
        "Id,First Name,Last Name,Email,Company,Notes,Country\n1,Ana,Pop,ana@x.ro,Firma,,RO\n2,Dan,Ion,dan@x.ro,Firma,,RO\n",
    )
    .expect("csv");
    let run = |db: &str| {
        sarnakh(db)
            .args([
                "import",
                "leads",
                csv.to_str().expect("utf-8"),
                "--mapping",
                map.to_str().expect("utf-8"),
            ])
            .output()
            .expect("import")
    };
    assert!(text(&run(&db).stdout).contains("2 rows read: 2 created"));
    std::fs::write(
        &csv,
        "Id,First Name,Last Name,Email,Company,Notes,Country\n1,Ana,Pop,ana@x.ro,Firma Noua,,RO\n2,Dan,Ion,dan@x.ro,Firma,,RO\n3,Eva,Lup,eva@x.ro,Firma,,RO\n",
    )
    .expect("csv");
    let out = text(&run(&db).stdout);
    assert!(
        out.contains("3 rows read: 1 created, 1 updated, 1 unchanged, 0 rejected"),
        "{out}"
    );
    std::fs::write(
        &map,
        "entity = \"leads\"\n[columns]\n\"First Name\" = \"first_nam\"\n",
    )
    .expect("bad mapping");
    let bad = run(&db);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("first_nam"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn accounts_then_opportunities_import_linked_and_a_mapping_for_another_entity_is_refused() {
    let dir = std::env::temp_dir().join(format!("sarnakh-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = format!("sqlite://{}", dir.join("import.db").display());
    let file = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::write(&path, body).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let accounts = file("accounts.csv", "Id,Name\nA1,Pars Steel\nA2,Carpati\n");
    let accounts_map = file(
        "accounts.toml",
        "entity = \"accounts\"\nexternal_id_column = \"Id\"\ndedupe_by = \"external_id\"\n[columns]\nName = \"name\"\n",
    );
    let deals = file(
        "deals.csv",
        "Id,Account,Name,Amount\nO1,A1,Steel ERP,1200\nO2,A9,Orphan,5\n",
    );
    let deals_map = file(
        "deals.toml",
        "entity = \"opportunities\"\nexternal_id_column = \"Id\"\ndedupe_by = \"external_id\"\ndefault_currency = \"EUR\"\n[columns]\nAccount = \"account_external_id\"\nName = \"name\"\nAmount = \"amount\"\n",
    );
    let run = |entity: &str, csv: &str, map: &str| {
        sarnakh(&db)
            .args(["import", entity, csv, "--mapping", map])
            .output()
            .expect("import")
    };
    let out = run("accounts", &accounts, &accounts_map);
    assert!(
        text(&out.stdout).contains("2 rows read: 2 created"),
        "{}",
        text(&out.stderr)
    );
    let out = run("opportunities", &deals, &deals_map);
    let printed = text(&out.stdout);
    assert!(
        printed.contains("2 rows read: 1 created, 0 updated, 0 unchanged, 1 rejected"),
        "{printed}{}",
        text(&out.stderr)
    );
    let errors = std::fs::read_to_string(dir.join("deals.errors.csv")).expect("error file");
    assert!(errors.contains("account_external_id"), "{errors}");
    let wrong = run("contacts", &deals, &deals_map);
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("a mapping for opportunities, not contacts"));
}
