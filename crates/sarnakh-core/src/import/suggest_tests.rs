//! Mapping suggestions from English, Romanian and Persian headers.

use super::test_support::strings;
use super::{Entity, Mapping, normalise_header, suggest_mapping};

fn mapped(entity: Entity, header: &[&str]) -> (Option<String>, Vec<(String, String)>, Vec<String>) {
    let s = suggest_mapping(entity, &strings(header));
    (
        s.mapping.external_id_column.clone(),
        s.mapping.columns.0.clone(),
        s.unmapped,
    )
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
        .collect()
}

#[test]
fn headers_are_normalised_for_case_accents_spacing_and_letter_forms() {
    assert_eq!(normalise_header("  Adresă de E-mail "), "adresa de e mail");
    assert_eq!(normalise_header("FirstName"), "first name");
    assert_eq!(normalise_header("first_name"), "first name");
    assert_eq!(normalise_header("Țară"), "tara");
    // Arabic yeh and kaf, a zero-width non-joiner and a tatweel.
    assert_eq!(normalise_header("نام\u{200C}خانوادگي"), "نام خانوادگی");
    assert_eq!(normalise_header("كـشور"), "کشور");
}

#[test]
fn english_headers_are_placed_and_never_twice() {
    let (id, columns, unmapped) = mapped(
        Entity::Leads,
        &[
            "Record Id",
            "First Name",
            "Last Name",
            "E-mail",
            "Email Address",
            "Phone",
            "Company",
            "Lead Source",
            "Favourite Colour",
        ],
    );
    assert_eq!(id.as_deref(), Some("Record Id"));
    assert_eq!(
        columns,
        pairs(&[
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("E-mail", "email"),
            ("Phone", "phone"),
            ("Company", "company"),
            ("Lead Source", "source"),
        ])
    );
    assert_eq!(unmapped, strings(&["Email Address", "Favourite Colour"]));
}

#[test]
fn romanian_headers_are_placed() {
    let (_, columns, unmapped) = mapped(
        Entity::Leads,
        &[
            "Prenume",
            "Nume",
            "Adresă de email",
            "Telefon",
            "Companie",
            "Sursă",
            "Țară",
            "Funcție",
        ],
    );
    assert_eq!(
        columns,
        pairs(&[
            ("Prenume", "first_name"),
            ("Nume", "last_name"),
            ("Adresă de email", "email"),
            ("Telefon", "phone"),
            ("Companie", "company"),
            ("Sursă", "source"),
            ("Țară", "country"),
            ("Funcție", "job_title"),
        ])
    );
    assert!(unmapped.is_empty());
}

#[test]
fn persian_headers_are_placed() {
    let (id, columns, unmapped) = mapped(
        Entity::Leads,
        &[
            "شناسه",
            "نام",
            "نام\u{200C}خانوادگی",
            "ایمیل",
            "تلفن",
            "شرکت",
            "منبع",
            "رنگ",
        ],
    );
    assert_eq!(id.as_deref(), Some("شناسه"));
    assert_eq!(
        columns,
        pairs(&[
            ("نام", "first_name"),
            ("نام\u{200C}خانوادگی", "last_name"),
            ("ایمیل", "email"),
            ("تلفن", "phone"),
            ("شرکت", "company"),
            ("منبع", "source"),
        ])
    );
    assert_eq!(unmapped, strings(&["رنگ"]));
}

#[test]
fn opportunity_headers_use_references_and_entity_words() {
    let (id, columns, unmapped) = mapped(
        Entity::Opportunities,
        &[
            "Opportunity Id",
            "Deal Name",
            "Amount",
            "مبلغ",
            "Etapă",
            "Stage",
            "Account Id",
            "Account Name",
            "Currency",
        ],
    );
    assert_eq!(id.as_deref(), Some("Opportunity Id"));
    assert_eq!(
        columns,
        pairs(&[
            ("Deal Name", "name"),
            ("Amount", "amount"),
            ("Etapă", "stage"),
            ("Account Id", "account_external_id"),
            ("Currency", "currency"),
        ])
    );
    assert_eq!(unmapped, strings(&["مبلغ", "Stage", "Account Name"]));
}

#[test]
fn the_same_word_means_the_entitys_own_field() {
    let (_, accounts, _) = mapped(Entity::Accounts, &["Company", "Employees"]);
    assert_eq!(
        accounts,
        pairs(&[("Company", "name"), ("Employees", "company_size")])
    );
    let (id, contacts, _) = mapped(Entity::Contacts, &["Contact Id", "Account Id", "Lead Id"]);
    assert_eq!(id.as_deref(), Some("Contact Id"));
    assert_eq!(
        contacts,
        pairs(&[
            ("Account Id", "account_external_id"),
            ("Lead Id", "lead_external_id")
        ])
    );
}

#[test]
fn a_suggested_mapping_round_trips_through_toml_and_validates() {
    let header = strings(&[
        "Id",
        "Prenume",
        "E-mail",
        "Țară",
        "Sursă",
        "Observații",
        "Ciudat",
    ]);
    let suggestion = suggest_mapping(Entity::Leads, &header);
    let toml = suggestion.mapping.to_toml();
    assert_eq!(Mapping::from_toml(&toml), Ok(suggestion.mapping.clone()));
    let commented = suggestion.to_toml();
    assert!(commented.contains("#   Ciudat\n"), "{commented}");
    assert_eq!(
        Mapping::from_toml(&commented),
        Ok(suggestion.mapping.clone())
    );
    assert_eq!(suggestion.mapping.validate(), Ok(()));
    assert!(suggestion.mapping.bind(&header).is_ok());
}
