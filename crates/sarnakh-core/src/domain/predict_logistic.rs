//! Logistic regression for the win model: one-hot columns, sparse rows, and L-BFGS on the
//! L2-regularised log loss.

use super::*;

/// One-hot columns: per name an [`OTHER`] column and one per value seen at least
/// [`MIN_VALUE_COUNT`] times. Column 0 is the intercept.
pub(super) struct Columns<'a> {
    /// Per name: its [`OTHER`] column and its kept values' columns.
    pub(super) by_name: BTreeMap<&'a str, (usize, BTreeMap<&'a str, usize>)>,
    pub(super) count: usize,
}

impl<'a> Columns<'a> {
    pub(super) fn new(examples: &[&'a Example]) -> Self {
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
    pub(super) fn design(&self, examples: &[&Example]) -> Design {
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
pub(super) struct Design {
    active: Vec<usize>,
    starts: Vec<usize>,
    won: Vec<f64>,
}

impl Design {
    /// Summed log loss plus the L2 penalty at weights `w`, and its gradient.
    pub(super) fn objective(&self, w: &[f64], gradient: &mut [f64]) -> f64 {
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

pub(super) fn fit_logistic(examples: &[&Example]) -> Model {
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
