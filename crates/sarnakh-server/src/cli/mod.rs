//! The `sarnakh` command line: serve the API, migrate, fill demo data, and work with
//! leads from a terminal. Commands call the same services as the API.

mod backup;
mod config;
mod content;
mod experiment;
mod export;
mod forecast;
mod import;
mod jobs;
mod lead;
mod mail;
mod playbook;
mod rates;
mod report;
mod report_forecast;
mod report_people;
mod report_table;
mod report_views;
mod score;
mod serve;
mod stages;
mod user;
mod webhook;

use lead::explain;

use crate::config::Layered;
pub use crate::config::LogFormat;
use crate::store_url::{open_store, redact};
use anyhow::Context;
use clap::{Parser, Subcommand};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Sarnakh: a self-hosted sales-pipeline CRM, from the first sign of interest to a signed deal.
#[derive(Debug, Parser)]
#[command(name = "sarnakh", version, about, long_about = None)]
pub struct Cli {
    /// Settings file (default: ./sarnakh.toml if present).
    #[arg(long, global = true, env = "SARNAKH_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    /// Database to use: sqlite://FILE (created if missing) or postgres://USER@HOST/DB
    /// [env: SARNAKH_DATABASE_URL] [default: sqlite://sarnakh.db].
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log output format [env: SARNAKH_LOG_FORMAT] [default: pretty].
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the JSON API (and its docs at /api/docs).
    Serve(serve::ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Fill an empty database with a realistic demo company.
    Demo(serve::DemoArgs),
    /// Capture, list and show leads.
    #[command(subcommand)]
    Lead(Box<lead::LeadCommand>),
    /// Export a filtered list of leads, opportunities, accounts or contacts as CSV.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Add and list users.
    #[command(subcommand)]
    User(Box<user::UserCommand>),
    /// Create API tokens.
    #[command(subcommand)]
    Token(user::TokenCommand),
    /// Show or change the qualification playbook.
    #[command(subcommand)]
    Playbook(playbook::PlaybookCommand),
    /// Show or change the lead scoring rules.
    #[command(subcommand)]
    Scoring(playbook::ScoringCommand),
    /// Show or change the pipeline stages.
    #[command(subcommand)]
    Stages(stages::StagesCommand),
    /// Train the predictive win model, show it, or rescore every lead now.
    #[command(subcommand)]
    Score(score::ScoreCommand),
    /// Import another CRM's CSV export (see docs/IMPORT.md).
    Import(import::ImportArgs),
    /// Print a report: funnel, pipeline, win-loss, sources, activity, forecast,
    /// forecast-accuracy, experiment or content (docs/REPORTS.md).
    Report(Box<report::ReportArgs>),
    /// Set or list the exchange rates reports convert with.
    #[command(subcommand)]
    Rates(rates::RatesCommand),
    /// Set or list what campaigns cost (the sources report).
    #[command(subcommand)]
    Costs(rates::CostsCommand),
    /// Take forecast snapshots and set the targets the forecast is measured against.
    #[command(subcommand)]
    Forecast(forecast::ForecastCommand),
    /// Define, start, stop and report A/B experiments.
    #[command(subcommand)]
    Experiment(experiment::ExperimentCommand),
    /// The nurture content library.
    #[command(subcommand)]
    Content(content::ContentCommand),
    /// Send a test mail, or print or send a user's daily digest.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Webhook subscriptions, their deliveries and replays.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Print an example settings file, or the effective settings and their sources.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Write a consistent copy of the database to a file, while Sarnakh may be serving
    /// (SQLite; PostgreSQL: pg_dump).
    Backup(backup::BackupArgs),
    /// Replace the database with a verified backup (SQLite; stop Sarnakh first).
    Restore(backup::RestoreArgs),
    /// Check the database's integrity; exits non-zero on any finding.
    Check,
    /// The latest runs of the scheduled jobs, by every instance serving this database.
    Jobs(jobs::JobsArgs),
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let layered = Layered::load(
        cli.config.as_deref(),
        &|name| std::env::var(name).ok(),
        &cli.flags(),
    )?;
    let settings = layered.settings()?;
    crate::telemetry::init(settings.log_format == LogFormat::Json);
    let names = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for name in crate::config::unknown_env(names) {
        tracing::warn!("the environment variable {name} is not a Sarnakh setting; ignored");
    }
    match &cli.command {
        Command::Config(cmd) => {
            config::run(cmd, &layered);
            return Ok(());
        }
        Command::Restore(args) => return backup::run_restore(&settings.database_url, args).await,
        _ => {}
    }
    let store = open(&settings.database_url).await?;
    match cli.command {
        Command::Config(_) | Command::Restore(_) => Ok(()),
        Command::Backup(args) => backup::backup(store, &args).await,
        Command::Check => backup::check(store).await,
        Command::Jobs(args) => jobs::run(store, &args).await,
        Command::Serve(args) => serve::serve(store, &settings, args.demo).await,
        Command::Migrate => {
            println!("database {} is migrated", redact(&settings.database_url));
            Ok(())
        }
        Command::Demo(args) => serve::demo(store, &args, settings.bind).await,
        Command::Lead(cmd) => lead::run(store, *cmd).await,
        Command::Export(cmd) => export::run(store, cmd).await,
        Command::User(cmd) => user::run_user(store, *cmd).await,
        Command::Token(cmd) => user::run_token(store, cmd).await,
        Command::Playbook(cmd) => playbook::run(store, cmd).await,
        Command::Scoring(cmd) => playbook::run_scoring(store, cmd).await,
        Command::Score(cmd) => score::run(store, cmd).await,
        Command::Stages(cmd) => stages::run(store, cmd).await,
        Command::Import(args) => import::run(store, args).await,
        Command::Report(args) => report::run(store, *args).await,
        Command::Rates(cmd) => rates::run_rates(store, cmd).await,
        Command::Costs(cmd) => rates::run_costs(store, cmd).await,
        Command::Forecast(cmd) => forecast::run(store, cmd).await,
        Command::Experiment(cmd) => experiment::run(store, cmd).await,
        Command::Content(cmd) => content::run(store, cmd).await,
        Command::Mail(cmd) => mail::run(store, &serve::mail_settings(&settings), cmd).await,
        Command::Webhook(cmd) => webhook::run(store, cmd, settings.webhook_allow_private).await,
    }
}

impl Cli {
    /// The settings given as flags, by key, for the top layer of the settings.
    fn flags(&self) -> Vec<(&'static str, String)> {
        let mut flags = Vec::new();
        if let Some(url) = &self.database_url {
            flags.push(("database_url", url.clone()));
        }
        if let Some(format) = self.log_format {
            flags.push(("log_format", format.to_string()));
        }
        if let Command::Serve(args) = &self.command {
            flags.extend(args.flags());
        }
        flags
    }
}

async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_store(url)
        .await
        .with_context(|| format!("could not open the database {}", redact(url)))
}
