//! Mapping files: parsing, whole-mapping validation, binding to a header, and the examples
//! in `docs/IMPORT.md` (which must stay valid).

use super::test_support::{codes, read_with, records, strings};
use super::{Entity, Imported, Mapping, convert};

const DOC: &str = include_str!("../../../../docs/IMPORT.md");

/// The fenced blocks of the doc whose info string is `lang`.
fn blocks(lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in DOC.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info == lang => current = Some(String::new()),
            (Some(block), Some(_)) => {
                out.push(std::mem::take(block));
                current = None;
            }
            (Some(block), None) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

fn errors_of(toml: &str) -> Vec<(String, &'static str)> {
    let mapping = Mapping::from_toml(toml).expect("parses");
    codes(&mapping.validate().expect_err("invalid"))
}

#[test]
fn every_mapping_example_in_the_docs_is_valid() {
    let (toml, json) = (blocks("toml"), blocks("json"));
    assert_eq!((toml.len(), json.len()), (2, 1));
    for text in toml.iter().chain(&json) {
        let mapping = Mapping::parse(text).expect("doc example parses");
        assert_eq!(mapping.validate(), Ok(()), "{text}");
    }
}

#[test]
fn the_complete_lead_example_in_the_docs_imports_as_it_says() {
    let csv = blocks("")
        .into_iter()
        .find(|b| b.starts_with("ID;Prenume"))
        .expect("the example CSV is in the doc");
    let mapping = Mapping::parse(&blocks("toml")[0]).expect("parses");
    let options = mapping.reader_options().expect("valid");
    let (header, rows) = read_with(csv.as_bytes(), options);
    let bound = mapping.bind(&header).expect("binds");
    let rows = records(rows);
    assert_eq!(
        rows.iter().map(|r| (r.row(), r.line())).collect::<Vec<_>>(),
        [(1, 2), (2, 4)]
    );
    let leads: Vec<_> = rows
        .iter()
        .map(|r| match convert(&bound, r) {
            Ok(Imported::Lead(lead)) => lead,
            other => panic!("expected a lead, got {other:?}"),
        })
        .collect();
    let ana = &leads[0].fields;
    assert_eq!(leads[0].external_id.as_deref(), Some("L-1001"));
    assert_eq!(
        ana.person.phone.as_ref().map(|p| p.as_str()),
        Some("+40721234567")
    );
    assert_eq!(
        (ana.country.as_deref(), ana.source.as_str()),
        (Some("RO"), "event")
    );
    assert_eq!(ana.company_size, Some(1200));
    assert_eq!(
        ana.evidence.get("budget").map(String::as_str),
        Some("50k EUR")
    );
    assert_eq!(ana.notes.as_deref(), Some("Sună după 15:00\nPreferă email"));
    let ali = &leads[1].fields;
    assert_eq!(
        ali.person.phone.as_ref().map(|p| p.as_str()),
        Some("+989121234567")
    );
    assert_eq!(
        (ali.country.as_deref(), ali.source.as_str()),
        (Some("IR"), "web_form")
    );
}

#[test]
fn toml_and_json_mappings_read_the_same() {
    let toml = "entity = \"leads\"\ndefault_country = \"RO\"\n[columns]\n\"E-mail\" = \"email\"\nPrenume = \"first_name\"\n";
    let json = r#"{"entity":"leads","default_country":"RO","columns":{"E-mail":"email","Prenume":"first_name"}}"#;
    assert_eq!(Mapping::parse(toml), Mapping::parse(json));
}

#[test]
fn an_unknown_sarnakh_field_is_refused_with_its_name() {
    let errors = Mapping::from_toml(
        "entity = \"leads\"\n[columns]\nPrenume = \"first_name\"\n\"E-mail\" = \"emial\"\n",
    )
    .expect("parses")
    .validate()
    .expect_err("emial is not a field");
    let unknown = errors
        .iter()
        .find(|e| e.code == "unknown_field")
        .expect("unknown field reported");
    assert_eq!(unknown.field, "columns.E-mail");
    assert!(
        unknown
            .message
            .starts_with("\"emial\" is not a field of leads; the fields are: first_name, "),
        "{}",
        unknown.message
    );
}

#[test]
fn a_field_of_another_entity_is_unknown_here() {
    assert!(
        errors_of("entity = \"accounts\"\n[columns]\nName = \"name\"\nStage = \"stage\"\n")
            .contains(&("columns.Stage".into(), "unknown_field"))
    );
}

#[test]
fn a_misspelt_key_is_refused_by_name() {
    let errors = Mapping::from_toml("entity = \"leads\"\ndefault_contry = \"RO\"\n")
        .expect_err("unknown key");
    assert_eq!(errors[0].code, "invalid_mapping");
    assert!(
        errors[0].message.contains("default_contry"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_column_mapped_twice_and_a_field_fed_twice_are_refused() {
    let json = r#"{"entity":"leads","columns":{"Email":"email","Email":"phone","Prenume":"first_name","Mail":"email"}}"#;
    let errors = Mapping::from_json(json)
        .expect("parses")
        .validate()
        .expect_err("duplicates");
    assert_eq!(
        codes(&errors),
        [
            ("columns.Email".into(), "duplicate_column"),
            ("columns.Mail".into(), "duplicate_field")
        ]
    );
}

#[test]
fn every_bad_option_is_reported_at_once() {
    let toml = r#"
entity = "opportunities"
delimiter = ";;"
date_format = ["%d.%m.%Y", "%Q", "no fields"]
timezone = "Mars/Olympus"
default_country = "XX"
default_currency = "TOMAN"
decimal_separator = "'"
[columns]
Name = "name"
Amount = "amount"
Account = "account_external_id"
"#;
    assert_eq!(
        errors_of(toml),
        [
            ("delimiter".into(), "invalid_delimiter"),
            ("date_format[1]".into(), "invalid_date_format"),
            ("date_format[2]".into(), "invalid_date_format"),
            ("timezone".into(), "unknown_timezone"),
            ("default_country".into(), "invalid_country"),
            ("default_currency".into(), "invalid_currency"),
            ("decimal_separator".into(), "invalid_separator"),
        ]
    );
}

#[test]
fn required_fields_must_be_mapped() {
    assert_eq!(
        errors_of("entity = \"leads\"\n[columns]\nCompany = \"company\"\n"),
        [
            ("columns".into(), "required_field_unmapped"),
            ("columns".into(), "required_field_unmapped"),
        ]
    );
    let opp =
        errors_of("entity = \"opportunities\"\n[columns]\nName = \"name\"\nAmount = \"amount\"\n");
    assert_eq!(opp.len(), 2, "account_external_id and currency: {opp:?}");
}

#[test]
fn translations_are_checked_against_the_field() {
    let toml = r#"
entity = "leads"
[columns]
Prenume = "first_name"
Email = "email"
Source = "source"
[values.source]
"Web" = "website"
"Fair" = "Event"
"fair " = "referral"
[values.industry]
"IT" = "Software"
[values.colour]
"x" = "y"
"#;
    assert_eq!(
        errors_of(toml),
        [
            ("values.source".into(), "unknown_value"),
            ("values.source".into(), "conflicting_value"),
            ("values.industry".into(), "unmapped_field"),
            ("values.colour".into(), "unknown_field"),
        ]
    );
}

#[test]
fn dedupe_needs_its_key() {
    let base =
        "[columns]\nName = \"name\"\nAmount = \"amount\"\nAccount = \"account_external_id\"\n";
    let toml = format!(
        "entity = \"opportunities\"\ndefault_currency = \"EUR\"\ndedupe_by = \"email\"\n{base}"
    );
    assert_eq!(errors_of(&toml), [("dedupe_by".into(), "invalid_dedupe")]);
    let toml = format!(
        "entity = \"opportunities\"\ndefault_currency = \"EUR\"\ndedupe_by = \"external_id\"\n{base}"
    );
    assert_eq!(errors_of(&toml), [("dedupe_by".into(), "invalid_dedupe")]);
}

#[test]
fn the_default_dedupe_follows_what_is_mapped() {
    let lead = |extra: &str| {
        let toml =
            format!("entity = \"leads\"\n{extra}\n[columns]\nN = \"first_name\"\nE = \"email\"\n");
        let header = strings(&["Id", "N", "E"]);
        Mapping::from_toml(&toml)
            .expect("parses")
            .bind(&header)
            .expect("binds")
            .dedupe_by()
    };
    assert_eq!(lead("").map(|d| d.as_str()), Some("email"));
    assert_eq!(
        lead("external_id_column = \"Id\"").map(|d| d.as_str()),
        Some("external_id")
    );
}

#[test]
fn binding_refuses_columns_the_file_lacks_or_names_twice() {
    let mapping = Mapping::from_toml(
        "entity = \"leads\"\nexternal_id_column = \"Id\"\n[columns]\nPrenume = \"first_name\"\n\"E-mail\" = \"email\"\n",
    )
    .expect("parses");
    let errors = mapping
        .bind(&strings(&["Id", "Id", "Prenume", "Email"]))
        .expect_err("mismatched header");
    assert_eq!(
        codes(&errors),
        [
            ("external_id_column".into(), "ambiguous_column"),
            ("columns.E-mail".into(), "unknown_column")
        ]
    );
    assert!(
        errors[1]
            .message
            .contains("its columns are: \"Id\", \"Id\", \"Prenume\", \"Email\"")
    );
}

#[test]
fn reader_options_carry_the_delimiter() {
    let mapping =
        Mapping::from_toml("entity = \"accounts\"\ndelimiter = \"tab\"\n[columns]\nN = \"name\"\n")
            .expect("parses");
    assert_eq!(mapping.reader_options().map(|o| o.delimiter), Ok(b'\t'));
    assert_eq!(
        Mapping::new(Entity::Accounts).date_format,
        ["%Y-%m-%d", "rfc3339"]
    );
}
