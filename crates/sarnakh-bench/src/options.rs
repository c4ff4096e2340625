//! Command-line options of `sarnakh-bench` (also built by tests with `Options::parse_from`).

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// The database the harness runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// A fresh SQLite file (WAL, synchronous=NORMAL, foreign keys on).
    Sqlite,
    /// A fresh database on a PostgreSQL server.
    Postgres,
}

/// A scenario name on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioName {
    /// 1. Concurrent `POST /api/v1/leads`.
    Capture,
    /// 2. Batches of engagement events, `POST /api/v1/events`.
    Events,
    /// 3. A CSV of `--import-rows` leads through the real `sarnakh import` binary.
    Import,
    /// 4. Filtered, sorted first pages and deep cursor pages.
    Lists,
    /// 6. Qualify, convert, stage moves and close.
    Lifecycle,
    /// 5. Every report over HTTP (funnel, pipeline, win-loss, sources, activity).
    Reports,
    /// The web UI's main pages, signed in as the admin (the widest view).
    Pages,
    /// 7. A realistic mix at a fixed arrival rate (open loop) for `--mixed-secs`.
    Mixed,
    /// Every scenario above.
    All,
}

/// Sarnakh's performance harness: generates a company of N leads directly into a fresh
/// database, serves the real application on loopback, and measures each scenario next to
/// the raw database limit.
#[derive(Debug, Clone, Parser)]
#[command(name = "sarnakh-bench", version)]
pub struct Options {
    /// Database to run on.
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    pub database: Backend,
    /// PostgreSQL server (any database on it); a fresh `sarnakh_bench_*` database is
    /// created there and dropped afterwards.
    #[arg(
        long,
        env = "SARNAKH_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_url: String,
    /// Leads to generate: 10k, 100k, 1m or a number; a comma list runs each in turn.
    #[arg(long, value_delimiter = ',', value_parser = parse_scale, default_value = "10k")]
    pub scale: Vec<u64>,
    /// Scenarios to run.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    pub scenario: Vec<ScenarioName>,
    /// Requests per measured loop (capture: per concurrency level; lists: a quarter of it
    /// per list; lifecycle: journeys of six requests making up about this many requests;
    /// events: 100 times this many events, in at least one batch per client).
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Concurrency levels of capture, events and lifecycle (events: at most 80,000 events in
    /// flight, so batches of 10,000 run at 8 clients at most).
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    pub concurrency: Vec<usize>,
    /// Events per batch of the events scenario (at most 10,000, the API's limit); a comma
    /// list measures each size.
    #[arg(long, value_delimiter = ',', value_parser = parse_event_batch, default_value = "100,10000")]
    pub event_batch: Vec<usize>,
    /// Rows of the import scenario's CSV file (10k, 1m or a number; default: the scale).
    #[arg(long, value_parser = parse_scale, value_name = "N")]
    pub import_rows: Option<u64>,
    /// Rows per batch (and transaction) of the import scenario, on both sides.
    #[arg(long, value_parser = parse_import_batch, default_value_t = 5000, value_name = "B")]
    pub import_batch: usize,
    /// Deals each converted lead opens, on average (1.15: one, 15 % of them two; 3.0 gives
    /// the 300,000 deals of a million leads that the insight reports are specified for).
    #[arg(long, value_parser = parse_deals, default_value_t = 1.15, value_name = "D")]
    pub deals_per_conversion: f64,
    /// Concurrent clients of the list scenario.
    #[arg(long, default_value_t = 4)]
    pub list_concurrency: usize,
    /// Planned rate of the paced capture loop (leads per second).
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Arrival rate of the mixed scenario (requests per second, open loop).
    #[arg(long, default_value_t = 200.0)]
    pub mixed_rate: f64,
    /// Duration of the mixed scenario in seconds.
    #[arg(long, default_value_t = 60)]
    pub mixed_secs: u64,
    /// Time budget of each measured loop, in seconds (loops stop at the budget or the count).
    #[arg(long, default_value_t = 30)]
    pub budget_secs: u64,
    /// Seed of the generator and the request bodies.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON report to this file (the table still goes to stdout).
    #[arg(long, value_name = "FILE")]
    pub json_out: Option<PathBuf>,
    /// Keep the generated SQLite files in DIR (PostgreSQL: keep the database).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// The `sarnakh` binary for the start-to-ready and RSS probe and the import scenario
    /// (default: next to this one).
    #[arg(long, env = "SARNAKH_BENCH_SERVER_BIN")]
    pub server_bin: Option<PathBuf>,
    /// Skip the probe of the real `sarnakh serve` process.
    #[arg(long)]
    pub no_server_probe: bool,
}

impl Options {
    /// The scenarios to run, in order, without duplicates.
    pub fn scenarios(&self) -> Vec<ScenarioName> {
        let all = [
            ScenarioName::Capture,
            ScenarioName::Events,
            ScenarioName::Import,
            ScenarioName::Lists,
            ScenarioName::Lifecycle,
            ScenarioName::Reports,
            ScenarioName::Pages,
            ScenarioName::Mixed,
        ];
        all.into_iter()
            .filter(|s| {
                self.scenario
                    .iter()
                    .any(|x| x == s || *x == ScenarioName::All)
            })
            .collect()
    }
}

/// `10k`, `100k`, `1m` or a plain number of leads.
pub fn parse_scale(raw: &str) -> Result<u64, String> {
    let lower = raw.trim().to_ascii_lowercase().replace('_', "");
    let (digits, factor) = match lower.strip_suffix('k') {
        Some(d) => (d, 1_000),
        None => match lower.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => (lower.as_str(), 1),
        },
    };
    match digits.parse::<u64>() {
        Ok(n) if n * factor >= 1 => Ok(n * factor),
        _ => Err(format!(
            "{raw:?} is not a scale: use 10k, 100k, 1m or a number of leads"
        )),
    }
}

/// A batch size of the events scenario: 1 to 10,000 events (`MAX_BATCH`).
pub fn parse_event_batch(raw: &str) -> Result<usize, String> {
    let max = sarnakh_core::domain::event::MAX_BATCH;
    match raw.trim().replace('_', "").parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{raw:?} is not a batch size: use 1 to {max} events"
        )),
    }
}

/// Rows per batch of the import scenario: at least one.
pub fn parse_import_batch(raw: &str) -> Result<usize, String> {
    match raw.trim().replace('_', "").parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{raw:?} is not a batch size: use a number of rows")),
    }
}

/// Deals per converted lead: 1 to 10 (fractions allowed).
pub fn parse_deals(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(d) if (1.0..=10.0).contains(&d) => Ok(d),
        _ => Err(format!(
            "{raw:?} is not a number of deals: use 1 to 10 per converted lead"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_parse() {
        assert_eq!(parse_scale("10k"), Ok(10_000));
        assert_eq!(parse_scale("1M"), Ok(1_000_000));
        assert_eq!(parse_scale("300"), Ok(300));
        assert!(parse_scale("lots").is_err());
    }

    #[test]
    fn all_expands_to_every_scenario() {
        let o = Options::parse_from(["sarnakh-bench", "--scenario", "lists,all"]);
        assert_eq!(
            o.scenarios(),
            [
                ScenarioName::Capture,
                ScenarioName::Events,
                ScenarioName::Import,
                ScenarioName::Lists,
                ScenarioName::Lifecycle,
                ScenarioName::Reports,
                ScenarioName::Pages,
                ScenarioName::Mixed
            ]
        );
    }

    #[test]
    fn deals_per_conversion_default_to_1_15_and_refuse_less_than_one() {
        let o = Options::parse_from(["sarnakh-bench"]);
        assert!((o.deals_per_conversion - 1.15).abs() < f64::EPSILON);
        assert_eq!(parse_deals("3"), Ok(3.0));
        assert!(parse_deals("0.5").is_err());
        assert!(parse_deals("eleven").is_err());
    }

    #[test]
    fn event_batches_default_to_100_and_10000_and_refuse_more_than_the_api_takes() {
        let o = Options::parse_from(["sarnakh-bench"]);
        assert_eq!(o.event_batch, [100, 10_000]);
        assert_eq!(parse_event_batch("1_000"), Ok(1_000));
        assert!(parse_event_batch("10001").is_err());
        assert!(parse_event_batch("0").is_err());
        assert!(Options::try_parse_from(["sarnakh-bench", "--event-batch", "100,20000"]).is_err());
    }

    #[test]
    fn import_rows_default_to_the_scale_and_batches_to_5000() {
        let o = Options::parse_from(["sarnakh-bench"]);
        assert_eq!((o.import_rows, o.import_batch), (None, 5000));
        let o = Options::parse_from([
            "sarnakh-bench",
            "--import-rows",
            "1m",
            "--import-batch",
            "500",
        ]);
        assert_eq!((o.import_rows, o.import_batch), (Some(1_000_000), 500));
        assert!(Options::try_parse_from(["sarnakh-bench", "--import-batch", "0"]).is_err());
    }
}
