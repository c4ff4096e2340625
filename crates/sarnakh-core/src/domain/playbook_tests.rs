use super::*;
use crate::domain::lead::LeadDraft;
use rstest::rstest;

fn lead(draft: LeadDraft, score: i32) -> Lead {
    crate::domain::test_support::lead_with_score(draft, score)
}

fn base() -> LeadDraft {
    LeadDraft {
        first_name: Some("Ioana".into()),
        email: Some("ioana@firma.ro".into()),
        ..LeadDraft::default()
    }
}

fn full() -> LeadDraft {
    LeadDraft {
        company: Some("Firma SRL".into()),
        company_size: Some(250),
        industry: Some("Retail".into()),
        country: Some("RO".into()),
        need: Some("Leads are lost in spreadsheets".into()),
        decision_role: Some("economic_buyer".into()),
        evidence: [
            ("budget".to_owned(), "50k EUR approved".to_owned()),
            ("timeline".to_owned(), "Q1".to_owned()),
        ]
        .into(),
        ..base()
    }
}

#[test]
fn a_bare_lead_lacks_every_default_fit_fact() {
    let codes: Vec<String> = unmet(&PlaybookRules::default_b2b().qualify, &lead(base(), 0))
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(
        codes,
        [
            "organisation_recorded",
            "organisation_fit_recorded",
            "need_recorded",
            "decision_role_recorded"
        ]
    );
}

#[test]
fn industry_alone_is_enough_organisation_fit_by_default() {
    let d = LeadDraft {
        company_size: None,
        ..full()
    };
    assert!(unmet(&PlaybookRules::default_b2b().qualify, &lead(d, 0)).is_empty());
}

#[rstest]
#[case(Rule::Recorded { field: LeadField::Country }, true, false)]
#[case(Rule::InSet { field: LeadField::Industry, values: vec!["retail".into(), "Banking".into()] }, true, false)]
#[case(Rule::InSet { field: LeadField::Country, values: vec!["IR".into()] }, false, false)]
#[case(Rule::SizeRange { min: Some(50), max: Some(5000) }, true, false)]
#[case(Rule::SizeRange { min: Some(500), max: None }, false, false)]
#[case(Rule::Checklist { items: vec!["budget".into(), "timeline".into()] }, true, false)]
#[case(Rule::Checklist { items: vec!["budget".into(), "authority".into()] }, false, false)]
#[case(Rule::MinScore { min: 40 }, true, false)]
#[case(Rule::DecisionMaker, true, false)]
#[case(Rule::AnyOf { rules: vec![Rule::MinScore { min: 1000 }, Rule::Recorded { field: LeadField::Need }] }, true, false)]
fn every_rule_kind_is_evaluated(#[case] rule: Rule, #[case] on_full: bool, #[case] on_bare: bool) {
    assert_eq!(
        rule.holds(&lead(full(), 40)),
        on_full,
        "{rule:?} on a full lead"
    );
    assert_eq!(
        rule.holds(&lead(base(), 0)),
        on_bare,
        "{rule:?} on a bare lead"
    );
}

#[test]
fn playbooks_round_trip_through_json_and_bad_ones_are_refused() {
    let rules = PlaybookRules::default_b2b();
    assert_eq!(PlaybookRules::from_json(&rules.to_json()), Ok(rules));
    let bad = r#"{"qualify": [{"code": "x", "message": "m", "kind": "size_range", "min": 10, "max": 5}], "convert": []}"#;
    assert_eq!(
        PlaybookRules::from_json(bad).map_err(|e| (e.field, e.code)),
        Err(("qualify[0]".into(), "invalid_rule"))
    );
    let dup = r#"{"qualify": [{"code": "x", "message": "m", "kind": "decision_maker"}, {"code": "x", "message": "m", "kind": "decision_maker"}], "convert": []}"#;
    assert_eq!(
        PlaybookRules::from_json(dup).map_err(|e| e.code),
        Err("invalid_code")
    );
    let unknown =
        r#"{"qualify": [{"code": "x", "message": "m", "kind": "gut_feeling"}], "convert": []}"#;
    assert_eq!(
        PlaybookRules::from_json(unknown).map_err(|e| e.code),
        Err("invalid_playbook")
    );
}
