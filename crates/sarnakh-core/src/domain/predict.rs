//! Win probability learnt from a team's own closed history: naive Bayes and L2-regularised
//! logistic regression over categorical features, compared on the newest records, and every
//! prediction explained feature by feature.
//!
//! Pure and deterministic: no IO, no clock, no randomness, and only `BTreeMap`s, so no hash
//! order reaches a result. Feature extraction, storage and the fallback to stage
//! probabilities belong to the callers.

use super::lifecycle::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Fewest closed records training accepts; below it the product falls back to stage probabilities.
pub const MIN_CLOSED: usize = 50;
/// Most reasons a [`Prediction`] carries.
pub const MAX_REASONS: usize = 5;
/// L2 penalty of logistic regression: it minimises the summed log loss plus `LAMBDA / 2`
/// times the sum of squared weights (the intercept is free), i.e. a standard normal prior
/// on every weight.
pub const LAMBDA: f64 = 1.0;
/// Logistic regression folds a value seen fewer times than this in training into
/// [`OTHER`]; naive Bayes keeps every value (its Laplace smoothing already tempers rare ones).
pub const MIN_VALUE_COUNT: usize = 3;
/// Stands for a feature's rare and unseen values in logistic regression.
pub const OTHER: &str = "(other)";

/// Log-odds are clamped to this, so a probability is never exactly 0 or 1.
const MAX_LOG_ODDS: f64 = 30.0;
/// Weights are rounded to whole multiples of 1 / this: such short decimals survive
/// serde_json's default float parser bit for bit (longer ones may come back one unit in the
/// last place off), so a stored model predicts exactly what it did.
const WEIGHT_SCALE: f64 = 1e9;
/// L-BFGS stops when no gradient component exceeds this times the number of examples ...
const GRADIENT_TOLERANCE: f64 = 1e-7;
/// ... or after this many iterations.
const MAX_ITERATIONS: usize = 500;
/// Correction pairs L-BFGS remembers.
const LBFGS_MEMORY: usize = 10;

/// A categorical feature of a record: e.g. name "source", value "webinar". Numeric facts
/// arrive already bucketed by the caller (e.g. "company_size" = "50-249").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Feature {
    /// What the feature describes, e.g. `source`.
    pub name: String,
    /// The record's value, e.g. `webinar`.
    pub value: String,
}

impl Feature {
    /// Builds a feature.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// One closed record of the history.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its features; a repeated (name, value) pair counts once, a name may carry several values.
    pub features: Vec<Feature>,
    /// Whether it was won.
    pub won: bool,
    /// When it was closed; training holds out the newest.
    pub closed_at: DateTime<Utc>,
}

str_enum!(
    /// How a [`Model`] was learnt.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    Algorithm {
        /// Frequency-based naive Bayes with Laplace smoothing.
        NaiveBayes = "naive_bayes",
        /// L2-regularised logistic regression on one-hot features.
        Logistic = "logistic",
    }
);

/// Quality on held-out data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Area under the ROC curve, see [`auc`].
    pub auc: f64,
    /// Mean cross-entropy, see [`log_loss`].
    pub log_loss: f64,
    /// Predicted against observed win rates, see [`calibration`].
    pub calibration: Vec<CalibrationBin>,
    /// Records the scored model learnt from.
    pub train_examples: usize,
    /// Records it was scored on.
    pub test_examples: usize,
}

/// One of ten equal-width bins of predicted probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Lowest probability of the bin (inclusive).
    pub lower: f64,
    /// Highest probability of the bin (exclusive, except 1.0 in the last bin).
    pub upper: f64,
    /// Records predicted in the bin.
    pub count: usize,
    /// Their mean predicted probability; 0.0 when the bin is empty.
    pub mean_predicted: f64,
    /// The share of them that was won; 0.0 when the bin is empty.
    pub observed_rate: f64,
}

/// A trained model: log-odds are the intercept plus one weight per known feature. Stored as
/// JSON; it round-trips exactly through serde_json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// How it was learnt.
    pub algorithm: Algorithm,
    intercept: f64,
    features: BTreeMap<String, Weights>,
}

/// The log-odds one feature name adds, by value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Weights {
    values: BTreeMap<String, f64>,
    /// For any value not in `values`.
    other: f64,
}

/// Why the model predicts what it does: one feature's effect in percentage points
/// (probability with the feature minus probability with that feature left out, times 100, rounded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The feature's name.
    pub feature: String,
    /// The record's value.
    pub value: String,
    /// Effect in percentage points; never 0.
    pub points: i32,
}

/// A win probability and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Probability of winning, strictly between 0 and 1.
    pub probability: f64,
    /// The strongest effects, see [`Model::predict`].
    pub reasons: Vec<Reason>,
}

impl Model {
    fn new(algorithm: Algorithm, intercept: f64, features: BTreeMap<String, Weights>) -> Self {
        // Dividing the whole number by an exact power of ten yields the double nearest the decimal.
        let round = |w: f64| (w * WEIGHT_SCALE).round() / WEIGHT_SCALE;
        let features = features
            .into_iter()
            .map(|(name, w)| {
                let values = w.values.into_iter().map(|(v, x)| (v, round(x))).collect();
                let other = round(w.other);
                (name, Weights { values, other })
            })
            .collect();
        let intercept = round(intercept);
        Self {
            algorithm,
            intercept,
            features,
        }
    }

    /// Probability of winning, and the reasons: every feature with |points| >= 1, ordered by
    /// |points| descending (ties by feature name, then value), at most [`MAX_REASONS`].
    /// An unknown feature name adds nothing; an unknown value of a known name adds nothing
    /// in naive Bayes and the rare-value weight ([`OTHER`]) in logistic regression.
    pub fn predict(&self, features: &[Feature]) -> Prediction {
        let features = distinct(features);
        let weights: Vec<f64> = features.iter().map(|f| self.weight(f)).collect();
        let log_odds = self.intercept + weights.iter().sum::<f64>();
        let probability = logistic(log_odds);
        let mut reasons: Vec<Reason> = features
            .into_iter()
            .zip(weights)
            .filter_map(|(f, w)| {
                let points = ((probability - logistic(log_odds - w)) * 100.0).round() as i32;
                (points != 0).then_some(Reason {
                    feature: f.name.clone(),
                    value: f.value.clone(),
                    points,
                })
            })
            .collect();
        reasons.sort_by(|a, b| {
            (b.points.abs().cmp(&a.points.abs()))
                .then_with(|| a.feature.cmp(&b.feature))
                .then_with(|| a.value.cmp(&b.value))
        });
        reasons.truncate(MAX_REASONS);
        Prediction {
            probability,
            reasons,
        }
    }

    /// Probability of winning, without reasons.
    pub fn probability(&self, features: &[Feature]) -> f64 {
        let weights: f64 = distinct(features).iter().map(|f| self.weight(f)).sum();
        logistic(self.intercept + weights)
    }

    fn weight(&self, feature: &Feature) -> f64 {
        self.features.get(&feature.name).map_or(0.0, |w| {
            w.values.get(&feature.value).copied().unwrap_or(w.other)
        })
    }
}

/// Result of training.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Training {
    /// Naive Bayes on the held-out records.
    pub naive_bayes: Metrics,
    /// Logistic regression on the held-out records.
    pub logistic: Metrics,
    /// The algorithm with the higher held-out AUC (naive Bayes on a tie).
    pub chosen: Algorithm,
    /// The chosen algorithm retrained on every record.
    pub model: Model,
    /// Records in the history.
    pub examples: usize,
    /// Of them won.
    pub won: usize,
}

/// Why a history cannot be learnt from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainError {
    /// Fewer than [`MIN_CLOSED`] records.
    #[error("{closed} closed records; at least {needed} are needed")]
    TooLittleHistory {
        /// Records given.
        closed: usize,
        /// Records needed.
        needed: usize,
    },
    /// Every record was won, or every one lost.
    #[error("the history has only won or only lost records")]
    OneClass,
}

/// Trains both algorithms on the oldest 80 % of `examples` by `closed_at` (⌊0.8 n⌋ records,
/// ties broken stably by input order), scores both on the newest 20 %, chooses the one with
/// the higher held-out AUC (ties: naive Bayes), and retrains the chosen one on all examples
/// for `model`. Deterministic: same input, same output.
///
/// # Errors
/// [`TrainError::TooLittleHistory`] below [`MIN_CLOSED`] records, [`TrainError::OneClass`]
/// when they are all won or all lost.
pub fn train(examples: &[Example]) -> Result<Training, TrainError> {
    let won = examples.iter().filter(|e| e.won).count();
    if examples.len() < MIN_CLOSED {
        return Err(TrainError::TooLittleHistory {
            closed: examples.len(),
            needed: MIN_CLOSED,
        });
    }
    if won == 0 || won == examples.len() {
        return Err(TrainError::OneClass);
    }
    let by_time = oldest_first(examples);
    let (older, newer) = by_time.split_at(examples.len() * 4 / 5);
    let naive_bayes = evaluate(Algorithm::NaiveBayes, older, newer);
    let logistic = evaluate(Algorithm::Logistic, older, newer);
    let chosen = if logistic.auc > naive_bayes.auc {
        Algorithm::Logistic
    } else {
        Algorithm::NaiveBayes
    };
    Ok(Training {
        naive_bayes,
        logistic,
        chosen,
        model: fit(chosen, &by_time),
        examples: examples.len(),
        won,
    })
}

fn oldest_first(examples: &[Example]) -> Vec<&Example> {
    let mut by_time: Vec<&Example> = examples.iter().collect();
    by_time.sort_by_key(|e| e.closed_at); // stable: equal times keep input order
    by_time
}

fn evaluate(algorithm: Algorithm, train: &[&Example], test: &[&Example]) -> Metrics {
    let model = fit(algorithm, train);
    let scored: Vec<(f64, bool)> = test
        .iter()
        .map(|e| (model.probability(&e.features), e.won))
        .collect();
    Metrics {
        auc: auc(&scored),
        log_loss: log_loss(&scored),
        calibration: calibration(&scored),
        train_examples: train.len(),
        test_examples: test.len(),
    }
}

fn fit(algorithm: Algorithm, examples: &[&Example]) -> Model {
    match algorithm {
        Algorithm::NaiveBayes => fit_naive_bayes(examples),
        Algorithm::Logistic => fit_logistic(examples),
    }
}

/// Sorted, without repeats.
fn distinct(features: &[Feature]) -> Vec<&Feature> {
    let mut out: Vec<&Feature> = features.iter().collect();
    out.sort();
    out.dedup();
    out
}

/// Naive Bayes as log-odds: ln(P(won) / P(lost)) plus, per feature,
/// ln(P(value | won) / P(value | lost)) with P(value | class) = (count + 1) / (total + K),
/// `total` the class's values of that name and K its distinct values + 1 (room for an unseen
/// one, which itself adds nothing). The prior is smoothed alike, (won + 1) / (lost + 1), so a one-class split stays finite.
fn fit_naive_bayes(examples: &[&Example]) -> Model {
    let mut classes = [0.0_f64; 2];
    let mut counts: BTreeMap<&str, BTreeMap<&str, [f64; 2]>> = BTreeMap::new();
    for e in examples {
        let class = usize::from(e.won);
        classes[class] += 1.0;
        for f in distinct(&e.features) {
            let by_value = counts.entry(f.name.as_str()).or_default();
            by_value.entry(f.value.as_str()).or_default()[class] += 1.0;
        }
    }
    let features = counts
        .into_iter()
        .map(|(name, by_value)| {
            let k = by_value.len() as f64 + 1.0;
            let totals = by_value
                .values()
                .fold([0.0, 0.0], |t, c| [t[0] + c[0], t[1] + c[1]]);
            let ratio = |c: [f64; 2]| {
                ((c[1] + 1.0) / (totals[1] + k)).ln() - ((c[0] + 1.0) / (totals[0] + k)).ln()
            };
            let values = by_value.iter().map(|(v, c)| ((*v).to_owned(), ratio(*c)));
            // A value the history never showed is no evidence either way (the smoothed
            // ratio of two zero counts would lean towards the rarer class).
            let weights = Weights {
                values: values.collect(),
                other: 0.0,
            };
            (name.to_owned(), weights)
        })
        .collect();
    let intercept = ((classes[1] + 1.0) / (classes[0] + 1.0)).ln();
    Model::new(Algorithm::NaiveBayes, intercept, features)
}

/// The logistic function of clamped log-odds: strictly between 0 and 1.
fn logistic(log_odds: f64) -> f64 {
    logistic_unclamped(log_odds.clamp(-MAX_LOG_ODDS, MAX_LOG_ODDS))
}

/// 1 / (1 + e^-z), written so that no exp overflows.
fn logistic_unclamped(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[path = "predict_logistic.rs"]
mod logistic;
#[path = "predict_metrics.rs"]
mod metrics;

#[cfg(test)]
use logistic::Columns;
use logistic::fit_logistic;
pub use metrics::{auc, calibration, log_loss};

#[cfg(test)]
#[path = "predict_tests.rs"]
mod tests;
