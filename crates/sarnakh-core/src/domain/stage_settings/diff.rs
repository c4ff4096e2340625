//! The audit's view of a stage list change: one old -> new entry per changed attribute
//! (`stages.order`, `stages.demo.probability`, `stages.qualify.labels.fa` ...).

use crate::domain::history::FieldChange;
use crate::domain::stage::PipelineStage;

/// The audit's view of the change: one entry per changed attribute.
pub(super) fn diff(current: &[PipelineStage], next: &[PipelineStage]) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut push = |field: String, old: Option<String>, new: Option<String>| {
        if old != new {
            changes.push(FieldChange { field, old, new });
        }
    };
    let order = |s: &[PipelineStage]| {
        s.iter()
            .map(|s| s.key.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    push(
        "stages.order".into(),
        Some(order(current)),
        Some(order(next)),
    );
    for s in next {
        let before = current.iter().find(|c| c.key == s.key);
        let field = |f: &str| format!("stages.{}.{f}", s.key);
        if before.is_none() {
            push(format!("stages.{}", s.key), None, Some("added".into()));
        }
        push(
            field("name"),
            before.map(|b| b.name.clone()),
            Some(s.name.clone()),
        );
        push(
            field("probability"),
            before.map(|b| b.probability.to_string()),
            Some(s.probability.to_string()),
        );
        push(
            field("forecast_category"),
            before.map(|b| b.forecast_category.as_str().to_owned()),
            Some(s.forecast_category.as_str().to_owned()),
        );
        push(
            field("retired"),
            before.map(|b| b.retired_at.is_some().to_string()),
            Some(s.retired_at.is_some().to_string()),
        );
        let langs: std::collections::BTreeSet<&String> = s
            .labels
            .keys()
            .chain(before.iter().flat_map(|b| b.labels.keys()))
            .collect();
        for lang in langs {
            push(
                field(&format!("labels.{lang}")),
                before.and_then(|b| b.labels.get(lang).cloned()),
                s.labels.get(lang).cloned(),
            );
        }
    }
    for s in current
        .iter()
        .filter(|c| !next.iter().any(|n| n.key == c.key))
    {
        push(
            format!("stages.{}", s.key),
            Some(s.name.clone()),
            Some("removed".into()),
        );
    }
    changes
}
