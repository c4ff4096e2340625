//! Row conversion: translations, defaults, dates, numbers and errors naming the column.

use super::test_support::{bind, codes};
use super::{
    Entity, Imported, Record, convert, convert_account, convert_activity, convert_contact,
    convert_lead, convert_opportunity,
};

const LEADS: &str = r#"
entity = "leads"
external_id_column = "Id"
default_country = "RO"
[columns]
Prenume = "first_name"
"E-mail" = "email"
Telefon = "phone"
Country = "country"
Source = "source"
Employees = "company_size"
Products = "products"
Budget = "evidence.budget"
[values.source]
"Web Site" = "web_form"
"N/A" = ""
"#;
const LEAD_HEADER: [&str; 9] = [
    "Id",
    "Prenume",
    "E-mail",
    "Telefon",
    "Country",
    "Source",
    "Employees",
    "Products",
    "Budget",
];

fn lead_row(cells: [&str; 9]) -> Record {
    Record::new(1, 2, &cells)
}

#[test]
fn a_lead_row_converts_with_defaults_and_translations() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row([
        "L-1",
        " Ana ",
        "Ana@Firma.RO",
        "0721 234 567",
        "",
        "  web SITE ",
        "1,200",
        "CRM; Training ;;",
        "50k",
    ]);
    let lead = convert_lead(&m, &row).expect("valid row");
    assert_eq!(lead.external_id.as_deref(), Some("L-1"));
    assert_eq!(lead.draft.country.as_deref(), Some("RO"));
    assert_eq!(lead.draft.source.as_deref(), Some("web_form"));
    let f = &lead.fields;
    assert_eq!(f.person.first_name, "Ana");
    assert_eq!(
        f.person.email.as_ref().map(|e| e.as_str()),
        Some("Ana@firma.ro")
    );
    assert_eq!(
        f.person.phone.as_ref().map(|p| p.as_str()),
        Some("+40721234567")
    );
    assert_eq!(
        (f.company_size, f.products.clone()),
        (Some(1200), vec!["CRM".to_owned(), "Training".to_owned()])
    );
    assert_eq!(f.evidence.get("budget").map(String::as_str), Some("50k"));
}

#[test]
fn a_rows_own_country_beats_the_default_for_its_phone() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row(["L-2", "Ali", "", "0912 123 4567", "ir", "", "", "", ""]);
    let f = convert_lead(&m, &row).expect("valid row").fields;
    assert_eq!(
        f.person.phone.as_ref().map(|p| p.as_str()),
        Some("+989121234567")
    );
    assert_eq!(
        (f.country.as_deref(), f.source.as_str()),
        (Some("IR"), "import")
    );
}

#[test]
fn a_value_translated_to_empty_is_absent() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row(["L-3", "Ion", "ion@x.ro", "", "", "n/a", "", "", ""]);
    assert_eq!(
        convert_lead(&m, &row)
            .expect("valid")
            .fields
            .source
            .as_str(),
        "import"
    );
}

#[test]
fn every_error_in_a_row_is_reported_naming_its_column() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row([
        "L-4",
        "",
        "not-an-email",
        "",
        "",
        "Billboard",
        "12,50",
        "",
        "",
    ]);
    let errors = convert_lead(&m, &row).expect_err("bad row");
    assert_eq!(
        codes(&errors),
        [
            ("source".into(), "unknown_value"),
            ("company_size".into(), "invalid_number"),
            ("first_name".into(), "required"),
            ("email".into(), "invalid_email"),
        ]
    );
    assert_eq!(errors[3].message, "column \"E-mail\": must contain an @");
    assert!(
        errors[0]
            .message
            .starts_with("column \"Source\": \"Billboard\" is not one of: web_form,")
    );
    assert!(
        errors[0]
            .message
            .ends_with("translate it under [values.source]")
    );
    let rejected = row.reject(&errors);
    assert_eq!(
        (rejected.row, rejected.line, rejected.cells.len()),
        (1, 2, 9)
    );
    assert_eq!(
        rejected.reasons[3],
        "email: column \"E-mail\": must contain an @"
    );
}

#[test]
fn a_national_phone_without_any_country_stays_digits_and_a_bad_one_is_refused() {
    let m = bind(
        &LEADS.replace("default_country = \"RO\"\n", ""),
        &LEAD_HEADER,
    );
    let row = lead_row(["L-5", "Ana", "", "0721 234 567", "", "", "", "", ""]);
    let f = convert_lead(&m, &row).expect("valid").fields;
    assert_eq!(
        f.person.phone.as_ref().map(|p| p.as_str()),
        Some("0721234567")
    );
    let row = lead_row(["L-6", "Ana", "", "0721 23", "RO", "", "", "", ""]);
    let errors = convert_lead(&m, &row).expect_err("too short for RO");
    assert_eq!(codes(&errors), [("phone".into(), "invalid_phone")]);
    assert!(errors[0].message.starts_with("column \"Telefon\": "));
}

#[test]
fn a_row_without_its_dedupe_key_is_refused() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row(["", "Ana", "ana@x.ro", "", "", "", "", "", ""]);
    let errors = convert_lead(&m, &row).expect_err("no external id");
    assert_eq!(codes(&errors), [("external_id".into(), "required")]);
    let by_email = bind(
        "entity = \"leads\"\ndedupe_by = \"email\"\n[columns]\nN = \"first_name\"\nE = \"email\"\nP = \"phone\"\n",
        &["N", "E", "P"],
    );
    let errors = convert_lead(&by_email, &Record::new(1, 2, &["Ana", "", "+40721234567"]))
        .expect_err("no email");
    assert_eq!(codes(&errors), [("email".into(), "required")]);
}

const DEALS: &str = r#"
entity = "opportunities"
external_id_column = "Id"
date_format = ["%d/%m/%Y", "%m/%d/%Y", "%d/%m/%Y %H:%M", "rfc3339"]
timezone = "Asia/Tehran"
default_currency = "RON"
decimal_separator = ","
[columns]
Name = "name"
Value = "amount"
Close = "expected_close_date"
Status = "status"
"Closed At" = "closed_at"
Reason = "loss_reason"
Account = "account_external_id"
[values.status]
"Closed Won" = "won"
"Closed Lost" = "lost"
"#;
const DEAL_HEADER: [&str; 8] = [
    "Id",
    "Name",
    "Value",
    "Close",
    "Status",
    "Closed At",
    "Reason",
    "Account",
];

#[test]
fn date_formats_are_tried_in_order() {
    let m = bind(DEALS, &DEAL_HEADER);
    let close = |date: &str| {
        let row = Record::new(1, 2, &["D-1", "Deal", "10", date, "", "", "", "A-1"]);
        convert_opportunity(&m, &row)
            .map(|o| o.opportunity.expected_close_date.map(|d| d.to_string()))
    };
    assert_eq!(close("03/04/2026"), Ok(Some("2026-04-03".into())));
    assert_eq!(close("12/31/2026"), Ok(Some("2026-12-31".into())));
    assert_eq!(
        close("2026-12-31T10:00:00+03:30"),
        Ok(Some("2026-12-31".into()))
    );
    let errors = close("31.12.2026").expect_err("no format matches");
    assert_eq!(
        errors[0].message,
        "column \"Close\": \"31.12.2026\" matches none of the date formats: %d/%m/%Y, %m/%d/%Y, %d/%m/%Y %H:%M, rfc3339"
    );
}

#[test]
fn an_opportunity_row_converts_amount_status_and_close_time() {
    let m = bind(DEALS, &DEAL_HEADER);
    let row = Record::new(
        1,
        2,
        &[
            "D-2",
            "Pars Co - CRM",
            "12.500,50",
            "",
            "closed won",
            "01/03/2026 10:30",
            "",
            "A-1",
        ],
    );
    let o = convert_opportunity(&m, &row).expect("valid");
    assert_eq!(
        (
            o.opportunity.amount.minor(),
            o.opportunity.amount.currency().code()
        ),
        (1_250_050, "RON")
    );
    assert_eq!(o.status.map(|s| s.as_str()), Some("won"));
    // 10:30 in Tehran (UTC+03:30) is 07:00 UTC.
    assert_eq!(
        o.closed_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-01T07:00:00+00:00")
    );
    assert_eq!(o.account_external_id, "A-1");
}

#[test]
fn contradictory_close_data_and_missing_references_are_refused() {
    let m = bind(DEALS, &DEAL_HEADER);
    let row = Record::new(
        1,
        2,
        &[
            "D-3",
            "Deal",
            "1.000",
            "",
            "Open",
            "01/03/2026",
            "price",
            "",
        ],
    );
    let errors = convert_opportunity(&m, &row).expect_err("inconsistent");
    assert_eq!(
        codes(&errors),
        [
            ("account_external_id".into(), "required"),
            ("closed_at".into(), "inconsistent"),
            ("loss_reason".into(), "inconsistent"),
        ]
    );
}

#[test]
fn accounts_contacts_and_activities_convert() {
    let m = bind(
        "entity = \"accounts\"\ndefault_country = \"RO\"\n[columns]\nCompanie = \"name\"\n\"Angajați\" = \"company_size\"\n",
        &["Companie", "Angajați"],
    );
    let a = convert_account(&m, &Record::new(1, 2, &["  Firma   SRL ", "0"])).expect_err("size 0");
    assert_eq!(codes(&a), [("company_size".into(), "out_of_range")]);
    let a = convert_account(&m, &Record::new(1, 2, &["  Firma   SRL ", "45"])).expect("valid");
    assert_eq!(
        (a.name.as_str(), a.name_key.as_str(), a.country.as_deref()),
        ("Firma   SRL", "firma srl", Some("RO"))
    );

    let m = bind(
        "entity = \"contacts\"\ndefault_country = \"RO\"\n[columns]\nN = \"first_name\"\nT = \"phone\"\nA = \"account_external_id\"\n",
        &["N", "T", "A"],
    );
    let c =
        convert_contact(&m, &Record::new(1, 2, &["Ana", "0721 234 567", "A-1"])).expect("valid");
    assert_eq!(c.phone.as_ref().map(|p| p.as_str()), Some("+40721234567"));

    let m = bind(
        "entity = \"activities\"\n[columns]\nType = \"kind\"\nSubject = \"summary\"\nDate = \"occurred_at\"\nLead = \"lead_external_id\"\nDeal = \"opportunity_external_id\"\n[values.kind]\n\"Phone Call\" = \"call\"\n",
        &["Type", "Subject", "Date", "Lead", "Deal"],
    );
    let act = convert_activity(
        &m,
        &Record::new(1, 2, &["phone call", "Intro", "2026-03-01", "L-1", "D-9"]),
    )
    .expect("valid");
    assert_eq!(
        (
            act.kind.as_str(),
            act.subject.entity,
            act.subject.external_id.as_str()
        ),
        ("call", Entity::Opportunities, "D-9")
    );
    let errors =
        convert_activity(&m, &Record::new(1, 2, &["fax", "", "", "", ""])).expect_err("bad");
    assert_eq!(
        codes(&errors),
        [
            ("subject".into(), "required"),
            ("kind".into(), "unknown_value"),
            ("summary".into(), "required"),
            ("occurred_at".into(), "required"),
        ]
    );
}

#[test]
fn convert_dispatches_on_the_entity_and_typed_converters_check_it() {
    let m = bind(LEADS, &LEAD_HEADER);
    let row = lead_row(["L-7", "Ana", "ana@x.ro", "", "", "", "", "", ""]);
    let imported = convert(&m, &row).expect("valid");
    assert!(matches!(imported, Imported::Lead(_)));
    assert_eq!(imported.external_id(), Some("L-7"));
    let errors = convert_account(&m, &row).expect_err("a leads mapping");
    assert_eq!(errors[0].code, "wrong_entity");
}
