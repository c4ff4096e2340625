//! `sarnakh score train|model|rescore`: train the predictive win model from the closed
//! history and print its held-out figures, show the model in force, or recompute every
//! lead's rule-based score now (behaviour points decay with time).

use clap::Subcommand;
use sarnakh_core::domain::predict::{Algorithm, MIN_CLOSED, Metrics};
use sarnakh_core::service::{Actor, Services};
use sarnakh_core::store::{Store, WinModel};
use std::sync::Arc;

/// Score and win-model commands.
#[derive(Debug, Subcommand)]
pub enum ScoreCommand {
    /// Train the win model on the closed history; print AUC, log loss and calibration.
    Train,
    /// Print the win model in force and its held-out figures.
    Model,
    /// Recompute every lead's score from the rules in force and its events, and every open
    /// deal's predicted win probability (the pipeline report weights by it).
    Rescore,
}

/// Runs a score command.
pub async fn run(store: Arc<dyn Store>, cmd: ScoreCommand) -> anyhow::Result<()> {
    let services = Services::new(store);
    match cmd {
        ScoreCommand::Train => {
            let model = services
                .train_win_model(&Actor::SYSTEM)
                .await
                .map_err(super::explain)?;
            print!("{}", describe(&model));
            let deals = services
                .predict_open_deals(&Actor::SYSTEM)
                .await
                .map_err(super::explain)?;
            println!("\n{deals} open deals predicted");
        }
        ScoreCommand::Model => match services.win_model().await.map_err(super::explain)? {
            Some(model) => print!("{}", describe(&model)),
            None => println!(
                "no win model yet: `sarnakh score train` needs at least {MIN_CLOSED} closed deals and disqualified leads"
            ),
        },
        ScoreCommand::Rescore => {
            let count = services
                .rescore_leads(&Actor::SYSTEM)
                .await
                .map_err(super::explain)?;
            println!("{count} leads rescored");
            let deals = services
                .predict_open_deals(&Actor::SYSTEM)
                .await
                .map_err(super::explain)?;
            println!("{deals} open deals predicted");
        }
    }
    Ok(())
}

/// The model's figures as a small report.
pub fn describe(m: &WinModel) -> String {
    let mut out = format!(
        "win model version {} trained {} on {} closed records ({} won, {} lost)\n\n",
        m.version,
        m.trained_at.format("%Y-%m-%d %H:%M UTC"),
        m.examples,
        m.won,
        m.examples - m.won
    );
    out.push_str("algorithm     held-out AUC  log loss  train  test\n");
    for (algorithm, metrics) in [
        (Algorithm::NaiveBayes, &m.naive_bayes),
        (Algorithm::Logistic, &m.logistic),
    ] {
        let chosen = if algorithm == m.model.algorithm {
            "  <- in use"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<13} {:>12.3} {:>9.3} {:>6} {:>5}{chosen}\n",
            algorithm.as_str(),
            metrics.auc,
            metrics.log_loss,
            metrics.train_examples,
            metrics.test_examples
        ));
    }
    out.push_str(&format!(
        "\ncalibration of {} on the held-out records\n",
        m.model.algorithm.as_str()
    ));
    out.push_str(&calibration(chosen_metrics(m)));
    out
}

fn chosen_metrics(m: &WinModel) -> &Metrics {
    match m.model.algorithm {
        Algorithm::NaiveBayes => &m.naive_bayes,
        Algorithm::Logistic => &m.logistic,
    }
}

fn calibration(metrics: &Metrics) -> String {
    let mut out = String::from("predicted    records  mean predicted  observed won\n");
    for bin in &metrics.calibration {
        out.push_str(&format!(
            "{:>4.0}-{:<4.0}%  {:>7}  {:>13.1}%  {:>11.1}%\n",
            bin.lower * 100.0,
            bin.upper * 100.0,
            bin.count,
            bin.mean_predicted * 100.0,
            bin.observed_rate * 100.0
        ));
    }
    out
}
