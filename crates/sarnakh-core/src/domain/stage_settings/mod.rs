//! Editing the pipeline: a manager's or admin's new list of stages checked against the
//! stages in force and the deals in them, giving the stages to store and the changes to
//! record. Pure: the service reads the inputs and stores the plan.
//!
//! Rules: keys are unique (`a-z`, digits, `_`), names unique regardless of case; the list
//! order is the board order of the open stages; the won and lost stages stay, last, with
//! their kind, probability (100 / 0) and category (closed / omitted): only their names
//! change. A stage with deals cannot be removed, only retired (no deal enters it any more;
//! those in it stay until moved). At least one open stage that is not retired remains.

mod diff;

use crate::domain::forecast::ForecastCategory;
use crate::domain::history::FieldChange;
use crate::domain::stage::{PipelineStage, StageKind};
use crate::domain::user::Locale;
use crate::error::FieldError;
use chrono::{DateTime, Utc};
use diff::diff;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most stages a pipeline holds.
pub const MAX_STAGES: usize = 30;
/// Longest stage key.
pub const MAX_KEY: usize = 40;
/// Longest stage name or label.
pub const MAX_NAME: usize = 80;

/// One stage as a manager sends it (raw: checked by [`plan`]). Its JSON form (in the
/// stage file and the API body) has the same member names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StageInput {
    /// Stable key; an unknown key adds an open stage.
    pub key: String,
    /// Display name (the fallback for languages without a label).
    pub name: String,
    /// Names by language code (`fa`, `ro`, `en`); empty ones are dropped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Win probability in percent (required for open stages).
    pub probability: Option<i64>,
    /// Default forecast category of its deals (open stages; default from the probability).
    pub forecast_category: Option<String>,
    /// Retired: no deal enters it any more.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

impl StageInput {
    /// The input that keeps `stage` as it is.
    pub fn from_stage(stage: &PipelineStage) -> Self {
        Self {
            key: stage.key.clone(),
            name: stage.name.clone(),
            labels: stage.labels.clone(),
            probability: Some(i64::from(stage.probability)),
            forecast_category: Some(stage.forecast_category.as_str().to_owned()),
            retired: stage.retired_at.is_some(),
        }
    }
}

/// The stage file (`{"stages": [...]}`), as `sarnakh stages show` prints it and `set` reads
/// it, and as the API's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct StageFile {
    /// The stages in board order.
    pub stages: Vec<StageInput>,
}

impl StageFile {
    /// The file of the stages in force.
    pub fn of(stages: &[PipelineStage]) -> Self {
        Self {
            stages: stages.iter().map(StageInput::from_stage).collect(),
        }
    }

    /// Parses the JSON form; a malformed file is one error at `stages`.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        serde_json::from_str(text)
            .map_err(|e| FieldError::new("stages", "invalid_stage_file", e.to_string()))
    }

    /// The JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// What saving a new stage list writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagePlan {
    /// Every stage after the change, in board order (positions 1, 2 ...).
    pub stages: Vec<PipelineStage>,
    /// Keys of stages removed (they have no deals).
    pub removed: Vec<String>,
    /// Each change, for the audit row (`stages.demo.probability` 40 -> 50 ...).
    pub changes: Vec<FieldChange>,
}

/// Checks `input` against the stages in force and the number of deals (any status) per
/// stage key; every problem is reported at once, addressed `stages[i].field`.
pub fn plan(
    current: &[PipelineStage],
    input: &[StageInput],
    deals: &HashMap<String, u64>,
    now: DateTime<Utc>,
) -> Result<StagePlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    if input.is_empty() || input.len() > MAX_STAGES {
        errors.push(FieldError::new(
            "stages",
            "stage_count",
            format!("give between 1 and {MAX_STAGES} stages"),
        ));
    }
    let mut keys = HashSet::new();
    let mut names = HashSet::new();
    let mut open = Vec::new();
    let mut terminal = Vec::new();
    for (i, raw) in input.iter().enumerate() {
        let at = |f: &str| format!("stages[{i}].{f}");
        let key = raw.key.trim();
        if let Err(e) = check_key(key) {
            errors.push(e.under(&at("key")));
        } else if !keys.insert(key.to_owned()) {
            errors.push(FieldError::new(
                at("key"),
                "duplicate_stage",
                format!("stage {key:?} is listed twice"),
            ));
        }
        let name = match crate::domain::text::required(&raw.name, MAX_NAME) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e.under(&at("name")));
                String::new()
            }
        };
        if !name.is_empty() && !names.insert(name.to_lowercase()) {
            errors.push(FieldError::new(
                at("name"),
                "duplicate_name",
                format!("another stage is already named {name:?}"),
            ));
        }
        let labels = check_labels(&raw.labels, &at("labels"), &mut errors);
        let before = current.iter().find(|s| s.key == key);
        let kind = before.map_or(StageKind::Open, |s| s.kind);
        let stage = PipelineStage {
            key: key.to_owned(),
            name,
            labels,
            position: 0,
            kind,
            probability: 0,
            forecast_category: ForecastCategory::Pipeline,
            retired_at: None,
        };
        match kind {
            StageKind::Open => {
                open.push(open_stage(stage, raw, before, now, &at, &mut errors));
            }
            StageKind::Won | StageKind::Lost => {
                terminal.push(terminal_stage(stage, raw, &at, &mut errors));
            }
        }
    }
    let removed = removed_stages(current, &keys, deals, &mut errors);
    if !open.iter().any(PipelineStage::accepts_deals) {
        errors.push(FieldError::new(
            "stages",
            "no_open_stage",
            "keep at least one open stage that is not retired",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Terminal stages stay last, in their current order.
    terminal.sort_by_key(|s: &PipelineStage| {
        current
            .iter()
            .find(|c| c.key == s.key)
            .map_or(0, |c| c.position)
    });
    let stages: Vec<PipelineStage> = open
        .into_iter()
        .chain(terminal)
        .zip(1..)
        .map(|(s, position)| PipelineStage { position, ..s })
        .collect();
    let changes = diff(current, &stages);
    Ok(StagePlan {
        stages,
        removed,
        changes,
    })
}

fn check_key(key: &str) -> Result<(), FieldError> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "",
            "invalid_key",
            format!("a key is 1 to {MAX_KEY} characters: a-z, 0-9 and _, starting with a letter"),
        ))
    }
}

fn check_labels(
    raw: &BTreeMap<String, String>,
    at: &str,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    for (lang, value) in raw {
        let field = format!("{at}.{lang}");
        if Locale::parse(lang).is_none() {
            errors.push(FieldError::new(
                field,
                "unknown_language",
                format!("one of {}", Locale::expected()),
            ));
            continue;
        }
        match crate::domain::text::optional(Some(value), MAX_NAME) {
            Ok(Some(v)) => {
                labels.insert(lang.clone(), v);
            }
            Ok(None) => {}
            Err(e) => errors.push(e.under(&field)),
        }
    }
    labels
}

fn open_stage(
    stage: PipelineStage,
    raw: &StageInput,
    before: Option<&PipelineStage>,
    now: DateTime<Utc>,
    at: &dyn Fn(&str) -> String,
    errors: &mut Vec<FieldError>,
) -> PipelineStage {
    let probability = match raw.probability {
        Some(p @ 0..=100) => u8::try_from(p).unwrap_or(0),
        Some(_) => {
            errors.push(FieldError::new(
                at("probability"),
                "out_of_range",
                "a probability is between 0 and 100",
            ));
            0
        }
        None => {
            errors.push(FieldError::new(
                at("probability"),
                "required",
                "give the stage's win probability (0-100)",
            ));
            0
        }
    };
    let forecast_category = match raw.forecast_category.as_deref().map(str::trim) {
        None | Some("") => ForecastCategory::default_for_probability(probability),
        Some(c) => ForecastCategory::parse_settable(&at("forecast_category"), c)
            .map_err(|e| errors.push(e))
            .unwrap_or(ForecastCategory::Pipeline),
    };
    let retired_at = match (raw.retired, before.and_then(|b| b.retired_at)) {
        (false, _) => None,
        (true, Some(since)) => Some(since),
        (true, None) => Some(now),
    };
    PipelineStage {
        probability,
        forecast_category,
        retired_at,
        ..stage
    }
}

fn terminal_stage(
    stage: PipelineStage,
    raw: &StageInput,
    at: &dyn Fn(&str) -> String,
    errors: &mut Vec<FieldError>,
) -> PipelineStage {
    let (probability, category) = match stage.kind {
        StageKind::Won => (100, ForecastCategory::Closed),
        _ => (0, ForecastCategory::Omitted),
    };
    let fixed = |field: &str, errors: &mut Vec<FieldError>| {
        errors.push(FieldError::new(
            at(field),
            "terminal_stage_fixed",
            format!(
                "the {} stage keeps its {field}; only its name changes",
                stage.kind
            ),
        ));
    };
    if raw.probability.is_some_and(|p| p != i64::from(probability)) {
        fixed("probability", errors);
    }
    if raw
        .forecast_category
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty() && c.trim() != category.as_str())
    {
        fixed("forecast_category", errors);
    }
    if raw.retired {
        fixed("retired", errors);
    }
    PipelineStage {
        probability,
        forecast_category: category,
        ..stage
    }
}

/// The current stages left out of the new list; each must be open and without deals.
fn removed_stages(
    current: &[PipelineStage],
    kept: &HashSet<String>,
    deals: &HashMap<String, u64>,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut removed = Vec::new();
    for s in current.iter().filter(|s| !kept.contains(&s.key)) {
        let count = deals.get(&s.key).copied().unwrap_or(0);
        if s.kind != StageKind::Open {
            errors.push(FieldError::new(
                "stages",
                "terminal_stage_required",
                format!("the {} stage {:?} cannot be removed", s.kind, s.key),
            ));
        } else if count > 0 {
            errors.push(FieldError::new(
                "stages",
                "stage_in_use",
                format!(
                    "stage {:?} has {count} deal(s): retire it instead of removing it",
                    s.key
                ),
            ));
        } else {
            removed.push(s.key.clone());
        }
    }
    removed
}
