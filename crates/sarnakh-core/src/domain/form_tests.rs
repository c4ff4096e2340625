//! Unit tests of web form settings.

use super::*;

fn draft() -> FormDraft {
    FormDraft {
        name: Some("E-book: 7 lead qualification mistakes".into()),
        fields: vec![
            ("first_name".into(), true),
            ("email".into(), true),
            ("company".into(), false),
        ],
        allowed_origins: vec!["https://WWW.Example.ro/".into()],
        ..FormDraft::default()
    }
}

#[test]
fn a_valid_form_gets_defaults_and_normalised_origins() {
    let s = draft().validate().expect("valid");
    assert_eq!(
        (s.daily_cap, s.min_fill_seconds, s.active),
        (DEFAULT_DAILY_CAP, DEFAULT_MIN_FILL_SECONDS, true)
    );
    assert_eq!(s.allowed_origins, ["https://www.example.ro"]);
    assert!(s.allows_origin("https://www.example.ro"));
    assert!(!s.allows_origin("https://evil.example"));
    assert_eq!(s.to_draft().validate().expect("round trip"), s);
}

#[test]
fn every_bad_setting_is_named() {
    let bad = FormDraft {
        name: None,
        fields: vec![("email".into(), true), ("email".into(), false)],
        thank_you_url: Some("javascript:alert(1)".into()),
        allowed_origins: vec!["https://ok.example".into(), "https://x.example/path".into()],
        daily_cap: Some(0),
        min_fill_seconds: Some(601),
        ..FormDraft::default()
    };
    let Err(crate::Error::Validation(errors)) = bad.validate() else {
        panic!("must be refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "fields[1]",
            "thank_you_url",
            "allowed_origins[1]",
            "daily_cap",
            "min_fill_seconds"
        ]
    );
}

#[test]
fn a_form_must_be_able_to_make_a_lead() {
    let no_contact = FormDraft {
        fields: vec![("first_name".into(), true), ("company".into(), true)],
        ..draft()
    };
    let Err(crate::Error::Validation(errors)) = no_contact.validate() else {
        panic!("must be refused");
    };
    assert_eq!(errors[0].code, "incomplete");
}
