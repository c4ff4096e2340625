//! The scale generator: a realistic company of N leads written directly into the database
//! (multi-row inserts, one transaction per chunk of leads), on SQLite or PostgreSQL. The
//! schema comes from the real store's migrations; the rows match them column for column.

pub mod engagement;
mod journey;
pub mod model;
pub mod records;
pub mod rows;
pub mod words;

use crate::db::{Batch, RawDb, Stmt, Value};
use anyhow::{Context, Result};
use chrono::{DateTime, SubsecRound, Utc};
use model::{Counts, World, v7};
use rows::USER_COLUMNS;
use std::time::Instant;
use uuid::Uuid;

/// Leads per transaction.
const CHUNK: u64 = 5_000;

/// Tables whose secondary indexes are built after the load rather than row by row, and whose
/// triggers are set aside during it (SQLite).
const BULK_TABLES: &[&str] = &[
    "leads",
    "accounts",
    "contacts",
    "opportunities",
    "activities",
    "history",
    "events",
];

/// Sales team size (owners of generated records).
const USERS: usize = 12;

/// What the generator did and how fast.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenReport {
    /// Rows written per kind.
    pub counts: Counts,
    /// Users (owners) written.
    pub users: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Leads (with everything they produced) per second.
    pub leads_per_second: f64,
    /// Where the wall time went.
    pub phases: GenPhases,
    /// The company's admin (the bench's API token belongs to it).
    #[serde(skip)]
    pub admin: Uuid,
}

/// The generator's wall time by phase, in seconds.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GenPhases {
    /// Writing the rows (while the next chunk is built).
    pub rows: f64,
    /// Of `rows`, the writer waiting for the next chunk to be built.
    pub rows_waiting: f64,
    /// Building the secondary indexes set aside (SQLite).
    pub indexes: f64,
    /// The derived columns and tables, and the journal mode or statistics.
    pub finish: f64,
}

/// Writes `leads` leads with their history, accounts, contacts, deals, activities and
/// engagement events (`deals` per converted lead on average), deterministically from
/// `seed`, into the (migrated, empty) database
/// behind `db`. On SQLite `db` must be the only connection (the secondary indexes are set
/// aside during the load and the journal is not WAL; see [`crate::db::SqliteMode::Bulk`]).
pub async fn generate(db: &RawDb, leads: u64, seed: u64, deals: f64) -> Result<GenReport> {
    let started = Instant::now();
    let now = Utc::now().trunc_subsecs(0);
    let (users, user_stmts) = users(seed, now, db.max_params());
    db.run_tx(&user_stmts).await.context("writing users")?;
    let admin = users[0];
    let (sqlite, max_params) = (db.is_sqlite(), db.max_params());
    let set_aside = db
        .set_schema_aside(BULK_TABLES)
        .await
        .context("setting the indexes and triggers aside")?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Stmt>>(2);
    // Rows are built on a blocking thread while the previous chunk is being written.
    let producer = tokio::task::spawn_blocking(move || {
        let mut world = World::new((seed, leads, deals), now, users, sqlite);
        let mut from = 0;
        while from < leads {
            let to = (from + CHUNK).min(leads);
            // leads <-> contacts reference each other: leads go in without their contact,
            // which is linked once the contacts exist (no deferred foreign keys needed).
            let chunk = world.chunk(from, to);
            let mut stmts = Vec::new();
            for batch in chunk.batches {
                stmts.extend(batch.into_stmts(max_params, !sqlite));
            }
            for links in chunk.contact_links.chunks(500) {
                stmts.push(link_contacts(links, !sqlite));
            }
            if tx.blocking_send(stmts).is_err() {
                break;
            }
            from = to;
        }
        world.counts
    });
    let mut phases = GenPhases::default();
    let rows_started = Instant::now();
    let mut waiting = std::time::Duration::ZERO;
    loop {
        let asked = Instant::now();
        let Some(stmts) = rx.recv().await else { break };
        waiting += asked.elapsed();
        db.run_tx(&stmts)
            .await
            .context("writing a chunk of generated rows")?;
    }
    let counts = producer.await.context("the row builder failed")?;
    (phases.rows, phases.rows_waiting) =
        (rows_started.elapsed().as_secs_f64(), waiting.as_secs_f64());
    let indexes_started = Instant::now();
    db.restore_schema(&set_aside)
        .await
        .context("rebuilding the indexes and triggers")?;
    phases.indexes = indexes_started.elapsed().as_secs_f64();
    let finish_started = Instant::now();
    // The first won deal makes an account a customer.
    // One aggregate joined once: as correlated subqueries, SQLite (without statistics) looked
    // the won deals up by status for every account, which took minutes at 1M leads.
    db.execute(&Stmt::new(
        "update accounts set customer_since = w.first_won, version = version + 1 \
         from (select account_id, min(closed_at) as first_won from opportunities where status = 'won' group by account_id) as w \
         where accounts.id = w.account_id",
        vec![],
    ))
    .await?;
    // The activity report's counts per UTC day, owner and kind, which the store keeps with
    // each activity it writes (migration `20261130000034_activity_days.sql`, same aggregate).
    use sarnakh_store_sql::reports::Dialect;
    let (day, dialect) = if sqlite {
        ("substr(occurred_at, 1, 10)", Dialect::Sqlite)
    } else {
        ("(occurred_at at time zone 'UTC')::date", Dialect::Postgres)
    };
    let nil = dialect.nil_uuid();
    db.execute(&Stmt::new(
        format!(
            "insert into activity_days (day, owner_key, kind, n) \
             select {day}, coalesce(owner_id, {nil}), kind, count(*) from activities group by 1, 2, 3"
        ),
        vec![],
    ))
    .await?;
    if sqlite {
        // The counts per UTC day that the store's triggers keep with every lead and deal
        // (set aside with the indexes), each filled from its recount.
        for kept in sarnakh_store_sqlite::KEPT_COUNTS {
            db.execute(&Stmt::new(kept.fill_sql(), vec![])).await?;
        }
        // Back to the adapter's journal (the mode is stored in the file).
        db.execute(&Stmt::new("pragma journal_mode = wal", vec![]))
            .await?;
    } else {
        db.execute(&Stmt::new("vacuum analyze", vec![])).await?;
    }
    phases.finish = finish_started.elapsed().as_secs_f64();
    let seconds = started.elapsed().as_secs_f64();
    Ok(GenReport {
        phases,
        leads_per_second: counts.leads as f64 / seconds.max(1e-9),
        counts,
        users: USERS,
        seconds,
        admin,
    })
}

/// `update leads set contact_id` for (lead, contact) pairs, in one statement.
fn link_contacts(links: &[(Uuid, Uuid)], numbered: bool) -> Stmt {
    let pair = |i: usize| {
        if numbered {
            format!("(${}, ${})", 2 * i + 1, 2 * i + 2)
        } else {
            "(?, ?)".to_owned()
        }
    };
    let pairs: Vec<String> = (0..links.len()).map(pair).collect();
    let sql = format!(
        "with v (lid, cid) as (values {}) update leads set contact_id = (select cid from v where v.lid = leads.id) where id in (select lid from v)",
        pairs.join(", ")
    );
    Stmt::new(
        sql,
        links
            .iter()
            .flat_map(|(l, c)| [Value::Uuid(*l), Value::Uuid(*c)])
            .collect(),
    )
}

fn users(seed: u64, now: DateTime<Utc>, max_params: usize) -> (Vec<Uuid>, Vec<Stmt>) {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
    let mut batch = Batch::new("users", USER_COLUMNS);
    let ids: Vec<Uuid> = (0..USERS)
        .map(|i| {
            let id = v7(&mut rng, now);
            let role = ["admin", "sales_manager"]
                .get(i)
                .copied()
                .unwrap_or("sales_rep");
            batch.push([
                Value::Uuid(id),
                Value::Text(format!("rep{i}@bench.example")),
                Value::Text(format!("Sales Rep {i}")),
                Value::Str(role),
                Value::Time(now),
            ]);
            id
        })
        .collect();
    (ids, batch.into_stmts(max_params, true))
}
