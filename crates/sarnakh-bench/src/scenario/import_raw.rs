//! The import scenario's limit: what the import writes for each new lead (the lead row with
//! every column the store binds, see `sarnakh-store-sql` `bind_lead!`; its `created`
//! history row; its external id), inserted by a minimal loop on a fresh database opened
//! with the store's durability settings: multi-row inserts of the store's
//! `ROWS_PER_STATEMENT` rows, one transaction per batch. Only the transactions are timed:
//! reading the file and building the rows is not the database's work.

use super::Ctx;
use super::import_file::{ImportRow, rows};
use crate::datagen::records::HistoryRow;
use crate::datagen::rows::{HISTORY_COLUMNS, HISTORY_COLUMNS_SEQ};
use crate::db::{Batch, Stmt, Value};
use crate::measure::Stats;
use crate::target::Target;
use anyhow::{Context, Result};
use chrono::{DateTime, SubsecRound, Utc};
use sarnakh_core::domain::scoring::{ScoreLine, ScoringRules};
use sarnakh_core::domain::text::match_key;
use sarnakh_store_sql::bulk::ROWS_PER_STATEMENT;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The columns the store writes for a new lead (`rows::LEAD_COLUMNS`, `sort_name`, `search`).
const LEAD_COLUMNS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company",
    "country",
    "source",
    "campaign",
    "products",
    "notes",
    "company_size",
    "industry",
    "need",
    "decision_role",
    "owner_id",
    "stage",
    "status",
    "disqualify_reason",
    "status_note",
    "nurture_until",
    "score",
    "account_id",
    "contact_id",
    "qualified_at",
    "converted_at",
    "created_at",
    "updated_at",
    "version",
    "team_id",
    "evidence",
    "score_lines",
    "grade",
    "sort_name",
    "search",
];
const EXTERNAL_COLUMNS: &[&str] = &["entity", "external_id", "record_id"];

/// Inserts the `total` rows of the run's seed in batches of `batch` on a fresh database
/// and returns the rows per second of the transactions (p50/p99: one transaction). `note`
/// is the history note the import writes (`import: <file>`).
pub async fn limit(ctx: &Ctx<'_>, total: u64, batch: usize, note: &str) -> Result<Stats> {
    let name = format!("{}_import_limit", ctx.scale);
    let target = Target::create_named(ctx.opts, &name).await?;
    let result = measure(&target, ctx.opts.seed, total, batch, note).await;
    target.cleanup().await?;
    result
}

async fn measure(
    target: &Target,
    seed: u64,
    total: u64,
    batch: usize,
    note: &str,
) -> Result<Stats> {
    // The real migrations, then a writer opened with the store's pragmas (SQLite: WAL,
    // synchronous=NORMAL, foreign keys on, 32 MiB cache).
    drop(
        target
            .open_store()
            .await
            .context("migrating the limit's database")?,
    );
    let raw = target.raw_writer().await?;
    let sqlite = raw.is_sqlite();
    let (mut source, mut seq, mut done) = (rows(seed, total), 0_i64, 0_u64);
    let (mut spent, mut steps) = (Duration::ZERO, Vec::new());
    loop {
        let chunk: Vec<ImportRow> = source.by_ref().take(batch.max(1)).collect();
        if chunk.is_empty() {
            break;
        }
        let stmts = statements(&chunk, sqlite, &mut seq, note);
        let started = Instant::now();
        raw.run_tx(&stmts).await.context("the raw import batch")?;
        let took = started.elapsed();
        (spent, done) = (spent + took, done + chunk.len() as u64);
        steps.push(took);
    }
    raw.close().await;
    Ok(Stats::of_job(done, spent, &steps))
}

/// The batch's multi-row inserts: leads, then history, then external ids.
fn statements(chunk: &[ImportRow], sqlite: bool, seq: &mut i64, note: &str) -> Vec<Stmt> {
    let history_columns = if sqlite {
        HISTORY_COLUMNS_SEQ
    } else {
        HISTORY_COLUMNS
    };
    let mut leads = Batch::new("leads", LEAD_COLUMNS);
    let mut history = Batch::new("history", history_columns);
    let mut external = Batch::new("external_ids", EXTERNAL_COLUMNS);
    let now = Utc::now().trunc_subsecs(6);
    let rules = ScoringRules::default_b2b();
    for row in chunk {
        let id = Uuid::now_v7();
        leads.push(lead_values(row, &rules, id, now));
        let mut h = history_values(row, id, note, now);
        if sqlite {
            // SQLite has no sequence: the store numbers the rows itself.
            *seq += 1;
            h.push(Value::I64(*seq));
        }
        history.push(h);
        external.push([
            Value::Str("leads"),
            Value::Text(row.external_id.clone()),
            Value::Uuid(id),
        ]);
    }
    [
        (leads, LEAD_COLUMNS.len()),
        (history, history_columns.len()),
        (external, EXTERNAL_COLUMNS.len()),
    ]
    .into_iter()
    .flat_map(|(b, width)| b.into_stmts(ROWS_PER_STATEMENT * width, !sqlite))
    .collect()
}

/// The `created` history row of an imported lead (no actor: the command runs as the system).
fn history_values(row: &ImportRow, id: Uuid, note: &str, now: DateTime<Utc>) -> Vec<Value> {
    HistoryRow {
        id: Uuid::now_v7(),
        subject_type: "lead",
        subject_id: id,
        kind: "created",
        from: None,
        to: Some("lead/open".to_owned()),
        reason: Some(row.source),
        note: Some(note.to_owned()),
        related: None,
        at: now,
        actor_id: None,
        token_id: None,
    }
    .values()
}

/// The score, its breakdown (JSON) and grade the default rules give the file's fields:
/// size 50-5,000 (20), industry recorded (5), a senior title (10).
fn score(r: &ImportRow, rules: &ScoringRules) -> (i32, String, &'static str) {
    let senior = ["ceo", "cto", "head", "manager", "director"];
    let title = r.job_title.as_deref().unwrap_or("").to_lowercase();
    let lines: Vec<ScoreLine> = [
        (
            "size_in_range",
            20,
            r.company_size.is_some_and(|s| (50..=5000).contains(&s)),
        ),
        ("industry_recorded", 5, r.industry.is_some()),
        ("senior_title", 10, senior.iter().any(|w| title.contains(w))),
    ]
    .into_iter()
    .filter(|l| l.2)
    .map(|(code, points, _)| ScoreLine {
        code: code.to_owned(),
        points,
    })
    .collect();
    let total = lines.iter().map(|l| l.points).sum();
    let grade = rules.grade(total).as_str();
    let json = serde_json::to_string(&lines).expect("score lines serialise");
    (total, json, grade)
}

/// A new lead as the import stores it: open, unowned, scored by the default rules.
fn lead_values(r: &ImportRow, rules: &ScoringRules, id: Uuid, now: DateTime<Utc>) -> Vec<Value> {
    let (total, lines, grade) = score(r, rules);
    let sort_name = match_key(&format!(
        "{} {}",
        r.last_name.as_deref().unwrap_or(""),
        r.first_name
    ));
    let search = [
        Some(r.first_name.as_str()),
        r.last_name.as_deref(),
        Some(r.email.as_str()),
        r.company.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    vec![
        Value::Uuid(id),
        Value::Text(r.first_name.clone()),
        Value::OptText(r.last_name.clone()),
        Value::Text(r.email.clone()),
        Value::OptText(None),
        Value::OptText(r.job_title.clone()),
        Value::OptText(r.company.clone()),
        Value::OptStr(r.country),
        Value::Str(r.source),
        Value::OptStr(None),
        Value::Products(Vec::new()),
        Value::OptText(r.notes.clone()),
        Value::I32(r.company_size),
        Value::OptStr(r.industry),
        Value::OptStr(None),
        Value::OptStr(None),
        Value::OptUuid(None),
        Value::Str("lead"),
        Value::Str("open"),
        Value::OptStr(None),
        Value::OptText(None),
        Value::OptDate(None),
        Value::I32(Some(total)),
        Value::OptUuid(None),
        Value::OptUuid(None),
        Value::OptTime(None),
        Value::OptTime(None),
        Value::Time(now),
        Value::Time(now),
        Value::I64(1),
        Value::OptUuid(None),
        Value::Str("{}"),
        Value::Text(lines),
        Value::Str(grade),
        Value::Text(sort_name),
        Value::Text(search),
    ]
}
