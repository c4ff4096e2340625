//! A valid mapping made up for whatever header the fuzzer wrote: the i-th usable column
//! feeds the entity's i-th field, required fields first. Most inputs then bind and reach
//! the converters, instead of dying at `bind` on a header the fuzzer could not guess.

use sarnakh_core::import::{Entity, Mapping, Table};

/// The knobs an input's option byte turns.
#[derive(Debug, Clone, Copy)]
pub struct Knobs {
    /// Cell separator.
    pub delimiter: u8,
    /// `decimal_separator = ","` instead of `"."`.
    pub decimal_comma: bool,
    /// The first usable column is the `external_id_column` (rows then dedupe by it).
    pub external_id: bool,
}

/// Fields in the order columns are given them: what `validate` requires comes first.
fn field_order(entity: Entity) -> &'static str {
    match entity {
        Entity::Leads => {
            "first_name email last_name phone company country source company_size \
             evidence.budget products notes job_title campaign industry need decision_role \
             owner_id"
        }
        Entity::Accounts => "name country company_size customer_since industry owner_id",
        Entity::Contacts => {
            "first_name account_external_id email phone last_name job_title lead_external_id"
        }
        Entity::Opportunities => {
            "name amount account_external_id currency stage status expected_close_date \
             closed_at loss_reason product close_note owner_id contact_external_id \
             lead_external_id"
        }
        Entity::Activities => {
            "kind summary occurred_at contact_external_id outcome body owner_id \
             opportunity_external_id lead_external_id account_external_id"
        }
    }
}

/// Translations added when their field is mapped (the documentation's examples).
const TRANSLATIONS: &[(&str, &str, &str)] = &[
    ("source", "Târg", "event"),
    ("source", "Website", "web_form"),
    ("status", "Câștigat", "won"),
    ("status", "Pierdut", "lost"),
    ("loss_reason", "Preț", "price"),
    ("kind", "تماس", "call"),
    ("country", "România", "RO"),
    ("currency", "lei", "RON"),
];

/// The mapping for `header`: columns with an empty or repeated name are left out, so the
/// mapping binds whenever enough columns remain for the required fields.
pub fn positional(entity: Entity, header: &[String], knobs: Knobs) -> Mapping {
    let mut mapping = Mapping::new(entity);
    mapping.delimiter = char::from(knobs.delimiter).to_string();
    mapping.date_format = ["%d.%m.%Y", "%Y-%m-%d", "%m/%d/%Y %H:%M", "rfc3339"]
        .map(str::to_owned)
        .to_vec();
    mapping.timezone = "Europe/Bucharest".to_owned();
    mapping.default_country = Some("RO".to_owned());
    mapping.default_currency = Some("RON".to_owned());
    if knobs.decimal_comma {
        mapping.decimal_separator = ",".to_owned();
    }
    let unique = |name: &String| {
        let name = name.trim();
        !name.is_empty() && header.iter().filter(|h| h.trim() == name).count() == 1
    };
    let mut usable = header.iter().filter(|h| unique(h));
    if knobs.external_id {
        mapping.external_id_column = usable.next().cloned();
    }
    for (column, field) in usable.zip(field_order(entity).split_whitespace()) {
        mapping.columns.push(column.clone(), field.to_owned());
        let mut table = Table::default();
        table.push("N/A", String::new());
        for (_, theirs, ours) in TRANSLATIONS.iter().filter(|(f, ..)| *f == field) {
            table.push(*theirs, (*ours).to_owned());
        }
        mapping.values.push(field, table);
    }
    mapping
}
