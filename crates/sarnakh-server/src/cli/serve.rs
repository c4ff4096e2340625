//! `sarnakh serve` and `sarnakh demo`.

use crate::config::Settings;
use crate::demo::{DemoOptions, DemoSummary, generate};
use crate::store_url::redact;
use anyhow::Context;
use clap::Args;
use sarnakh_core::Error;
use sarnakh_core::domain::TokenScope;
use sarnakh_core::domain::user::UserDraft;
use sarnakh_core::service::Actor;
use sarnakh_core::service::Services;
use sarnakh_core::store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

/// Options of `sarnakh serve`. Each setting also comes from `SARNAKH_*` or `sarnakh.toml`
/// (see `sarnakh config example`); a flag given here wins.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [env: SARNAKH_BIND] [default: 127.0.0.1:8080].
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Fill an empty database with demo data before serving.
    #[arg(long)]
    pub demo: bool,
    /// Sustained API requests per second allowed per token (0: no limit) [default: 100].
    #[arg(long)]
    pub rate_limit_per_token: Option<u32>,
    /// Requests a token may send in a burst before the sustained rate applies [default: 1000].
    #[arg(long)]
    pub rate_limit_burst: Option<u32>,
    /// Web form submissions per minute from one client address (0: no limit) [default: 20].
    #[arg(long)]
    pub form_rate_per_ip_minute: Option<u32>,
    /// Web form submissions per second to one form (0: no limit) [default: 50].
    #[arg(long)]
    pub form_rate_per_second: Option<u32>,
    /// Hours between trainings of the predictive win model, fractions allowed (0: only on
    /// demand) [default: 24].
    #[arg(long)]
    pub retrain_every_hours: Option<f64>,
    /// Hours between recomputations of every lead's score, as behaviour points decay
    /// (fractions allowed; 0: only on events, edits and rule changes) [default: 24].
    #[arg(long)]
    pub rescore_every_hours: Option<f64>,
    /// Days between forecast snapshots, which forecast accuracy compares with what closed
    /// (0: only on demand) [default: 7].
    #[arg(long)]
    pub forecast_snapshot_every_days: Option<u32>,
    /// Bearer token /metrics requires (unset: loopback clients only). Prefer
    /// SARNAKH_METRICS_TOKEN or the file: flags show in the process list.
    #[arg(long)]
    pub metrics_token: Option<String>,
}

impl ServeArgs {
    /// The flags given, by settings key.
    pub fn flags(&self) -> Vec<(&'static str, String)> {
        let numbers = [
            (
                "rate_limit_per_token",
                self.rate_limit_per_token.map(u64::from),
            ),
            ("rate_limit_burst", self.rate_limit_burst.map(u64::from)),
            (
                "form_rate_per_ip_minute",
                self.form_rate_per_ip_minute.map(u64::from),
            ),
            (
                "form_rate_per_second",
                self.form_rate_per_second.map(u64::from),
            ),
            (
                "forecast_snapshot_every_days",
                self.forecast_snapshot_every_days.map(u64::from),
            ),
        ];
        let mut flags: Vec<_> = numbers
            .into_iter()
            .filter_map(|(key, value)| value.map(|v| (key, v.to_string())))
            .collect();
        for (key, hours) in [
            ("retrain_every_hours", self.retrain_every_hours),
            ("rescore_every_hours", self.rescore_every_hours),
        ] {
            if let Some(h) = hours {
                flags.push((key, h.to_string()));
            }
        }
        if let Some(bind) = self.bind {
            flags.push(("bind", bind.to_string()));
        }
        if let Some(token) = &self.metrics_token {
            flags.push(("metrics_token", token.clone()));
        }
        flags
    }
}

/// Options of `sarnakh demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many leads to create over the simulated year.
    #[arg(long, default_value_t = 3000)]
    pub leads: usize,
    /// Seed of the generator; the same seed gives the same company.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Serves the API until Ctrl-C or SIGTERM.
pub async fn serve(store: Arc<dyn Store>, settings: &Settings, demo: bool) -> anyhow::Result<()> {
    if demo {
        match generate(
            store.clone(),
            &DemoOptions {
                leads: 3000,
                seed: 7,
            },
        )
        .await
        {
            Ok(summary) => {
                print_summary(&summary);
                demo_admin(&store, settings.bind).await?;
                demo_model(&store).await;
            }
            Err(Error::Conflict(why)) => tracing::info!("demo data not added: {why}"),
            Err(e) => return Err(e).context("could not create the demo data"),
        }
    }
    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("could not listen on {}", settings.bind))?;
    let addr = listener.local_addr().context("no local address")?;
    tracing::info!(database = %redact(&settings.database_url), "Sarnakh is listening on http://{addr} (API docs at http://{addr}/api/docs)");
    let limits = crate::http::limits::RateLimits {
        per_token_per_second: settings.rate_limit_per_token,
        per_token_burst: settings.rate_limit_burst,
        form_per_ip_per_minute: settings.form_rate_per_ip_minute,
        form_per_second: settings.form_rate_per_second,
        shared: settings.database_url.starts_with("postgres"),
    };
    let services =
        Services::new(store.clone()).allow_private_webhooks(settings.webhook_allow_private);
    let instance = uuid::Uuid::now_v7();
    tracing::info!(%instance, "instance id (job claims and the job log name it)");
    let jobs = crate::jobs::spawn(
        &services,
        crate::jobs::Schedule {
            retrain_every: settings.retrain_every_hours.every(),
            rescore_every: settings.rescore_every_hours.every(),
            snapshot_every_days: (settings.forecast_snapshot_every_days > 0)
                .then_some(settings.forecast_snapshot_every_days),
            first_run_after: std::time::Duration::from_secs(5),
        },
        instance,
    );
    let importer = crate::import_worker::spawn(services.clone(), std::time::Duration::from_secs(2));
    let mail = crate::mail::job::spawn(
        &services,
        mail_settings(settings),
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(60),
    );
    let relay = crate::webhooks::spawn(
        crate::webhooks::Relay::new(
            store,
            settings.webhook_allow_private,
            stream_config(settings),
        ),
        std::time::Duration::from_secs(1),
    );
    let access = crate::http::metrics::MetricsAccess {
        token: settings.metrics_token.as_deref().map(std::sync::Arc::from),
    };
    crate::metrics::handle();
    let mut app = crate::http::app_with(services, limits).layer(axum::Extension(access));
    if let Some(url) = &settings.public_url {
        app = app.layer(axum::Extension(crate::http::calendar::PublicUrl(
            url.clone(),
        )));
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("the server failed")?;
    jobs.iter().for_each(tokio::task::JoinHandle::abort);
    importer.abort();
    mail.iter().for_each(tokio::task::JoinHandle::abort);
    relay.abort();
    tracing::info!("Sarnakh stopped");
    Ok(())
}

/// The mail part of the settings.
pub fn mail_settings(settings: &Settings) -> crate::mail::MailSettings {
    crate::mail::MailSettings {
        smtp_url: settings.smtp_url.clone(),
        from: settings.mail_from.clone(),
        digest_hour: settings.digest_hour,
        public_url: settings.public_url.clone(),
    }
}

/// Where the relay publishes events, if `nats_url` is set.
fn stream_config(settings: &Settings) -> Option<crate::webhooks::StreamConfig> {
    settings
        .nats_url
        .as_ref()
        .map(|url| crate::webhooks::StreamConfig {
            url: url.clone(),
            name: settings.nats_stream.clone(),
        })
}

/// Fills an empty database with the demo company; `bind` is where `sarnakh serve` will
/// listen, for the hint printed with the demo admin's token.
pub async fn demo(store: Arc<dyn Store>, args: &DemoArgs, bind: SocketAddr) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let summary = generate(
        store.clone(),
        &DemoOptions {
            leads: args.leads,
            seed: args.seed,
        },
    )
    .await
    .context("could not create the demo data")?;
    print_summary(&summary);
    demo_admin(&store, bind).await?;
    demo_model(&store).await;
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Adds the demo's admin and prints its password and a read-write API token, once, with a
/// request to try it on the server listening on `bind`.
async fn demo_admin(store: &Arc<dyn Store>, bind: SocketAddr) -> anyhow::Result<()> {
    let services = Services::new(store.clone());
    let draft = UserDraft {
        email: Some("admin@demo.sarnakh.example".into()),
        display_name: Some("Demo Admin".into()),
        role: Some("admin".into()),
        ..UserDraft::default()
    };
    let (admin, password) = services
        .add_user(&Actor::SYSTEM, &draft, None)
        .await
        .context("could not add the demo admin")?;
    let (_, token) = services
        .create_token(&Actor::SYSTEM, admin.id, "demo", TokenScope::Write)
        .await
        .context("could not create the demo token")?;
    println!(
        "  {:<40} {:<28} {:<14} password: {password}",
        admin.email,
        admin.display_name,
        admin.role.as_str()
    );
    println!("API token of the demo admin (shown once): {token}");
    // A server listening on every address answers on the loopback one.
    let host = match bind.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    let base = SocketAddr::new(host, bind.port());
    println!("  try: curl -H 'Authorization: Bearer {token}' 'http://{base}/api/v1/leads?limit=5'");
    Ok(())
}

/// Trains the win model on the demo's closed history, so predictions show at once.
async fn demo_model(store: &Arc<dyn Store>) {
    let services = Services::new(store.clone());
    match services.train_win_model(&Actor::SYSTEM).await {
        Ok(m) => println!(
            "win model trained on {} closed records: held-out AUC naive Bayes {:.3}, logistic {:.3}; {} in use",
            m.examples,
            m.naive_bayes.auc,
            m.logistic.auc,
            m.model.algorithm.as_str()
        ),
        Err(e) => {
            println!("win model not trained: {e}");
            return;
        }
    }
    match services.predict_open_deals(&Actor::SYSTEM).await {
        Ok(n) => println!("{n} open deals predicted"),
        Err(e) => println!("open deals not predicted: {e}"),
    }
}

fn print_summary(s: &DemoSummary) {
    println!(
        "demo company created: {} leads ({} prospects, {} converted, {} disqualified, {} nurtured), {} accounts, {} opportunities ({} won, {} lost), {} activities, {} tasks ({} overdue)",
        s.leads,
        s.prospects,
        s.converted,
        s.disqualified,
        s.nurtured,
        s.accounts,
        s.opportunities,
        s.won,
        s.lost,
        s.activities,
        s.tasks,
        s.overdue_tasks
    );
    println!("demo users (passwords are shown once):");
    for u in &s.users {
        let password = u
            .password
            .as_deref()
            .unwrap_or("(existing user, unchanged)");
        println!(
            "  {:<40} {:<28} {:<14} password: {password}",
            u.email,
            u.display_name,
            u.role.as_str()
        );
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
