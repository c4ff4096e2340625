//! The rules of editing the pipeline, one table row per rule.

use super::stage::{StageKind, default_stages};
use super::stage_settings::{StageInput, plan};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

fn inputs() -> Vec<StageInput> {
    default_stages()
        .iter()
        .map(StageInput::from_stage)
        .collect()
}

fn codes(input: &[StageInput], deals: &[(&str, u64)]) -> Vec<(String, &'static str)> {
    let deals: HashMap<String, u64> = deals.iter().map(|(k, n)| ((*k).into(), *n)).collect();
    match plan(&default_stages(), input, &deals, now()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn keeping_the_stages_changes_nothing() {
    let p = plan(&default_stages(), &inputs(), &HashMap::new(), now()).expect("valid");
    assert_eq!(p.stages, default_stages());
    assert!(p.changes.is_empty(), "{:?}", p.changes);
    assert!(p.removed.is_empty());
}

#[test]
fn reorder_rename_probability_and_a_new_stage_are_planned_with_their_changes() {
    let mut input = inputs();
    input.swap(1, 2);
    input[0].name = "Qualification".into();
    input[0].labels.insert("fa".into(), "ارزیابی".into());
    input[3].probability = Some(65);
    input.insert(
        4,
        StageInput {
            key: "legal".into(),
            name: "Legal review".into(),
            probability: Some(85),
            ..StageInput::default()
        },
    );
    // The won and lost stages are put back at the end whatever the order given.
    let won = input.remove(6);
    input.insert(0, won);
    let p = plan(&default_stages(), &input, &HashMap::new(), now()).expect("valid");
    let keys: Vec<&str> = p.stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "qualify",
            "demo",
            "discovery",
            "proposal",
            "legal",
            "negotiation",
            "won",
            "lost"
        ]
    );
    assert_eq!(p.stages[0].label("fa"), "ارزیابی");
    assert_eq!(p.stages[0].label("ro"), "Qualification");
    let legal = &p.stages[4];
    assert_eq!((legal.position, legal.kind), (5, StageKind::Open));
    assert_eq!(legal.forecast_category.as_str(), "commit");
    let fields: Vec<&str> = p.changes.iter().map(|c| c.field.as_str()).collect();
    for f in [
        "stages.order",
        "stages.qualify.name",
        "stages.qualify.labels.fa",
        "stages.proposal.probability",
        "stages.legal",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

/// A change to the default stage inputs.
type Change = Box<dyn Fn(&mut Vec<StageInput>)>;

#[test]
fn every_refusal_is_reported_at_its_field() {
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|i| i[1].key = "qualify".into()),
            "stages[1].key",
            "duplicate_stage",
        ),
        (
            Box::new(|i| i[1].name = " QUALIFY ".into()),
            "stages[1].name",
            "duplicate_name",
        ),
        (
            Box::new(|i| i[1].key = "Bad Key".into()),
            "stages[1].key",
            "invalid_key",
        ),
        (
            Box::new(|i| i[2].probability = Some(101)),
            "stages[2].probability",
            "out_of_range",
        ),
        (
            Box::new(|i| i[2].probability = None),
            "stages[2].probability",
            "required",
        ),
        (
            Box::new(|i| i[2].forecast_category = Some("closed".into())),
            "stages[2].forecast_category",
            "invalid_forecast_category",
        ),
        (
            Box::new(|i| i[5].probability = Some(90)),
            "stages[5].probability",
            "terminal_stage_fixed",
        ),
        (
            Box::new(|i| i[6].retired = true),
            "stages[6].retired",
            "terminal_stage_fixed",
        ),
        (
            Box::new(|i| {
                i.remove(6);
            }),
            "stages",
            "terminal_stage_required",
        ),
        (
            Box::new(|i| {
                i.remove(2);
            }),
            "stages",
            "stage_in_use",
        ),
        (
            Box::new(|i| {
                i[0].labels.insert("de".into(), "Prüfen".into());
            }),
            "stages[0].labels.de",
            "unknown_language",
        ),
        (
            Box::new(|i| i[0].name = "  ".into()),
            "stages[0].name",
            "required",
        ),
    ];
    for (change, field, code) in cases {
        let mut input = inputs();
        change(&mut input);
        let got = codes(&input, &[("demo", 2)]);
        assert!(
            got.contains(&(field.to_owned(), code)),
            "{field} {code}: {got:?}"
        );
    }
}

#[test]
fn a_stage_without_deals_is_removed_and_one_with_deals_is_retired() {
    let mut input = inputs();
    input.remove(1); // discovery: no deals
    input[1].retired = true; // demo: two deals
    let deals = HashMap::from([("demo".to_owned(), 2)]);
    let p = plan(&default_stages(), &input, &deals, now()).expect("valid");
    assert_eq!(p.removed, ["discovery"]);
    let demo = p.stages.iter().find(|s| s.key == "demo").expect("kept");
    assert_eq!(demo.retired_at, Some(now()));
    assert!(!demo.accepts_deals());
}

#[test]
fn the_last_open_stage_cannot_be_retired_or_removed() {
    let input: Vec<StageInput> = inputs()
        .into_iter()
        .map(|mut s| {
            s.retired = s.key != "won" && s.key != "lost";
            s
        })
        .collect();
    assert!(codes(&input, &[]).contains(&("stages".to_owned(), "no_open_stage")));
    let only_terminal: Vec<StageInput> = inputs().into_iter().skip(5).collect();
    assert!(codes(&only_terminal, &[]).contains(&("stages".to_owned(), "no_open_stage")));
}
