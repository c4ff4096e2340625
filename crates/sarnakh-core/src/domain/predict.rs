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

/// Area under the ROC curve (ties between scores count half; Mann-Whitney form). 0.5 if
/// either class is absent.
pub fn auc(scored: &[(f64, bool)]) -> f64 {
    let won = scored.iter().filter(|s| s.1).count();
    let lost = scored.len() - won;
    if won == 0 || lost == 0 {
        return 0.5;
    }
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the won records' ranks (1-based), a tied group sharing its mean rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        // Counted from start + 1, so that even a NaN score (equal to nothing) moves on.
        let first = sorted[start].0;
        let end = start + 1 + sorted[start + 1..].partition_point(|s| s.0 == first);
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += mean_rank * sorted[start..end].iter().filter(|s| s.1).count() as f64;
        start = end;
    }
    let (won, lost) = (won as f64, lost as f64);
    (rank_sum - won * (won + 1.0) / 2.0) / (won * lost)
}

/// Mean binary cross-entropy with probabilities clamped to [1e-12, 1-1e-12]; 0.0 for no records.
pub fn log_loss(scored: &[(f64, bool)]) -> f64 {
    if scored.is_empty() {
        return 0.0;
    }
    let total: f64 = scored
        .iter()
        .map(|&(p, won)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            -(if won { p } else { 1.0 - p }).ln()
        })
        .sum();
    total / scored.len() as f64
}

/// Ten equal-width bins over [0, 1] (p = 1.0 falls in the last), each with its count, mean
/// predicted probability and observed win rate; empty bins are kept with count 0 and 0.0 rates.
pub fn calibration(scored: &[(f64, bool)]) -> Vec<CalibrationBin> {
    let mut sums = [(0_usize, 0.0, 0_usize); 10];
    for &(p, won) in scored {
        let p = p.clamp(0.0, 1.0);
        let bin = ((p * 10.0) as usize).min(9);
        sums[bin].0 += 1;
        sums[bin].1 += p;
        sums[bin].2 += usize::from(won);
    }
    let per = |sum: f64, count: usize| if count == 0 { 0.0 } else { sum / count as f64 };
    (0..10)
        .map(|i| {
            let (count, predicted, won) = sums[i];
            CalibrationBin {
                lower: i as f64 / 10.0,
                upper: (i + 1) as f64 / 10.0,
                count,
                mean_predicted: per(predicted, count),
                observed_rate: per(won as f64, count),
            }
        })
        .collect()
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

/// One-hot columns: per name an [`OTHER`] column and one per value seen at least
/// [`MIN_VALUE_COUNT`] times. Column 0 is the intercept.
struct Columns<'a> {
    /// Per name: its [`OTHER`] column and its kept values' columns.
    by_name: BTreeMap<&'a str, (usize, BTreeMap<&'a str, usize>)>,
    count: usize,
}

impl<'a> Columns<'a> {
    fn new(examples: &[&'a Example]) -> Self {
        let mut seen: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for f in examples.iter().flat_map(|e| distinct(&e.features)) {
            *seen
                .entry(&f.name)
                .or_default()
                .entry(&f.value)
                .or_default() += 1;
        }
        let mut count = 1;
        let mut take = || {
            count += 1;
            count - 1
        };
        let by_name = seen
            .into_iter()
            .map(|(name, by_value)| {
                let other = take();
                let kept = by_value.into_iter().filter(|&(_, n)| n >= MIN_VALUE_COUNT);
                (name, (other, kept.map(|(v, _)| (v, take())).collect()))
            })
            .collect();
        Self { by_name, count }
    }

    /// The examples as sparse rows of active columns (a column may repeat: two rare values
    /// of one name both count as [`OTHER`], as they do in [`Model::predict`]).
    fn design(&self, examples: &[&Example]) -> Design {
        let (mut active, mut starts) = (Vec::new(), vec![0]);
        for e in examples {
            for f in distinct(&e.features) {
                let (other, kept) = self
                    .by_name
                    .get(f.name.as_str())
                    .expect("the columns were built from these examples");
                active.push(kept.get(f.value.as_str()).copied().unwrap_or(*other));
            }
            starts.push(active.len());
        }
        let won = examples
            .iter()
            .map(|e| f64::from(u8::from(e.won)))
            .collect();
        Design {
            active,
            starts,
            won,
        }
    }
}

/// Training data of logistic regression: row `i` is `active[starts[i]..starts[i + 1]]`.
struct Design {
    active: Vec<usize>,
    starts: Vec<usize>,
    won: Vec<f64>,
}

impl Design {
    /// Summed log loss plus the L2 penalty at weights `w`, and its gradient.
    fn objective(&self, w: &[f64], gradient: &mut [f64]) -> f64 {
        gradient.fill(0.0);
        let mut loss = 0.0;
        for (i, &y) in self.won.iter().enumerate() {
            let row = &self.active[self.starts[i]..self.starts[i + 1]];
            let z = w[0] + row.iter().map(|&j| w[j]).sum::<f64>();
            // ln(1 + e^z) - y z, written so that no exp overflows.
            loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
            let residual = logistic_unclamped(z) - y;
            gradient[0] += residual;
            row.iter().for_each(|&j| gradient[j] += residual);
        }
        for j in 1..w.len() {
            loss += LAMBDA / 2.0 * w[j] * w[j];
            gradient[j] += LAMBDA * w[j];
        }
        loss
    }
}

fn fit_logistic(examples: &[&Example]) -> Model {
    let columns = Columns::new(examples);
    let design = columns.design(examples);
    let tolerance = GRADIENT_TOLERANCE * examples.len().max(1) as f64;
    let w = minimise(vec![0.0; columns.count], tolerance, |w, g| {
        design.objective(w, g)
    });
    let features = (columns.by_name.into_iter())
        .map(|(name, (other, kept))| {
            let values = kept.into_iter().map(|(v, j)| (v.to_owned(), w[j]));
            let other = w[other];
            (
                name.to_owned(),
                Weights {
                    values: values.collect(),
                    other,
                },
            )
        })
        .collect();
    Model::new(Algorithm::Logistic, w[0], features)
}

/// A point of the search: weights, the objective's gradient and value there.
struct Point {
    w: Vec<f64>,
    gradient: Vec<f64>,
    value: f64,
}

/// Minimises a smooth convex `objective` (which returns its value and fills the gradient)
/// with L-BFGS from `w`, until no gradient component exceeds `tolerance`, no step makes
/// progress, or [`MAX_ITERATIONS`].
fn minimise(
    w: Vec<f64>,
    tolerance: f64,
    objective: impl Fn(&[f64], &mut [f64]) -> f64,
) -> Vec<f64> {
    let mut gradient = vec![0.0; w.len()];
    let value = objective(&w, &mut gradient);
    let mut at = Point { w, gradient, value };
    let mut pairs: VecDeque<(Vec<f64>, Vec<f64>)> = VecDeque::new();
    for _ in 0..MAX_ITERATIONS {
        if at.gradient.iter().all(|g| g.abs() <= tolerance) {
            break;
        }
        let mut direction = lbfgs_direction(&at.gradient, &pairs);
        if dot(&at.gradient, &direction) >= 0.0 {
            // Curvature pairs gone stale: start over from steepest descent.
            pairs.clear();
            direction = lbfgs_direction(&at.gradient, &pairs);
        }
        let Some(next) = line_search(&at, &direction, &objective) else {
            break; // no step improves: the optimum, to machine precision
        };
        let s: Vec<f64> = next.w.iter().zip(&at.w).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = (next.gradient.iter().zip(&at.gradient))
            .map(|(a, b)| a - b)
            .collect();
        if dot(&s, &y) > 1e-12 {
            pairs.push_back((s, y));
            if pairs.len() > LBFGS_MEMORY {
                pairs.pop_front();
            }
        }
        at = next;
    }
    at.w
}

/// Halves the step along `direction` from 1 until the objective falls enough (Armijo);
/// `None` when even a tiny step does not improve it.
fn line_search(
    from: &Point,
    direction: &[f64],
    objective: &impl Fn(&[f64], &mut [f64]) -> f64,
) -> Option<Point> {
    let slope = dot(&from.gradient, direction);
    let mut step = 1.0;
    while step >= 1e-12 {
        let w: Vec<f64> = (from.w.iter().zip(direction))
            .map(|(w, d)| w + step * d)
            .collect();
        let mut gradient = vec![0.0; w.len()];
        let value = objective(&w, &mut gradient);
        if value <= from.value + 1e-4 * step * slope {
            return Some(Point { w, gradient, value });
        }
        step /= 2.0;
    }
    None
}

/// The L-BFGS two-loop recursion: minus the inverse-Hessian estimate times `gradient`. With
/// no pairs yet, the steepest-descent direction scaled to unit length.
fn lbfgs_direction(gradient: &[f64], pairs: &VecDeque<(Vec<f64>, Vec<f64>)>) -> Vec<f64> {
    let mut q: Vec<f64> = gradient.iter().map(|g| -g).collect();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y) in pairs.iter().rev() {
        let alpha = dot(s, &q) / dot(s, y);
        q.iter_mut().zip(y).for_each(|(q, y)| *q -= alpha * y);
        alphas.push(alpha);
    }
    let scale = match pairs.back() {
        Some((s, y)) => dot(s, y) / dot(y, y),
        None => 1.0 / dot(gradient, gradient).sqrt().max(f64::MIN_POSITIVE),
    };
    q.iter_mut().for_each(|q| *q *= scale);
    for ((s, y), alpha) in pairs.iter().zip(alphas.into_iter().rev()) {
        let beta = dot(y, &q) / dot(s, y);
        q.iter_mut()
            .zip(s)
            .for_each(|(q, s)| *q += (alpha - beta) * s);
    }
    q
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
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

#[cfg(test)]
#[path = "predict_tests.rs"]
mod tests;
