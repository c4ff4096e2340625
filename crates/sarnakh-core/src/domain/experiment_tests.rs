//! Validation of experiment input and the assignment rule.

use super::*;
use chrono::TimeZone;

fn draft(method: &str, variants: Vec<VariantDraft>) -> ExperimentDraft {
    ExperimentDraft {
        key: Some("landing-2026".into()),
        name: Some("Short or long form".into()),
        description: Some("The short form converts more".into()),
        kind: Some("form".into()),
        method: Some(method.into()),
        variants,
    }
}

fn v(key: &str) -> VariantDraft {
    VariantDraft {
        key: Some(key.into()),
        name: Some(key.to_uppercase()),
        ..VariantDraft::default()
    }
}

fn experiment(method: AssignmentMethod, variants: Vec<Variant>) -> Experiment {
    let at = Utc
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("date");
    Experiment {
        id: ExperimentId::new(),
        key: "x".into(),
        name: "X".into(),
        description: None,
        kind: ExperimentKind::Offer,
        method,
        status: ExperimentStatus::Running,
        variants,
        started_at: Some(at),
        stopped_at: None,
        created_by: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

fn origin(campaign: Option<&str>, form: Option<FormId>) -> LeadOrigin {
    LeadOrigin {
        lead_id: LeadId::new(),
        campaign: campaign.map(Into::into),
        form_id: form,
        created_at: Utc::now(),
    }
}

#[test]
fn a_valid_random_experiment_parses_with_default_weights() {
    let s = draft("random", vec![v("a"), v("b")])
        .validate()
        .expect("valid");
    assert_eq!(s.method, AssignmentMethod::Random);
    assert_eq!(s.variants.len(), 2);
    assert!(s.variants.iter().all(|v| v.weight == 1));
}

#[test]
fn every_bad_field_is_named_at_once() {
    let mut bad = draft("campaign", vec![v("a"), v("a")]);
    bad.key = Some("Not A Key".into());
    bad.kind = Some("poster".into());
    bad.variants[1].weight = Some(3);
    let Err(Error::Validation(errors)) = bad.validate() else {
        panic!("refused")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "key",
        "kind",
        "variants[0].campaign",
        "variants[1].campaign",
        "variants[1].weight",
        "variants[1].key",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let one = draft("random", vec![v("a")]);
    assert!(matches!(one.validate(), Err(Error::Validation(e)) if e[0].field == "variants"));
}

#[test]
fn form_and_campaign_variants_are_found_by_the_lead_origin() {
    let (f1, f2) = (FormId::new(), FormId::new());
    let by_form = experiment(
        AssignmentMethod::Form,
        ["a", "b"]
            .iter()
            .zip([f1, f2])
            .map(|(k, f)| Variant {
                key: (*k).into(),
                name: (*k).into(),
                form_id: Some(f),
                campaign: None,
                weight: 1,
            })
            .collect(),
    );
    assert_eq!(
        by_form
            .variant_for(&origin(None, Some(f2)))
            .map(|v| v.key.as_str()),
        Some("b")
    );
    assert_eq!(by_form.variant_for(&origin(None, None)), None);
    let by_campaign = experiment(
        AssignmentMethod::Campaign,
        ["spring", "summer"]
            .iter()
            .map(|c| Variant {
                key: (*c).into(),
                name: (*c).into(),
                form_id: None,
                campaign: Some((*c).into()),
                weight: 1,
            })
            .collect(),
    );
    let lead = origin(Some("summer"), None);
    assert_eq!(
        by_campaign.variant_for(&lead).map(|v| v.key.as_str()),
        Some("summer")
    );
    assert_eq!(by_campaign.variant_for(&origin(Some("autumn"), None)), None);
}

#[test]
fn random_split_is_reproducible_and_follows_the_weights() {
    let variants = [("a", 1), ("b", 3)]
        .iter()
        .map(|(k, w)| Variant {
            key: (*k).into(),
            name: (*k).into(),
            form_id: None,
            campaign: None,
            weight: *w,
        })
        .collect();
    let e = experiment(AssignmentMethod::Random, variants);
    let mut b = 0;
    for _ in 0..4000 {
        let lead = origin(None, None);
        let first = e
            .variant_for(&lead)
            .expect("everyone takes part")
            .key
            .clone();
        assert_eq!(
            e.variant_for(&lead).map(|v| v.key.clone()),
            Some(first.clone())
        );
        b += usize::from(first == "b");
    }
    // Expected 3000 of 4000; 4 standard deviations (about 110) either side.
    assert!((2890..=3110).contains(&b), "b got {b} of 4000");
}

#[test]
fn the_life_cycle_only_goes_forward() {
    use ExperimentStatus::*;
    assert!(check_move(Draft, Running).is_ok());
    assert!(check_move(Running, Stopped).is_ok());
    assert!(check_move(Stopped, Running).is_err());
    assert!(check_move(Draft, Stopped).is_err());
}
