//! Fuzz target `import_csv`: one CSV file through the whole import core, as
//! `sarnakh import` drives it: read every row with `ImportReader`, bind a mapping, convert
//! every record, count the outcomes in an `ImportTally`, write the rejected rows with
//! `RejectWriter` and read that error file back. The input layout is in
//! `sarnakh_fuzz::input`.
//!
//! What must always hold, besides "no panic": see `read::read_checked` (reader contract),
//! `rejects::write_and_read_back` (error file), and the checks below (suggested mapping
//! round trip, conversion results, tally).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sarnakh_core::FieldError;
use sarnakh_core::import::{
    BoundMapping, Entity, ImportTally, Imported, Mapping, ReadRow, ReaderOptions, Record,
    RejectedRow, RowOutcome, convert, convert_account, convert_lead, suggest_mapping,
};
use sarnakh_fuzz::input::{Input, MappingSource};
use sarnakh_fuzz::positional::positional;
use sarnakh_fuzz::read::read_checked;
use sarnakh_fuzz::rejects::write_and_read_back;
use std::collections::HashMap;

/// Small, so that an unclosed quote stops the file after a few KiB and inputs stay fast.
const MAX_RECORD_BYTES: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::decode(data) else {
        return;
    };
    let Some((delimiter, from_text)) = delimiter_and_mapping(input.mapping) else {
        return;
    };
    let options = ReaderOptions {
        delimiter,
        max_record_bytes: MAX_RECORD_BYTES,
    };
    let Some(read) = read_checked(input.csv, options, input.chunk) else {
        return;
    };
    let mapping = match (from_text, input.mapping) {
        (Some(mapping), _) => mapping,
        (None, MappingSource::Positional(entity, knobs)) => positional(entity, &read.header, knobs),
        (None, MappingSource::Text(_)) => unreachable!("a text mapping was parsed above"),
    };
    let made_up = matches!(input.mapping, MappingSource::Positional(..));
    let bound = bind_checked(&mapping, &read.header, made_up);
    let rows_read = read.rows.len() as u64;
    let (tally, rejected) = import_rows(&bound, &read.header, read.rows);
    assert!(tally.invariant_holds(), "{tally:?}");
    assert_eq!(tally.read, rows_read, "every row read is counted once");
    let written = rejected.len() as u64;
    assert_eq!(tally.rejected, written, "every rejection is written");
    write_and_read_back(&read.header, &rejected);
    // Last, so that an input tripping it has passed every other check first.
    check_suggestion(input.entity, &read.header);
});

/// The delimiter to read with and, for a text mapping, the mapping; `None` skips an input
/// whose mapping text does not parse or is invalid (the `mapping` target covers those).
fn delimiter_and_mapping(source: MappingSource<'_>) -> Option<(u8, Option<Mapping>)> {
    match source {
        MappingSource::Text(text) => {
            let mapping = Mapping::parse(text).ok()?;
            let options = mapping.reader_options().ok()?;
            Some((options.delimiter, Some(mapping)))
        }
        MappingSource::Positional(_, knobs) => Some((knobs.delimiter, None)),
    }
}

/// Binds `mapping` to the header: a mapping that binds is valid, a refusal has a reason,
/// and the made-up mapping (whose columns are each in the header once) binds when valid.
fn bind_checked(
    mapping: &Mapping,
    header: &[String],
    made_up: bool,
) -> Result<BoundMapping, Vec<FieldError>> {
    let bound = mapping.bind(header);
    let valid = mapping.validate().is_ok();
    match &bound {
        Ok(_) => assert!(valid, "a mapping that binds is valid"),
        Err(errors) => {
            assert!(!errors.is_empty(), "bind failed without a reason");
            assert!(
                !(made_up && valid),
                "a valid made-up mapping did not bind: {errors:?}"
            );
        }
    }
    bound
}

/// Every row either converts (and is counted as a store matching by external id would
/// answer) or is rejected; without a binding every record is rejected with its errors.
fn import_rows(
    bound: &Result<BoundMapping, Vec<FieldError>>,
    header: &[String],
    rows: Vec<ReadRow>,
) -> (ImportTally, Vec<RejectedRow>) {
    let mut tally = ImportTally::default();
    let mut store: HashMap<String, Imported> = HashMap::new();
    let mut rejected = Vec::new();
    for row in rows {
        let converted = row.map(|record| {
            let result = match bound {
                Ok(bound) => convert_checked(bound, header, &record),
                Err(errors) => Err(errors.clone()),
            };
            result.map_err(|errors| {
                let row = record.reject(&errors);
                assert_eq!(row.reasons.len(), errors.len(), "one reason per error");
                assert_eq!((row.row, row.line), (record.row(), record.line()));
                row
            })
        });
        let outcome = match converted.and_then(|result| result) {
            Ok(imported) => store_outcome(&mut store, imported),
            Err(row) => {
                rejected.push(row);
                RowOutcome::Rejected
            }
        };
        tally.count(outcome);
    }
    (tally, rejected)
}

/// Converts `record` and checks the result: errors are never an empty list and each says
/// something; the external id is the trimmed cell of its column; a converter for another
/// entity refuses the row.
fn convert_checked(
    bound: &BoundMapping,
    header: &[String],
    record: &Record,
) -> Result<Imported, Vec<FieldError>> {
    let other = match bound.entity() {
        Entity::Leads => convert_account(bound, record).map(|_| ()),
        _ => convert_lead(bound, record).map(|_| ()),
    };
    let refused = other.expect_err("a converter for another entity accepted the row");
    assert!(
        refused.iter().any(|e| e.code == "wrong_entity"),
        "{refused:?}"
    );
    let converted = convert(bound, record);
    match &converted {
        Ok(imported) => {
            let column = bound
                .external_id_column()
                .and_then(|name| header.iter().position(|h| h.trim() == name));
            let cell = column.and_then(|i| record.cell(i));
            assert_eq!(
                imported.external_id(),
                cell,
                "external id is its trimmed cell"
            );
        }
        Err(errors) => {
            assert!(
                !errors.is_empty(),
                "row {} was refused without a reason",
                record.row()
            );
            assert!(errors.iter().all(|e| !e.message.is_empty()), "{errors:?}");
        }
    }
    converted
}

/// Created the first time an external id is seen, then unchanged or updated, as a store
/// matching by external id would answer; rows without one always create.
fn store_outcome(store: &mut HashMap<String, Imported>, imported: Imported) -> RowOutcome {
    let Some(id) = imported.external_id().map(str::to_owned) else {
        return RowOutcome::Created;
    };
    match store.insert(id, imported.clone()) {
        None => RowOutcome::Created,
        Some(previous) if previous == imported => RowOutcome::Unchanged,
        Some(_) => RowOutcome::Updated,
    }
}

/// The mapping proposed for any header survives its own TOML (comments and all) and JSON,
/// and accounts for every column exactly once.
fn check_suggestion(entity: Entity, header: &[String]) {
    let suggestion = suggest_mapping(entity, header);
    let proposal = &suggestion.mapping;
    let text = suggestion.to_toml();
    match Mapping::from_toml(&text) {
        Ok(back) => assert_eq!(&back, proposal, "suggested TOML reads back differently"),
        Err(e) => panic!("the suggested mapping does not parse: {e:?}\n{text}"),
    }
    let json = Mapping::from_json(&proposal.to_json());
    assert_eq!(
        json.as_ref(),
        Ok(proposal),
        "suggested JSON reads back differently"
    );
    let placed = proposal.columns.0.len() + usize::from(proposal.external_id_column.is_some());
    assert_eq!(
        placed + suggestion.unmapped.len(),
        header.len(),
        "every column once"
    );
}
