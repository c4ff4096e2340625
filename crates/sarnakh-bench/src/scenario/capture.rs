//! Scenario 1, capture: concurrent `POST /api/v1/leads` at increasing concurrency, then an
//! open loop at a fixed rate (`--rate`, default 1,000/s) for the latency target.
//!
//! Limit: the same lead row and its `created` history row inserted with prepared
//! statements, one transaction per lead, through a pool shaped like the adapter's writer
//! (SQLite: one connection, WAL, synchronous=NORMAL, foreign keys on; PostgreSQL: 16).

use super::{CaseResult, Ctx, RatioBasis};
use crate::datagen::records::HistoryRow;
use crate::datagen::rows::{LEAD_COLUMNS, LeadRow, history_insert_sql};
use crate::datagen::words::{LeadSeed, lead_seed};
use crate::db::{RawDb, Stmt, insert_sql};
use crate::measure::{Pace, Stats, drive};
use anyhow::Result;
use chrono::{SubsecRound, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// Leads captured before measuring (connections, prepared statements, phone metadata).
pub const WARM_UP: usize = 20;

/// Runs the capture cases.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let raw = ctx.target.raw_writer().await?;
    let mut out = Vec::new();
    let n = ctx.opts.requests.max(1);
    // Warm-up, not measured: connections, prepared statements, phone-number metadata.
    let warm = ctx.api(1)?;
    for seed in seeds(ctx, 98, WARM_UP).iter() {
        warm.post_json("/api/v1/leads", &seed.to_json()).await?;
    }
    for (level, &c) in ctx.opts.concurrency.iter().enumerate() {
        let seeds = seeds(ctx, level as u64, n);
        let app = over_http(ctx, c, seeds.clone(), Pace::Closed).await?;
        let limit = raw_loop(ctx, &raw, c, seeds, Pace::Closed).await;
        out.push(CaseResult::new(
            "capture",
            format!("closed loop, c={c}"),
            c,
            app,
            Some(limit),
            RatioBasis::Throughput,
        ));
    }
    let workers = ctx
        .opts
        .concurrency
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .max(16);
    let rate = ctx.opts.rate.max(1.0);
    let seeds = seeds(ctx, 99, n);
    let app = over_http(ctx, workers, seeds.clone(), Pace::Rate(rate)).await?;
    let limit = raw_loop(ctx, &raw, workers, seeds, Pace::Rate(rate)).await;
    out.push(CaseResult::new(
        "capture",
        format!("paced {rate:.0}/s"),
        workers,
        app,
        Some(limit),
        RatioBasis::P99,
    ));
    raw.close().await;
    Ok(out)
}

/// `n` fresh people to capture, distinct per concurrency level.
fn seeds(ctx: &Ctx<'_>, level: u64, n: usize) -> Arc<Vec<LeadSeed>> {
    let mut rng = fastrand::Rng::with_seed(ctx.opts.seed.wrapping_mul(31).wrapping_add(level));
    let companies = usize::try_from(ctx.scale / 4).unwrap_or(usize::MAX).max(20);
    let base = 1_000_000_000 + level * 10_000_000;
    Arc::new(
        (0..n as u64)
            .map(|i| lead_seed(&mut rng, base + i, companies, false))
            .collect(),
    )
}

async fn over_http(
    ctx: &Ctx<'_>,
    c: usize,
    seeds: Arc<Vec<LeadSeed>>,
    pace: Pace,
) -> Result<Stats> {
    let api = ctx.api(c)?;
    let bodies: Arc<Vec<serde_json::Value>> =
        Arc::new(seeds.iter().map(LeadSeed::to_json).collect());
    Ok(drive(c, bodies.len(), ctx.budget(), pace, move |i| {
        let (api, bodies) = (api.clone(), bodies.clone());
        async move {
            let lead = api.post_json("/api/v1/leads", &bodies[i]).await?;
            anyhow::ensure!(lead["status"] == "open", "unexpected answer {lead}");
            Ok(())
        }
    })
    .await)
}

async fn raw_loop(
    ctx: &Ctx<'_>,
    raw: &RawDb,
    c: usize,
    seeds: Arc<Vec<LeadSeed>>,
    pace: Pace,
) -> Stats {
    let lead_sql: Arc<str> = insert_sql("leads", LEAD_COLUMNS, 1).into();
    let history_sql: Arc<str> = history_insert_sql(ctx.sqlite()).into();
    let (actor_id, token_id) = (Some(ctx.auth.user_id), Some(ctx.auth.token_id));
    let raw = raw.clone();
    drive(c, seeds.len(), ctx.budget(), pace, move |i| {
        let (raw, seeds, lead_sql, history_sql) = (
            raw.clone(),
            seeds.clone(),
            lead_sql.clone(),
            history_sql.clone(),
        );
        async move {
            let now = Utc::now().trunc_subsecs(6);
            let lead = LeadRow::captured(Uuid::now_v7(), seeds[i].clone(), now);
            let history = HistoryRow {
                id: Uuid::now_v7(),
                subject_type: "lead",
                subject_id: lead.id,
                kind: "created",
                from: None,
                to: Some("lead/open".to_owned()),
                reason: Some(lead.seed.source),
                note: None,
                related: None,
                at: now,
                actor_id,
                token_id,
            };
            let stmts = [
                Stmt::new(&*lead_sql, lead.values(false)),
                Stmt::new(&*history_sql, history.values()),
            ];
            raw.run_tx(&stmts).await.map(|_| ())
        }
    })
    .await
}
