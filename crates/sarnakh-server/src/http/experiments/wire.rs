//! Wire types of `/api/v1/experiments` and the experiment report. Names are unique in the
//! OpenAPI document (`Experiment...Json`).

use chrono::{DateTime, NaiveDate, Utc};
use sarnakh_core::domain::experiment::{Experiment, ExperimentDraft, VariantDraft};
use sarnakh_core::domain::experiment_stats::Rate;
use sarnakh_core::service::{AssignOutcome, Comparison, ExperimentReport, STEPS, VariantResult};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One variant as sent: `form_id` for the form method, `campaign` for the campaign
/// method, `weight` (1-1000, default 1) for the random method.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentVariantJson {
    pub key: Option<String>,
    pub name: Option<String>,
    pub form_id: Option<String>,
    pub campaign: Option<String>,
    pub weight: Option<i64>,
}

/// An experiment definition (create, or replace with PUT; a running or stopped one keeps
/// its key, kind, method and variants).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentRequest {
    /// 1-64 of a-z, 0-9, `-`, `_`.
    pub key: Option<String>,
    pub name: Option<String>,
    /// The hypothesis.
    pub description: Option<String>,
    /// form, nurture_email, call_script, offer or other.
    pub kind: Option<String>,
    /// form, campaign or random.
    pub method: Option<String>,
    /// 2 to 10 variants; the first is the control.
    #[serde(default)]
    pub variants: Vec<ExperimentVariantJson>,
}

impl From<ExperimentRequest> for ExperimentDraft {
    fn from(r: ExperimentRequest) -> Self {
        Self {
            key: r.key,
            name: r.name,
            description: r.description,
            kind: r.kind,
            method: r.method,
            variants: r
                .variants
                .into_iter()
                .map(|v| VariantDraft {
                    key: v.key,
                    name: v.name,
                    form_id: v.form_id,
                    campaign: v.campaign,
                    weight: v.weight,
                })
                .collect(),
        }
    }
}

/// A stored experiment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentJson {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: String,
    pub method: String,
    /// draft, running or stopped.
    pub status: String,
    pub variants: Vec<ExperimentVariantJson>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Experiment> for ExperimentJson {
    fn from(x: Experiment) -> Self {
        Self {
            id: x.id.as_uuid(),
            key: x.key,
            name: x.name,
            description: x.description,
            kind: x.kind.as_str().to_owned(),
            method: x.method.as_str().to_owned(),
            status: x.status.as_str().to_owned(),
            variants: x
                .variants
                .into_iter()
                .map(|v| ExperimentVariantJson {
                    key: Some(v.key),
                    name: Some(v.name),
                    form_id: v.form_id.map(|f| f.to_string()),
                    campaign: v.campaign,
                    weight: Some(i64::from(v.weight)),
                })
                .collect(),
            started_at: x.started_at,
            stopped_at: x.stopped_at,
            created_by: x.created_by.map(|u| u.as_uuid()),
            created_at: x.created_at,
            updated_at: x.updated_at,
            version: x.version,
        }
    }
}

/// Experiments, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentListJson {
    pub items: Vec<ExperimentJson>,
}

/// Which leads to assign: `lead_ids` (from now on) or `since_start: true` (every lead
/// created since the start and not yet in the experiment, as of its creation).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentAssignRequest {
    #[serde(default)]
    pub lead_ids: Vec<String>,
    #[serde(default)]
    pub since_start: bool,
}

/// What an assignment did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentAssignJson {
    pub assigned: u64,
    /// Already in the experiment (they keep their variant).
    pub already: u64,
    /// The experiment's rule gives them no variant.
    pub not_matching: u64,
}

impl From<AssignOutcome> for ExperimentAssignJson {
    fn from(o: AssignOutcome) -> Self {
        Self {
            assigned: o.assigned,
            already: o.already,
            not_matching: o.not_matching,
        }
    }
}

/// One conversion step of one variant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentStepJson {
    /// prospect, opportunity or won.
    pub step: String,
    /// Exposed leads that took the step at or after their assignment.
    pub converted: u64,
    /// converted / exposed.
    pub rate: Option<f64>,
    /// 95 % Wilson interval.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Against the control (none for the control): z of the two-proportion test.
    pub z: Option<f64>,
    pub p_value: Option<f64>,
    /// not_enough_data, better, worse or no_difference.
    pub verdict: Option<String>,
    /// "B converts better to prospect than A, p = 0.01".
    pub verdict_text: Option<String>,
}

fn step_json(step: &str, r: &Rate, c: Option<&Comparison>) -> ExperimentStepJson {
    ExperimentStepJson {
        step: step.to_owned(),
        converted: r.successes,
        rate: r.rate,
        ci_low: r.low,
        ci_high: r.high,
        z: c.and_then(|c| c.test).map(|t| t.statistic),
        p_value: c.and_then(|c| c.test).map(|t| t.p),
        verdict: c.map(|c| c.verdict.code().to_owned()),
        verdict_text: c.map(|c| c.sentence.clone()),
    }
}

/// One variant's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentVariantResultJson {
    pub key: String,
    pub name: String,
    pub control: bool,
    /// Assigned leads the caller may see.
    pub exposed: u64,
    pub steps: Vec<ExperimentStepJson>,
}

impl From<VariantResult> for ExperimentVariantResultJson {
    fn from(v: VariantResult) -> Self {
        let steps = STEPS
            .iter()
            .enumerate()
            .map(|(i, s)| step_json(s, &v.rates[i], v.versus_control[i].as_ref()))
            .collect();
        Self {
            key: v.key,
            name: v.name,
            control: v.control,
            exposed: v.exposed,
            steps,
        }
    }
}

/// Chi-square over all variants at one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentChiSquareJson {
    pub step: String,
    /// Every cell has at least 5 expected successes and failures.
    pub enough_data: bool,
    pub chi_square: Option<f64>,
    pub df: Option<u32>,
    pub p_value: Option<f64>,
}

/// The experiment report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperimentReportJson {
    pub experiment: ExperimentJson,
    /// Assignment period, when asked for.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Significance level of each comparison with the control (0.05 / comparisons).
    pub alpha: f64,
    pub variants: Vec<ExperimentVariantResultJson>,
    pub tests: Vec<ExperimentChiSquareJson>,
}

impl From<ExperimentReport> for ExperimentReportJson {
    fn from(r: ExperimentReport) -> Self {
        Self {
            experiment: r.experiment.into(),
            from: r.period.map(|p| p.first_day),
            to: r.period.map(|p| p.last_day),
            alpha: r.alpha,
            variants: r.variants.into_iter().map(Into::into).collect(),
            tests: r
                .tests
                .into_iter()
                .map(|t| ExperimentChiSquareJson {
                    step: t.step.to_owned(),
                    enough_data: t.enough_data,
                    chi_square: t.chi_square.map(|c| c.statistic),
                    df: t.chi_square.map(|c| c.df),
                    p_value: t.chi_square.map(|c| c.p),
                })
                .collect(),
        }
    }
}
