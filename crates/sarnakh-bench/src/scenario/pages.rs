//! Scenario "pages": the web interface's main pages as a signed-in admin sees them (the
//! widest view: every record) and as a sales rep sees them (their own records and the
//! unassigned ones, read apart from the rest), each requested over HTTP with the session
//! cookie, one client. The target is under 50 ms server time per page at 1M leads; the
//! figures here include loopback HTTP, so they bound the server time from above.
//!
//! Limit: `GET /healthz` through the same router and client, the cost of an HTTP round
//! trip that renders nothing; the ratio says how much a page costs beyond it.

use super::{CaseResult, Ctx, RatioBasis};
use crate::measure::{Pace, drive};
use anyhow::{Context, Result, bail};
use reqwest::header;
use sarnakh_core::domain::{Role, UserId};
use sarnakh_core::service::{Actor, Services};
use std::sync::Arc;
use std::time::Duration;

const PASSWORD: &str = "bench pages walnut harbour lantern";

/// A cookie-carrying client of the in-process server.
#[derive(Clone)]
struct Browser {
    http: reqwest::Client,
    base: Arc<str>,
    cookie: Arc<str>,
}

impl Browser {
    async fn get(&self, path: &str) -> Result<usize> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, &*self.cookie)
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("GET {path}: {status}");
        }
        Ok(body.len())
    }
}

/// Signs a user in (setting a password through the real use case first): the bench's
/// admin, or with `rep`, the first sales rep.
async fn sign_in(ctx: &Ctx<'_>, rep: bool) -> Result<String> {
    let services = Services::new(ctx.target.open_store().await?);
    let admin = UserId::from_uuid(ctx.auth.user_id);
    let users = services
        .list_users()
        .await
        .map_err(|e| anyhow::anyhow!("reading the users: {e}"))?;
    let user = users
        .into_iter()
        .filter(|u| {
            if rep {
                u.role == Role::SalesRep
            } else {
                u.id == admin
            }
        })
        .min_by(|a, b| a.email.cmp(&b.email))
        .context("the bench has no such user")?;
    services
        .set_password(&Actor::SYSTEM, user.id, PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("setting {}'s password: {e}", user.email))?;
    let signed = services
        .sign_in(&user.email, PASSWORD, "127.0.0.1")
        .await
        .map_err(|e| anyhow::anyhow!("signing in: {e}"))?;
    Ok(format!("__Host-sarnakh={}", signed.secret))
}

/// The first id in a list answer of the API.
async fn first_id(ctx: &Ctx<'_>, path: &str) -> Result<String> {
    let list = ctx.api(1)?.get_json(path).await?;
    list["items"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("{path}: no record to open"))
}

/// Runs every page case and the `/healthz` floor, one client each.
pub async fn run(ctx: &Ctx<'_>) -> Result<Vec<CaseResult>> {
    let browser = Browser {
        http: reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(60))
            .build()?,
        base: format!("http://{}", ctx.addr).into(),
        cookie: sign_in(ctx, false).await?.into(),
    };
    let rep = Browser {
        cookie: sign_in(ctx, true).await?.into(),
        ..browser.clone()
    };
    let lead = first_id(ctx, "/api/v1/leads?limit=1").await?;
    let deal = first_id(ctx, "/api/v1/opportunities?limit=1").await?;
    let account = first_id(ctx, "/api/v1/accounts?limit=1").await?;
    let pages: Vec<(&str, String)> = vec![
        ("inbox", "/inbox".into()),
        ("leads, first page", "/leads".into()),
        ("leads, by score", "/leads?sort=-score".into()),
        ("prospects", "/prospects".into()),
        ("opportunities", "/opportunities".into()),
        ("accounts", "/accounts".into()),
        ("contacts", "/contacts".into()),
        ("pipeline board", "/pipeline".into()),
        ("follow-ups", "/follow-ups".into()),
        ("dashboard", "/dashboard".into()),
        ("a lead", format!("/leads/{lead}")),
        ("an opportunity", format!("/opportunities/{deal}")),
        ("an account", format!("/accounts/{account}")),
    ];
    let pages = pages
        .into_iter()
        .map(|(name, path)| (&browser, name.to_owned(), path));
    // A rep's lists, board and dashboard read only their part of the records.
    let rep_pages = [
        "/inbox",
        "/leads",
        "/leads?sort=-score",
        "/opportunities",
        "/pipeline",
        "/dashboard",
    ];
    let rep_pages = rep_pages
        .into_iter()
        .map(|path| (&rep, format!("as a rep: {path}"), path.to_owned()));
    let per_case = ctx.opts.requests.div_ceil(40).max(5);
    let floor = {
        let browser = browser.clone();
        drive(1, per_case, ctx.budget(), Pace::Closed, move |_| {
            let browser = browser.clone();
            async move { browser.get("/healthz").await.map(|_| ()) }
        })
        .await
    };
    let mut out = Vec::new();
    for (browser, name, path) in pages.chain(rep_pages) {
        let bytes = browser.get(&path).await.with_context(|| name.clone())?;
        let path: Arc<str> = path.into();
        let stats = {
            let browser = browser.clone();
            drive(1, per_case, ctx.budget(), Pace::Closed, move |_| {
                let (browser, path) = (browser.clone(), path.clone());
                async move { browser.get(&path).await.map(|_| ()) }
            })
            .await
        };
        let case = CaseResult::new(
            "pages",
            format!("{name} ({} KiB)", bytes.div_ceil(1024)),
            1,
            stats,
            Some(floor.clone()),
            RatioBasis::P50,
        );
        out.push(case);
    }
    Ok(out)
}
