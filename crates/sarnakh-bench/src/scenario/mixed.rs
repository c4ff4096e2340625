//! Scenario 7, mixed: a realistic mix of reads and writes for `--mixed-secs` at a fixed
//! arrival rate (`--mixed-rate`), open loop: each request's latency counts from its
//! planned start, so a stall is charged to every request queued behind it and the tail is
//! honest. Reported: the whole mix and each kind of request (errors, p50, p99).
//!
//! The mix, per 20 requests: 6 lead list pages (every other one by score), 2 lead reads,
//! 3 captures, 2 batches of 10 engagement events, 2 deal list pages, 1 lead timeline, 1
//! logged call, 1 pipeline report, 1 follow-up list, 1 grade A review queue page.
//!
//! No limit: a mix has no single raw equivalent; the other scenarios give each part's.

use super::events_batch::{EventLead, Form, batches, targets};
use super::{CaseResult, Ctx, RatioBasis};
use crate::client::Api;
use crate::datagen::words::lead_seed;
use crate::measure::{Pace, Stats, drive};
use anyhow::{Result, ensure};
use axum::body::Bytes;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The kinds of request, in the order of the mix.
const KINDS: [&str; 10] = [
    "lead list page",
    "lead read",
    "capture",
    "event batch of 10",
    "deal list page",
    "lead timeline",
    "log a call",
    "pipeline report",
    "follow-up list",
    "grade A queue",
];

/// The kind of request `i` (an index into [`KINDS`]).
fn kind_of(i: usize) -> usize {
    match i % 20 {
        0..=5 => 0,
        6..=7 => 1,
        8..=10 => 2,
        11..=12 => 3,
        13..=14 => 4,
        15 => 5,
        16 => 6,
        17 => 7,
        18 => 8,
        _ => 9,
    }
}

/// Everything the requests draw on, made before the clock starts.
struct Material {
    leads: Vec<EventLead>,
    captures: Vec<serde_json::Value>,
    events: Vec<Bytes>,
}

/// Per-kind service times (from the actual send, not the plan) and errors.
#[derive(Default)]
struct PerKind {
    times: Vec<Vec<Duration>>,
    errors: Vec<u64>,
    first_error: Vec<Option<String>>,
}

async fn send(api: &Api, m: &Material, i: usize) -> Result<()> {
    let lead = &m.leads[(i.wrapping_mul(7919)) % m.leads.len()];
    match kind_of(i) {
        0 if i.is_multiple_of(2) => api.get_bytes("/api/v1/leads?limit=50").await.map(|_| ()),
        0 => api
            .get_bytes("/api/v1/leads?limit=50&sort=-score")
            .await
            .map(|_| ()),
        1 => api
            .get_bytes(&format!("/api/v1/leads/{}", lead.id))
            .await
            .map(|_| ()),
        2 => {
            let body = &m.captures[i % m.captures.len()];
            let made = api.post_json("/api/v1/leads", body).await?;
            ensure!(made["id"].is_string(), "unexpected capture answer {made}");
            Ok(())
        }
        3 => {
            let body = m.events[i % m.events.len()].clone();
            api.post_json_bytes("/api/v1/events", body)
                .await
                .map(|_| ())
        }
        4 => api
            .get_bytes("/api/v1/opportunities?limit=50")
            .await
            .map(|_| ()),
        5 => api
            .get_bytes(&format!("/api/v1/leads/{}/timeline", lead.id))
            .await
            .map(|_| ()),
        6 => {
            let body = serde_json::json!({
                "subject_type": "lead", "subject_id": lead.id.to_string(), "kind": "call",
                "outcome": "connected", "summary": "Discussed the next step"
            });
            api.post_json("/api/v1/activities", &body).await.map(|_| ())
        }
        7 => api.get_bytes("/api/v1/reports/pipeline").await.map(|_| ()),
        8 => api
            .get_bytes("/api/v1/tasks?due=week&limit=50")
            .await
            .map(|_| ()),
        _ => api
            .get_bytes("/api/v1/leads?grade=a&limit=50")
            .await
            .map(|_| ()),
    }
}

/// Runs the mix.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let rate = ctx.opts.mixed_rate.max(1.0);
    let secs = ctx.opts.mixed_secs.max(1);
    let total = (rate * secs as f64).ceil() as usize;
    let reader = ctx.target.raw_reader().await?;
    let leads = targets(&reader, ctx.scale).await?;
    reader.close().await;
    ensure!(!leads.is_empty(), "no generated leads to work on");
    let mut rng = fastrand::Rng::with_seed(ctx.opts.seed.wrapping_mul(41).wrapping_add(7));
    let companies = usize::try_from(ctx.scale / 4).unwrap_or(usize::MAX).max(20);
    let captures = (0..(total * 3 / 20 + 1) as u64)
        .map(|n| lead_seed(&mut rng, 3_000_000_000 + n, companies, false).to_json())
        .collect();
    let events = batches(&mut rng, &leads, 10, total / 10 + 1, Form::Http)
        .into_iter()
        .map(|b| b.body)
        .collect();
    let material = Arc::new(Material {
        leads,
        captures,
        events,
    });
    let per_kind = Arc::new(Mutex::new(PerKind {
        times: vec![Vec::new(); KINDS.len()],
        errors: vec![0; KINDS.len()],
        first_error: vec![None; KINDS.len()],
    }));
    let workers = 256;
    let api = ctx.api(workers)?;
    let all = {
        let (material, per_kind) = (material.clone(), per_kind.clone());
        drive(
            workers,
            total,
            Duration::from_secs(secs + 30),
            Pace::Rate(rate),
            move |i| {
                let (api, material, per_kind) = (api.clone(), material.clone(), per_kind.clone());
                async move {
                    let started = Instant::now();
                    let outcome = send(&api, &material, i).await;
                    let took = started.elapsed();
                    let mut k = per_kind
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match &outcome {
                        Ok(()) => k.times[kind_of(i)].push(took),
                        Err(e) => {
                            k.errors[kind_of(i)] += 1;
                            k.first_error[kind_of(i)].get_or_insert_with(|| format!("{e:#}"));
                        }
                    }
                    outcome
                }
            },
        )
        .await
    };
    let mut out = vec![CaseResult::new(
        "mixed",
        format!("all, {rate:.0}/s for {secs} s (from the plan)"),
        workers,
        all.clone(),
        None,
        RatioBasis::P99,
    )];
    let k = per_kind
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (n, name) in KINDS.iter().enumerate() {
        out.push(CaseResult::new(
            "mixed",
            format!("  {name} (service time)"),
            workers,
            Stats {
                first_error: k.first_error[n].clone(),
                ..service_stats(&k.times[n], k.errors[n], all.seconds)
            },
            None,
            RatioBasis::P99,
        ));
    }
    Ok(out)
}

/// Statistics of one kind's service times over the mix's `seconds`.
fn service_stats(times: &[Duration], errors: u64, seconds: f64) -> Stats {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    Stats {
        ok: ms.len() as u64,
        errors,
        first_error: None,
        seconds,
        per_second: ms.len() as f64 / seconds.max(1e-9),
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: ms.last().copied().unwrap_or(0.0),
    }
}
