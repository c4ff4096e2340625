//! The A/B experiment report: per variant, the leads exposed (assigned and visible to the
//! caller) and their conversion to prospect, opportunity and won, each with a 95 % Wilson
//! interval; for each variant but the control a two-proportion z-test against the control
//! with a plain-language verdict, and a chi-square test over all variants.

use super::{Services, Shape};
use crate::domain::experiment::Experiment;
use crate::domain::experiment_stats::{
    ALPHA, Rate, Test, Verdict, chi_square, enough_data, two_proportion, wilson,
};
use crate::domain::report::{Period, ReportQuery};
use crate::error::Result;
use crate::service::Actor;
use crate::store::VariantCounts;

/// The conversion steps the report tests, in funnel order.
pub const STEPS: [&str; 3] = ["prospect", "opportunity", "won"];

/// One variant's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantResult {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Whether it is the control (the first variant).
    pub control: bool,
    /// Leads assigned (that the caller may see).
    pub exposed: u64,
    /// Per step (prospect, opportunity, won): the rate over the exposed leads.
    pub rates: [Rate; 3],
    /// Per step: the comparison with the control (none for the control itself).
    pub versus_control: [Option<Comparison>; 3],
}

/// A variant against the control at one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The z-test (none when there is no variance: nobody or everybody converted).
    pub test: Option<Test>,
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in one sentence.
    pub sentence: String,
}

/// The chi-square test of one step over all variants.
#[derive(Debug, Clone, PartialEq)]
pub struct StepTest {
    /// The step.
    pub step: &'static str,
    /// Whether every cell has enough expected successes and failures.
    pub enough_data: bool,
    /// The test (none without variance).
    pub chi_square: Option<Test>,
}

/// The experiment report.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentReport {
    /// The experiment.
    pub experiment: Experiment,
    /// The assignment period asked for, if any.
    pub period: Option<Period>,
    /// Significance level of each comparison: 0.05 divided by the comparisons (Bonferroni).
    pub alpha: f64,
    /// The variants, control first.
    pub variants: Vec<VariantResult>,
    /// Chi-square per step.
    pub tests: Vec<StepTest>,
}

impl Services {
    /// The report of one experiment (by id or key), over the leads the caller may see.
    /// Takes the common lead filters (owner, team, source, campaign, country); a period
    /// (`from`, `to`) restricts the assignment time. Refuses bad parameters with field errors.
    pub async fn experiment_report(
        &self,
        actor: &Actor,
        id_or_key: &str,
        q: &ReportQuery,
    ) -> Result<ExperimentReport> {
        let shape = Shape {
            groups: &[],
            period_required: false,
            products: false,
            lead_filters: true,
        };
        let scope = self.report_scope(actor, q, &shape, Vec::new()).await?;
        let experiment = self.experiment(id_or_key).await?;
        let counts = self.store.experiment_counts(experiment.id, &scope).await?;
        Ok(build(experiment, scope.period, &counts))
    }
}

/// The report from the per-variant counts (pure; variants without leads count zero).
pub fn build(
    experiment: Experiment,
    period: Option<Period>,
    counts: &[VariantCounts],
) -> ExperimentReport {
    let comparisons = experiment.variants.len().saturating_sub(1).max(1);
    let alpha = ALPHA / comparisons as f64;
    let figures: Vec<(u64, [u64; 3])> = experiment
        .variants
        .iter()
        .map(|v| {
            counts
                .iter()
                .find(|c| c.variant == v.key)
                .map_or((0, [0; 3]), |c| {
                    (c.exposed, [c.prospects, c.opportunities, c.won])
                })
        })
        .collect();
    let control_key = experiment.variants.first().map_or("", |v| v.key.as_str());
    let (control_n, control_steps) = figures.first().copied().unwrap_or((0, [0; 3]));
    let variants = experiment
        .variants
        .iter()
        .zip(&figures)
        .enumerate()
        .map(|(i, (v, (n, steps)))| {
            let versus = |s: usize| {
                (i > 0).then(|| {
                    let (c, x) = ((control_steps[s], control_n), (steps[s], *n));
                    let verdict = Verdict::judge(c, x, alpha);
                    Comparison {
                        test: two_proportion(c, x),
                        sentence: verdict.sentence(&v.key, control_key, STEPS[s]),
                        verdict,
                    }
                })
            };
            VariantResult {
                key: v.key.clone(),
                name: v.name.clone(),
                control: i == 0,
                exposed: *n,
                rates: [0, 1, 2].map(|s| wilson(steps[s], *n)),
                versus_control: [0, 1, 2].map(versus),
            }
        })
        .collect();
    let tests = STEPS
        .iter()
        .enumerate()
        .map(|(s, step)| {
            let table: Vec<(u64, u64)> = figures.iter().map(|(n, x)| (x[s], *n)).collect();
            StepTest {
                step,
                enough_data: enough_data(&table),
                chi_square: chi_square(&table),
            }
        })
        .collect();
    ExperimentReport {
        experiment,
        period,
        alpha,
        variants,
        tests,
    }
}
