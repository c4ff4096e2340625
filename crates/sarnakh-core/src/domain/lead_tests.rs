use super::*;
use rstest::rstest;

fn draft() -> LeadDraft {
    LeadDraft {
        first_name: Some("Ali".into()),
        email: Some("ali@example.ir".into()),
        ..LeadDraft::default()
    }
}

fn field_codes(d: &LeadDraft) -> Vec<(String, &'static str)> {
    match d.validate() {
        Err(crate::Error::Validation(errors)) => {
            errors.into_iter().map(|e| (e.field, e.code)).collect()
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn a_name_and_one_channel_is_a_lead() {
    let fields = draft().validate().expect("valid");
    assert_eq!(fields.person.first_name, "Ali");
    assert_eq!(fields.source, LeadSource::Api);
}

#[test]
fn a_lead_needs_an_email_or_a_phone() {
    let d = LeadDraft {
        email: None,
        ..draft()
    };
    assert_eq!(
        field_codes(&d),
        vec![("email".into(), "contact_channel_required")]
    );
}

#[test]
fn phone_is_normalised_with_the_lead_country() {
    let d = LeadDraft {
        phone: Some("0721 234 567".into()),
        country: Some("ro".into()),
        ..draft()
    };
    let fields = d.validate().expect("valid");
    assert_eq!(
        fields.person.phone.map(|p| p.as_str().to_owned()),
        Some("+40721234567".into())
    );
    assert_eq!(fields.country.as_deref(), Some("RO"));
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let d = LeadDraft {
        first_name: Some(" ".into()),
        email: Some("nope".into()),
        source: Some("carrier_pigeon".into()),
        company_size: Some(0),
        decision_role: Some("boss".into()),
        products: vec!["CRM".into(), "".into()],
        ..LeadDraft::default()
    };
    assert_eq!(
        field_codes(&d),
        vec![
            ("first_name".into(), "required"),
            ("email".into(), "invalid_email"),
            ("source".into(), "unknown_value"),
            ("products[1]".into(), "required"),
            ("company_size".into(), "out_of_range"),
            ("decision_role".into(), "unknown_value"),
        ]
    );
}

#[rstest]
#[case("iran")]
#[case("I1")]
fn country_must_be_iso_alpha2(#[case] country: &str) {
    let d = LeadDraft {
        country: Some(country.into()),
        ..draft()
    };
    assert_eq!(field_codes(&d), vec![("country".into(), "invalid_country")]);
}

#[test]
fn duplicate_products_are_folded() {
    let d = LeadDraft {
        products: vec!["CRM".into(), " CRM ".into(), "ERP".into()],
        ..draft()
    };
    assert_eq!(d.validate().expect("valid").products, vec!["CRM", "ERP"]);
}

#[test]
fn fields_round_trip_through_a_draft() {
    let d = LeadDraft {
        last_name: Some("Rezaei".into()),
        phone: Some("+98 912 123 4567".into()),
        company: Some("Pars Co".into()),
        source: Some("webinar".into()),
        company_size: Some(250),
        decision_role: Some("champion".into()),
        ..draft()
    };
    let fields = d.validate().expect("valid");
    assert_eq!(fields.to_draft().validate().expect("still valid"), fields);
}
