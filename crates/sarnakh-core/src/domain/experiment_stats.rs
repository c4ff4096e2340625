//! The statistics of an A/B experiment's report: a proportion's Wilson score interval, the
//! pooled two-proportion z-test of a variant against the control, Pearson's chi-square test
//! over all variants, and the plain-language verdict. The distributions come from `statrs`;
//! nothing here does IO.
//!
//! "Enough data" is the usual validity rule of these large-sample tests: every cell of the
//! table has an *expected* count of successes and of failures of at least
//! [`MIN_EXPECTED`] under the null hypothesis (equal rates).

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// Confidence of the intervals.
pub const CONFIDENCE: f64 = 0.95;
/// Significance level of one comparison (divided among the comparisons, Bonferroni).
pub const ALPHA: f64 = 0.05;
/// Smallest expected count of successes and of failures in every cell for a test to count.
pub const MIN_EXPECTED: f64 = 5.0;

/// A share of successes with its 95 % Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Successes.
    pub successes: u64,
    /// Trials.
    pub trials: u64,
    /// successes / trials (none without trials).
    pub rate: Option<f64>,
    /// Lower end of the interval.
    pub low: Option<f64>,
    /// Upper end of the interval.
    pub high: Option<f64>,
}

/// The two-sided critical value of the standard normal distribution for `confidence`.
fn z_critical(confidence: f64) -> f64 {
    standard_normal().inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

fn standard_normal() -> Normal {
    Normal::standard()
}

/// The rate and its Wilson score interval at [`CONFIDENCE`].
pub fn wilson(successes: u64, trials: u64) -> Rate {
    if trials == 0 {
        return Rate {
            successes,
            trials,
            rate: None,
            low: None,
            high: None,
        };
    }
    let (x, n) = (successes as f64, trials as f64);
    let z = z_critical(CONFIDENCE);
    let p = x / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Rate {
        successes,
        trials,
        rate: Some(p),
        // At 0 and n successes the bounds are exactly 0 and 1; rounding would leave dust.
        low: Some(if successes == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        }),
        high: Some(if successes >= trials {
            1.0
        } else {
            (centre + half).min(1.0)
        }),
    }
}

/// A test's statistic and two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    /// z (two proportions; positive when the variant converts more) or chi-square.
    pub statistic: f64,
    /// Degrees of freedom (chi-square; 0 for z).
    pub df: u32,
    /// The p-value.
    pub p: f64,
}

/// Pooled two-proportion z-test of `variant` against `control`, both (successes, trials).
/// None when a group is empty or nobody (or everybody) succeeded: there is no variance.
pub fn two_proportion(control: (u64, u64), variant: (u64, u64)) -> Option<Test> {
    let ((x1, n1), (x2, n2)) = (control, variant);
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let z = (x2 / n2 - x1 / n1) / se;
    Some(Test {
        statistic: z,
        df: 0,
        p: (2.0 * standard_normal().sf(z.abs())).min(1.0),
    })
}

/// Pearson's chi-square test of independence over a k x 2 table of (successes, trials).
/// None with fewer than two non-empty groups or no variance.
pub fn chi_square(groups: &[(u64, u64)]) -> Option<Test> {
    let groups: Vec<(f64, f64)> = groups
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(x, n)| (*x as f64, *n as f64))
        .collect();
    if groups.len() < 2 {
        return None;
    }
    let total: f64 = groups.iter().map(|g| g.1).sum();
    let pooled = groups.iter().map(|g| g.0).sum::<f64>() / total;
    if pooled <= 0.0 || pooled >= 1.0 {
        return None;
    }
    let statistic: f64 = groups
        .iter()
        .map(|(x, n)| {
            let (es, ef) = (n * pooled, n * (1.0 - pooled));
            (x - es).powi(2) / es + ((n - x) - ef).powi(2) / ef
        })
        .sum();
    let df = u32::try_from(groups.len() - 1).unwrap_or(u32::MAX);
    let dist = ChiSquared::new(f64::from(df)).ok()?;
    Some(Test {
        statistic,
        df,
        p: dist.sf(statistic).clamp(0.0, 1.0),
    })
}

/// Whether every group's expected successes and failures (at the pooled rate) reach
/// [`MIN_EXPECTED`].
pub fn enough_data(groups: &[(u64, u64)]) -> bool {
    let total: u64 = groups.iter().map(|g| g.1).sum();
    if total == 0 || groups.iter().any(|g| g.1 == 0) {
        return false;
    }
    let pooled = groups.iter().map(|g| g.0).sum::<u64>() as f64 / total as f64;
    groups.iter().all(|(_, n)| {
        let n = *n as f64;
        n * pooled >= MIN_EXPECTED && n * (1.0 - pooled) >= MIN_EXPECTED
    })
}

/// What one comparison of a variant with the control says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Too few expected successes or failures to test.
    NotEnoughData,
    /// The variant converts better, significantly.
    Better {
        /// p-value.
        p: f64,
    },
    /// The variant converts worse, significantly.
    Worse {
        /// p-value.
        p: f64,
    },
    /// No significant difference.
    NoDifference {
        /// p-value.
        p: f64,
    },
}

impl Verdict {
    /// Judges `variant` against `control` with the significance level `alpha`.
    pub fn judge(control: (u64, u64), variant: (u64, u64), alpha: f64) -> Self {
        if !enough_data(&[control, variant]) {
            return Self::NotEnoughData;
        }
        match two_proportion(control, variant) {
            None => Self::NotEnoughData,
            Some(t) if t.p < alpha && t.statistic > 0.0 => Self::Better { p: t.p },
            Some(t) if t.p < alpha => Self::Worse { p: t.p },
            Some(t) => Self::NoDifference { p: t.p },
        }
    }

    /// A stable code: `not_enough_data`, `better`, `worse`, `no_difference`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotEnoughData => "not_enough_data",
            Self::Better { .. } => "better",
            Self::Worse { .. } => "worse",
            Self::NoDifference { .. } => "no_difference",
        }
    }

    /// One English sentence: "B converts better to prospect than A, p = 0.01".
    pub fn sentence(&self, variant: &str, control: &str, step: &str) -> String {
        match self {
            Self::NotEnoughData => "not enough data yet".to_owned(),
            Self::Better { p } => {
                format!(
                    "{variant} converts better to {step} than {control}, {}",
                    p_text(*p)
                )
            }
            Self::Worse { p } => {
                format!(
                    "{variant} converts worse to {step} than {control}, {}",
                    p_text(*p)
                )
            }
            Self::NoDifference { p } => format!("no significant difference ({})", p_text(*p)),
        }
    }
}

/// `p = 0.43`, `p = 0.004` or `p < 0.001`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

#[cfg(test)]
#[path = "experiment_stats_tests.rs"]
mod tests;
