//! `sarnakh experiment add|list|show|start|stop|assign|report`: A/B experiments at the
//! console, with system rights. `add` and `set` read the same JSON document as the API.

use super::explain;
use super::report::Format;
use super::report_table::{Table, pct, print_csv, print_tables};
use crate::http::experiments::wire::{ExperimentJson, ExperimentReportJson, ExperimentRequest};
use anyhow::Context;
use clap::Subcommand;
use sarnakh_core::domain::report::ReportQuery;
use sarnakh_core::service::{Actor, AssignInput, Services};
use sarnakh_core::store::Store;
use std::sync::Arc;

/// Experiment subcommands. `KEY` is an experiment's key or id.
#[derive(Debug, Subcommand)]
pub enum ExperimentCommand {
    /// Define a draft experiment from a JSON file (as `POST /api/v1/experiments`).
    Add {
        /// The file, e.g. {"key": "landing", "name": "...", "kind": "form", "method": "random",
        /// "variants": [{"key": "a", "name": "Control"}, {"key": "b", "name": "Short form"}]}.
        file: String,
    },
    /// Replace a draft's definition (a started one: name and description only).
    Set {
        /// Key or id.
        key: String,
        /// The JSON file.
        file: String,
    },
    /// List experiments.
    List,
    /// Show one experiment as JSON.
    Show {
        /// Key or id.
        key: String,
    },
    /// Start a draft.
    Start {
        /// Key or id.
        key: String,
    },
    /// Stop a running experiment.
    Stop {
        /// Key or id.
        key: String,
    },
    /// Assign the leads created since the start that are not in the experiment yet.
    Assign {
        /// Key or id.
        key: String,
    },
    /// The experiment report (same as `sarnakh report experiment --experiment KEY`).
    Report {
        /// Key or id.
        key: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// Runs an experiment subcommand.
pub async fn run(store: Arc<dyn Store>, cmd: ExperimentCommand) -> anyhow::Result<()> {
    let s = Services::new(store);
    let actor = Actor::SYSTEM;
    let show = |x: sarnakh_core::domain::experiment::Experiment| -> anyhow::Result<()> {
        println!(
            "{}",
            serde_json::to_string_pretty(&ExperimentJson::from(x))?
        );
        Ok(())
    };
    match cmd {
        ExperimentCommand::Add { file } => show(
            s.create_experiment(&actor, &read(&file)?)
                .await
                .map_err(explain)?,
        ),
        ExperimentCommand::Set { key, file } => show(
            s.update_experiment(&actor, &key, &read(&file)?, None)
                .await
                .map_err(explain)?,
        ),
        ExperimentCommand::List => {
            let rows = s
                .list_experiments(&actor)
                .await
                .map_err(explain)?
                .into_iter()
                .map(|x| {
                    vec![
                        x.key,
                        x.status.as_str().to_owned(),
                        x.method.as_str().to_owned(),
                        x.variants.len().to_string(),
                        x.name,
                    ]
                })
                .collect();
            let t = Table::new(
                "experiments",
                &["key", "status", "method", "variants", "name"],
                rows,
            );
            print_tables(&[t]);
            Ok(())
        }
        ExperimentCommand::Show { key } => {
            show(s.get_experiment(&actor, &key).await.map_err(explain)?)
        }
        ExperimentCommand::Start { key } => show(
            s.start_experiment(&actor, &key, None)
                .await
                .map_err(explain)?,
        ),
        ExperimentCommand::Stop { key } => show(
            s.stop_experiment(&actor, &key, None)
                .await
                .map_err(explain)?,
        ),
        ExperimentCommand::Assign { key } => {
            let input = AssignInput {
                lead_ids: Vec::new(),
                since_start: true,
            };
            let out = s
                .assign_to_experiment(&actor, &key, &input)
                .await
                .map_err(explain)?;
            println!(
                "assigned {} leads ({} had no matching variant)",
                out.assigned, out.not_matching
            );
            Ok(())
        }
        ExperimentCommand::Report { key, format } => {
            let (json, tables) = report(&s, &key, &ReportQuery::default()).await?;
            emit(format, &json, &tables);
            Ok(())
        }
    }
}

fn read(file: &str) -> anyhow::Result<sarnakh_core::domain::experiment::ExperimentDraft> {
    let text = std::fs::read_to_string(file).with_context(|| format!("could not read {file}"))?;
    let request: ExperimentRequest =
        serde_json::from_str(&text).with_context(|| format!("{file} is not an experiment"))?;
    Ok(request.into())
}

/// Prints a report in the chosen format (CSV: the first table).
pub fn emit(format: Format, json: &str, tables: &[Table]) {
    match format {
        Format::Json => println!("{json}"),
        Format::Csv => {
            if let Some(t) = tables.first() {
                print_csv(t);
            }
        }
        Format::Table => print_tables(tables),
    }
}

/// The experiment report as JSON text and tables.
pub async fn report(
    s: &Services,
    key: &str,
    q: &ReportQuery,
) -> anyhow::Result<(String, Vec<Table>)> {
    let r: ExperimentReportJson = s
        .experiment_report(&Actor::SYSTEM, key, q)
        .await
        .map_err(explain)?
        .into();
    let num = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.4}"));
    let mut rows = Vec::new();
    for v in &r.variants {
        for st in &v.steps {
            rows.push(vec![
                v.key.clone(),
                st.step.clone(),
                v.exposed.to_string(),
                st.converted.to_string(),
                pct(st.rate),
                format!("{} - {}", pct(st.ci_low), pct(st.ci_high)),
                num(st.p_value),
                st.verdict_text.clone().unwrap_or_else(|| "control".into()),
            ]);
        }
    }
    let tests = r
        .tests
        .iter()
        .map(|t| {
            vec![
                t.step.clone(),
                num(t.chi_square),
                t.df.map_or_else(|| "-".into(), |d| d.to_string()),
                num(t.p_value),
                if t.enough_data { "yes" } else { "no" }.into(),
            ]
        })
        .collect();
    let title = format!(
        "experiment {} ({}), each comparison at alpha {:.4}",
        r.experiment.key, r.experiment.status, r.alpha
    );
    let tables = vec![
        Table::new(
            &title,
            &[
                "variant",
                "step",
                "exposed",
                "converted",
                "rate",
                "95% ci",
                "p",
                "verdict",
            ],
            rows,
        ),
        Table::new(
            "chi-square over all variants",
            &["step", "chi2", "df", "p", "enough data"],
            tests,
        ),
    ];
    Ok((serde_json::to_string_pretty(&r)?, tables))
}
