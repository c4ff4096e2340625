//! Helpers shared by the import tests.

use super::{BoundMapping, ImportReader, Mapping, ReadRow, ReaderOptions, Record};

/// Reads a whole in-memory file; panics on a fatal error.
pub(crate) fn read_all(data: &[u8]) -> (Vec<String>, Vec<ReadRow>) {
    read_with(data, ReaderOptions::default())
}

/// Reads a whole in-memory file with options; panics on a fatal error.
pub(crate) fn read_with(data: &[u8], options: ReaderOptions) -> (Vec<String>, Vec<ReadRow>) {
    let reader = ImportReader::new(data, options).expect("header reads");
    let header = reader.header().to_vec();
    let rows = reader.map(|r| r.expect("no fatal error")).collect();
    (header, rows)
}

/// The records of a read, panicking on a rejected row.
pub(crate) fn records(rows: Vec<ReadRow>) -> Vec<Record> {
    rows.into_iter()
        .map(|r| r.expect("row is well formed"))
        .collect()
}

/// Parses a TOML mapping and binds it to `header`; panics with the errors if invalid.
pub(crate) fn bind(toml: &str, header: &[&str]) -> BoundMapping {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mapping = Mapping::from_toml(toml).expect("test mapping parses");
    mapping
        .bind(&header)
        .unwrap_or_else(|e| panic!("test mapping binds: {e:?}"))
}

/// The (field, code) pairs of a list of errors.
pub(crate) fn codes(errors: &[crate::FieldError]) -> Vec<(String, &'static str)> {
    errors.iter().map(|e| (e.field.clone(), e.code)).collect()
}

/// Strings from string slices.
pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}
