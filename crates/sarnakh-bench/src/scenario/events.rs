//! Scenario 2, events: batches of fresh engagement events sent to `POST /api/v1/events`
//! for real leads of the generated company, at each `--event-batch` size and each
//! `--concurrency` level (at most [`MAX_IN_FLIGHT`] events in flight), then once more the
//! first level's batches re-sent, all duplicates, to show what idempotency costs. Latency is
//! per batch; every answer is checked (all accepted, or all duplicates, none refused).
//!
//! Limit: the same event rows inserted raw, one prepared statement per event and one
//! transaction per batch (the adapters' insert, `on conflict (id) do nothing`), through a
//! pool shaped like the adapter's writer. The limit neither resolves emails nor rescores.
//!
//! Ceiling, for fresh batches only: the same rows again (fresh ids), as multi-row inserts of
//! [`CEILING_ROWS`] rows (the adapters' statement shape), one transaction per batch: the
//! fastest this machine takes these rows in at all, with nothing looked up or rescored.

use super::events_batch::{EventBatch, EventLead, Form, INSERT_EVENT, batches, targets};
use super::{CaseResult, Ctx, RatioBasis};
use crate::client::Api;
use crate::db::{Batch, RawDb, Stmt};
use crate::measure::{Pace, Stats, drive};
use anyhow::{Context, Result, ensure};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Most events in flight at once: a level above `MAX_IN_FLIGHT / batch` clients is capped.
pub const MAX_IN_FLIGHT: usize = 80_000;

/// Events sent over HTTP and raw before measuring (statements, connections), 100 each.
pub const WARM_UP: usize = 100;

/// Events per `--requests`: a loop sends about `requests x 100` events.
const EVENTS_PER_REQUEST: usize = 100;

/// Rows per insert statement of the ceiling, as the adapters write events.
pub const CEILING_ROWS: usize = 500;

/// The event table's columns, in [`INSERT_EVENT`] order.
const EVENT_COLUMNS: &[&str] = &["id", "lead_id", "kind", "url", "occurred_at", "received_at"];

/// What an events case did, beyond its batch statistics.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EventFigures {
    /// Events per batch.
    pub batch: usize,
    /// True for the loop re-sending batches already recorded.
    pub resend: bool,
    /// Events the application recorded (answer's `accepted`).
    pub accepted: u64,
    /// Events it reported as already recorded (answer's `duplicates`).
    pub duplicates: u64,
    /// Events per second through the application.
    pub events_per_second: f64,
    /// Distinct leads rescored per second (counted per batch by the client).
    pub score_updates_per_second: f64,
    /// Rows the raw limit inserted.
    pub limit_accepted: u64,
    /// Rows the raw limit skipped as already present.
    pub limit_duplicates: u64,
    /// Events per second of the raw limit.
    pub limit_events_per_second: f64,
    /// Rows the multi-row ceiling inserted (fresh batches only).
    pub ceiling_accepted: u64,
    /// Events per second of the multi-row ceiling (fresh batches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling_events_per_second: Option<f64>,
}

/// Runs the events cases.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let reader = ctx.target.raw_reader().await?;
    let leads = targets(&reader, ctx.scale).await?;
    reader.close().await;
    ensure!(!leads.is_empty(), "no generated leads to send events for");
    let raw = ctx.target.raw_writer().await?;
    let mut rng = fastrand::Rng::with_seed(ctx.opts.seed.wrapping_mul(37).wrapping_add(2));
    // Warm-up, not measured: connections, prepared statements.
    let api = ctx.api(1)?;
    for b in batches(&mut rng, &leads, WARM_UP, 1, Form::Http) {
        api.post_json_bytes("/api/v1/events", b.body).await?;
    }
    for b in batches(&mut rng, &leads, WARM_UP, 1, Form::Raw) {
        raw.run_many(INSERT_EVENT, &b.rows).await?;
    }
    let mut out = Vec::new();
    for &size in &ctx.opts.event_batch {
        out.extend(one_size(ctx, &raw, &mut rng, &leads, size).await?);
    }
    raw.close().await;
    Ok(out)
}

/// The concurrency levels for batches of `size`: each capped, repeats dropped.
pub fn levels(concurrency: &[usize], size: usize) -> Vec<usize> {
    let cap = (MAX_IN_FLIGHT / size.max(1)).max(1);
    let mut out: Vec<usize> = Vec::new();
    for c in concurrency.iter().map(|&c| c.clamp(1, cap)) {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

async fn one_size(
    ctx: &Ctx<'_>,
    raw: &RawDb,
    rng: &mut fastrand::Rng,
    leads: &[EventLead],
    size: usize,
) -> Result<Vec<CaseResult>> {
    let levels = levels(&ctx.opts.concurrency, size);
    let mut out = Vec::new();
    let mut first: Option<(Loop, Loop)> = None;
    for &c in &levels {
        let count = (ctx.opts.requests * EVENTS_PER_REQUEST)
            .div_ceil(size)
            .max(c);
        let http = batches(rng, leads, size, count, Form::Http);
        let app = over_http(ctx, c, Arc::new(http), false).await?;
        let rows = batches(rng, leads, size, count, Form::Raw);
        let limit = over_raw(ctx, raw, c, Arc::new(rows), false).await;
        let rows = batches(rng, leads, size, count, Form::Raw);
        let (inserted, per_second) = multi_row(ctx, raw, c, &rows).await;
        let mut case = case(format!("batch {size}, c={c}"), c, size, &app, &limit);
        if let Some(e) = &mut case.events {
            (e.ceiling_accepted, e.ceiling_events_per_second) = (inserted, Some(per_second));
        }
        out.push(case);
        first.get_or_insert((app, limit));
    }
    let (app, limit) = first.context("no concurrency level")?;
    let c = levels.last().copied().unwrap_or(1);
    let app = over_http(ctx, c, Arc::new(app.sent()), true).await?;
    let limit = over_raw(ctx, raw, c, Arc::new(limit.sent()), true).await;
    out.push(case(
        format!("batch {size}, c={c}, re-sent"),
        c,
        size,
        &app,
        &limit,
    ));
    Ok(out)
}

fn case(label: String, c: usize, size: usize, app: &Loop, limit: &Loop) -> CaseResult {
    let mut case = CaseResult::new(
        "events",
        label,
        c,
        app.stats.clone(),
        Some(limit.stats.clone()),
        RatioBasis::Throughput,
    );
    let per_second = |n: u64, s: &Stats| n as f64 / s.seconds.max(1e-9);
    case.events = Some(EventFigures {
        batch: size,
        resend: app.resend,
        accepted: app.tally.accepted.load(Ordering::Relaxed),
        duplicates: app.tally.duplicates.load(Ordering::Relaxed),
        events_per_second: per_second(app.tally.events(), &app.stats),
        score_updates_per_second: per_second(app.tally.leads.load(Ordering::Relaxed), &app.stats),
        limit_accepted: limit.tally.accepted.load(Ordering::Relaxed),
        limit_duplicates: limit.tally.duplicates.load(Ordering::Relaxed),
        limit_events_per_second: per_second(limit.tally.events(), &limit.stats),
        ceiling_accepted: 0,
        ceiling_events_per_second: None,
    });
    case
}

/// One measured loop: its statistics, its batches and which of them went through.
struct Loop {
    stats: Stats,
    resend: bool,
    batches: Arc<Vec<EventBatch>>,
    tally: Arc<Tally>,
}

impl Loop {
    /// The batches that were recorded, to send again.
    fn sent(&self) -> Vec<EventBatch> {
        self.batches
            .iter()
            .zip(&self.tally.sent)
            .filter(|(_, sent)| sent.load(Ordering::Relaxed))
            .map(|(b, _)| b.clone())
            .collect()
    }
}

/// Counters shared by a loop's workers.
#[derive(Debug)]
struct Tally {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    leads: AtomicU64,
    sent: Vec<AtomicBool>,
}

impl Tally {
    fn new(batches: usize) -> Arc<Self> {
        Arc::new(Self {
            accepted: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            leads: AtomicU64::new(0),
            sent: (0..batches).map(|_| AtomicBool::new(false)).collect(),
        })
    }

    fn events(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed) + self.duplicates.load(Ordering::Relaxed)
    }

    /// Records batch `i`'s outcome, after checking it is what the loop expects: every
    /// event new, or (`resend`) every event a duplicate.
    fn record(&self, i: usize, b: &EventBatch, (new, old): (u64, u64), resend: bool) -> Result<()> {
        let len = b.len as u64;
        let want = if resend { (0, len) } else { (len, 0) };
        ensure!(
            (new, old) == want,
            "batch {i}: {new} accepted and {old} duplicates of {len}"
        );
        self.accepted.fetch_add(new, Ordering::Relaxed);
        self.duplicates.fetch_add(old, Ordering::Relaxed);
        self.leads.fetch_add(b.leads as u64, Ordering::Relaxed);
        self.sent[i].store(true, Ordering::Relaxed);
        Ok(())
    }
}

async fn over_http(
    ctx: &Ctx<'_>,
    c: usize,
    batches: Arc<Vec<EventBatch>>,
    resend: bool,
) -> Result<Loop> {
    // A batch of 10,000 queued behind others on SQLite's one writer may take a while.
    let api = Api::with_timeout(ctx.addr, c, &ctx.auth.secret, Duration::from_secs(300))?;
    let tally = Tally::new(batches.len());
    let (all, t) = (batches.clone(), tally.clone());
    let stats = drive(c, batches.len(), ctx.budget(), Pace::Closed, move |i| {
        let (api, batches, tally) = (api.clone(), all.clone(), t.clone());
        async move {
            let b = &batches[i];
            let answer = api
                .post_json_bytes("/api/v1/events", b.body.clone())
                .await?;
            let count = |k: &str| {
                answer[k]
                    .as_u64()
                    .with_context(|| format!("no {k} in {answer}"))
            };
            let rejected = answer["rejected"].as_array().map_or(0, Vec::len);
            ensure!(
                rejected == 0,
                "batch {i}: {rejected} events refused: {answer}"
            );
            tally.record(i, b, (count("accepted")?, count("duplicates")?), resend)
        }
    })
    .await;
    Ok(Loop {
        stats,
        resend,
        batches,
        tally,
    })
}

async fn over_raw(
    ctx: &Ctx<'_>,
    raw: &RawDb,
    c: usize,
    batches: Arc<Vec<EventBatch>>,
    resend: bool,
) -> Loop {
    let tally = Tally::new(batches.len());
    let (all, t, writer) = (batches.clone(), tally.clone(), raw.clone());
    let stats = drive(c, batches.len(), ctx.budget(), Pace::Closed, move |i| {
        let (raw, batches, tally) = (writer.clone(), all.clone(), t.clone());
        async move {
            let b = &batches[i];
            let new = raw.run_many(INSERT_EVENT, &b.rows).await?;
            tally.record(i, b, (new, (b.len as u64).saturating_sub(new)), resend)
        }
    })
    .await;
    Loop {
        stats,
        resend,
        batches,
        tally,
    }
}

/// The rows inserted and the events per second of the ceiling over `batches`: their rows as
/// multi-row inserts, one transaction per batch, statements built before the loop.
async fn multi_row(ctx: &Ctx<'_>, raw: &RawDb, c: usize, batches: &[EventBatch]) -> (u64, f64) {
    let stmts: Arc<Vec<Vec<Stmt>>> = Arc::new(
        batches
            .iter()
            .map(|b| ceiling_statements(b, raw.is_sqlite()))
            .collect(),
    );
    let inserted = Arc::new(AtomicU64::new(0));
    let (all, n, writer) = (stmts.clone(), inserted.clone(), raw.clone());
    let stats = drive(c, stmts.len(), ctx.budget(), Pace::Closed, move |i| {
        let (raw, stmts, n) = (writer.clone(), all.clone(), n.clone());
        async move {
            n.fetch_add(raw.run_tx(&stmts[i]).await?, Ordering::Relaxed);
            Ok(())
        }
    })
    .await;
    let inserted = inserted.load(Ordering::Relaxed);
    (inserted, inserted as f64 / stats.seconds.max(1e-9))
}

/// A batch's rows as inserts of [`CEILING_ROWS`] rows that skip known ids, like the adapters'.
fn ceiling_statements(b: &EventBatch, sqlite: bool) -> Vec<Stmt> {
    let mut batch = Batch::new("events", EVENT_COLUMNS);
    for row in &b.rows {
        batch.push(row.iter().cloned());
    }
    let mut stmts = batch.into_stmts(CEILING_ROWS * EVENT_COLUMNS.len(), !sqlite);
    for s in &mut stmts {
        s.sql.push_str(" on conflict (id) do nothing");
    }
    stmts
}

#[cfg(test)]
mod tests {
    use super::levels;
    use super::{CEILING_ROWS, ceiling_statements};
    use crate::scenario::events_batch::{EventLead, Form, batches};

    #[test]
    fn the_ceiling_writes_every_row_of_a_batch_in_statements_of_500_rows() {
        let leads: Vec<EventLead> = (0..20)
            .map(|i| EventLead {
                id: uuid::Uuid::now_v7(),
                email: None,
                depth: i % 3,
            })
            .collect();
        let mut rng = fastrand::Rng::with_seed(5);
        let b = &batches(&mut rng, &leads, 1_201, 1, Form::Raw)[0];
        let stmts = ceiling_statements(b, true);
        let rows: Vec<usize> = stmts.iter().map(|s| s.values.len() / 6).collect();
        assert_eq!(rows, [CEILING_ROWS, CEILING_ROWS, 201]);
        assert!(
            stmts
                .iter()
                .all(|s| s.sql.ends_with("on conflict (id) do nothing"))
        );
        let values: Vec<String> = stmts
            .iter()
            .flat_map(|s| &s.values)
            .map(|v| format!("{v:?}"))
            .collect();
        let sent: Vec<String> = b.rows.iter().flatten().map(|v| format!("{v:?}")).collect();
        assert_eq!(values, sent, "every value once, in the batch's order");
    }

    #[test]
    fn big_batches_run_at_fewer_clients() {
        assert_eq!(levels(&[1, 8, 32], 100), [1, 8, 32]);
        assert_eq!(levels(&[1, 8, 32], 10_000), [1, 8]);
        assert_eq!(levels(&[0, 4], 100_000), [1]);
    }
}
