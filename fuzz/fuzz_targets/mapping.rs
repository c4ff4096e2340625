//! Fuzz target `mapping`: arbitrary text as a mapping file, through both parsers.
//!
//! What must always hold, besides "no panic": `Mapping::parse` picks the parser the
//! documentation says (JSON when the text starts with `{`, else TOML); every valid mapping
//! survives `to_toml` unchanged and every mapping that parses survives `to_json` (TOML cannot
//! hold the repeated keys a JSON object may, and validation refuses those); `validate`, `reader_options` and
//! `bind` (to a header holding exactly the mapping's columns) agree on validity, and a
//! refusal always names at least one problem; a bound mapping feeds each field from the
//! column the mapping names; converting a row through it never panics and never refuses
//! without a reason.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sarnakh_core::import::{BoundMapping, Mapping, Record, convert};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let toml = Mapping::from_toml(text);
    let json = Mapping::from_json(text);
    let chosen = if text.trim_start().starts_with('{') {
        &json
    } else {
        &toml
    };
    assert_eq!(
        &Mapping::parse(text),
        chosen,
        "parse chose the other parser"
    );
    for mapping in [toml, json].into_iter().flatten() {
        check(&mapping);
    }
});

fn check(mapping: &Mapping) {
    let valid = mapping.validate();
    if let Err(errors) = &valid {
        assert!(!errors.is_empty(), "validate refused without a reason");
    }
    assert_eq!(
        mapping.reader_options().is_ok(),
        valid.is_ok(),
        "reader_options"
    );
    if valid.is_ok() {
        let toml = mapping.to_toml();
        match Mapping::from_toml(&toml) {
            Ok(back) => assert_eq!(&back, mapping, "the TOML round trip changed it:\n{toml}"),
            Err(e) => panic!("to_toml wrote TOML that does not parse: {e:?}\n{toml}"),
        }
    }
    let json = mapping.to_json();
    match Mapping::from_json(&json) {
        Ok(back) => assert_eq!(&back, mapping, "the JSON round trip changed it:\n{json}"),
        Err(e) => panic!("to_json wrote JSON that does not parse: {e:?}\n{json}"),
    }
    let header = own_header(mapping);
    match mapping.bind(&header) {
        Ok(bound) => {
            assert!(valid.is_ok(), "an invalid mapping bound");
            check_bound(mapping, &bound, &header);
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "bind refused without a reason");
            assert!(
                valid.is_err(),
                "a valid mapping did not bind to its own columns"
            );
        }
    }
}

/// The external id column and every mapped column, trimmed, each once, in mapping order.
fn own_header(mapping: &Mapping) -> Vec<String> {
    let mut header: Vec<String> = Vec::new();
    let names = mapping.external_id_column.iter().map(String::as_str);
    for name in names.chain(mapping.columns.iter().map(|(c, _)| c)) {
        let name = name.trim().to_owned();
        if !header.contains(&name) {
            header.push(name);
        }
    }
    header
}

/// Each field reads the column the mapping names; a row of the translations' own keys (or
/// the column names) converts or is refused with reasons.
fn check_bound(mapping: &Mapping, bound: &BoundMapping, header: &[String]) {
    assert_eq!(bound.entity(), mapping.entity);
    assert_eq!(bound.columns().count(), mapping.columns.0.len());
    for (column, field) in mapping.columns.iter() {
        assert_eq!(
            bound.column_of(field.trim()),
            Some(column.trim()),
            "field {field}"
        );
    }
    let cells: Vec<&str> = header
        .iter()
        .map(|name| {
            let field = mapping.columns.iter().find(|(c, _)| c.trim() == name);
            let table = field.and_then(|(_, f)| mapping.values.get(f.trim()));
            table
                .and_then(|t| t.iter().next())
                .map_or(name.as_str(), |(theirs, _)| theirs)
        })
        .collect();
    if let Err(errors) = convert(bound, &Record::new(1, 2, &cells)) {
        assert!(!errors.is_empty(), "a row was refused without a reason");
    }
}
