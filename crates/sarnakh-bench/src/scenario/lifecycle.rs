//! Scenario 6, lifecycle: concurrent journeys over HTTP, each six requests on one
//! qualifiable lead: qualify, convert (one deal), three stage moves, close (30 % won).
//! Latency is per journey; throughput in journeys per second (x6 for requests).
//!
//! Limit: the same rows written raw, one transaction per step (see `lifecycle_raw`).

use super::lifecycle_raw::{Candidate, Who, journey};
use super::{CaseResult, Ctx, RatioBasis};
use crate::client::Api;
use crate::db::Stmt;
use crate::measure::{Pace, drive};
use anyhow::{Context, Result};
use serde_json::json;
use std::sync::Arc;

/// Requests in one journey.
pub const STEPS: usize = 6;

/// Runs the lifecycle cases, one per concurrency level.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let raw = ctx.target.raw_writer().await?;
    let levels = ctx.opts.concurrency.len().max(1);
    let wanted = ctx.opts.requests.div_ceil(STEPS).max(1);
    let sql = "select id, first_name, last_name, email, phone, job_title, company from leads \
               where stage = 'lead' and status = 'open' and company is not null and need is not null \
               and decision_role is not null and (company_size is not null or industry is not null) \
               order by created_at desc, id desc limit $1";
    let limit = i64::try_from(wanted * 2 * levels).unwrap_or(i64::MAX);
    let rows = raw
        .fetch_text_rows(&Stmt::new(sql, vec![crate::db::Value::I64(limit)]))
        .await?;
    let candidates: Vec<Candidate> = rows
        .into_iter()
        .map(Candidate::from_row)
        .collect::<Result<_>>()?;
    let per_loop = wanted.min(candidates.len() / (2 * levels));
    anyhow::ensure!(
        per_loop > 0,
        "no qualifiable open leads to run the lifecycle on (found {})",
        candidates.len()
    );
    let mut pool = candidates.chunks(per_loop).map(|c| Arc::new(c.to_vec()));
    let mut out = Vec::new();
    for &c in &ctx.opts.concurrency {
        let (for_app, for_raw) = (
            pool.next().context("candidates")?,
            pool.next().context("candidates")?,
        );
        let api = ctx.api(c)?;
        let app = drive(c, for_app.len(), ctx.budget(), Pace::Closed, move |i| {
            let (api, leads) = (api.clone(), for_app.clone());
            async move { over_http(&api, &leads[i], i).await }
        })
        .await;
        let writer = raw.clone();
        let who = Who {
            sqlite: ctx.sqlite(),
            actor_id: ctx.auth.user_id,
            token_id: ctx.auth.token_id,
        };
        let limit = drive(c, for_raw.len(), ctx.budget(), Pace::Closed, move |i| {
            let (raw, leads, who) = (writer.clone(), for_raw.clone(), who.clone());
            async move { journey(&raw, &leads[i], i % 10 < 3, &who).await }
        })
        .await;
        let case = format!("c={c}, {per_loop} journeys x {STEPS} requests");
        out.push(CaseResult::new(
            "lifecycle",
            case,
            c,
            app,
            Some(limit),
            RatioBasis::Throughput,
        ));
    }
    raw.close().await;
    Ok(out)
}

async fn over_http(api: &Api, lead: &Candidate, i: usize) -> Result<()> {
    let id = lead.id;
    api.post_json(&format!("/api/v1/leads/{id}/qualify"), &json!({}))
        .await?;
    let deal = json!({ "opportunities": [{
        "name": format!("{} - CRM Pro", lead.company), "product": "CRM Pro", "amount": "12500.00", "currency": "EUR"
    }]});
    let converted = api
        .post_json(&format!("/api/v1/leads/{id}/convert"), &deal)
        .await?;
    let opp = converted["opportunities"][0]["id"]
        .as_str()
        .context("the conversion returned no opportunity")?
        .to_owned();
    for stage in ["discovery", "demo", "proposal"] {
        api.post_json(
            &format!("/api/v1/opportunities/{opp}/stage"),
            &json!({ "stage": stage }),
        )
        .await?;
    }
    let close = if i % 10 < 3 {
        json!({ "outcome": "won" })
    } else {
        json!({ "outcome": "lost", "reason": "price" })
    };
    api.post_json(&format!("/api/v1/opportunities/{opp}/close"), &close)
        .await?;
    Ok(())
}
