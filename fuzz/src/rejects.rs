//! The error file: rejected rows written with `RejectWriter` must read back, through the
//! importer's own reader, as exactly what was written, so a user can correct and re-import
//! it (docs/IMPORT.md, "Accounting and the error file").

use sarnakh_core::import::{
    DEFAULT_MAX_RECORD_BYTES, ImportReader, ReaderOptions, RejectWriter, RejectedRow,
    write_rejected,
};

/// Writes `rejected` as an error file for a file with `header`, checks the streaming and
/// the all-at-once writers agree, and reads it back cell for cell.
pub fn write_and_read_back(header: &[String], rejected: &[RejectedRow]) {
    let mut writer = RejectWriter::new(Vec::new(), header).expect("a Vec accepts the header");
    for row in rejected {
        writer.write(row).expect("a Vec accepts every row");
    }
    let out = writer.finish().expect("flushing into a Vec cannot fail");
    let all_at_once = write_rejected(Vec::new(), header, rejected).expect("a Vec accepts it");
    assert_eq!(out, all_at_once, "RejectWriter and write_rejected differ");

    let options = ReaderOptions {
        delimiter: b',',
        max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
    };
    let back = ImportReader::new(out.as_slice(), options).expect("the error file has a header");
    let want_header: Vec<&str> = ["row", "line", "reason"]
        .into_iter()
        .chain(header.iter().map(String::as_str))
        .collect();
    assert_eq!(
        back.header(),
        want_header,
        "the error file's header reads back"
    );
    let rows: Vec<Vec<String>> = back
        .map(
            |item| match item.expect("the error file reads without a fatal error") {
                Ok(record) => record.cells().map(str::to_owned).collect(),
                Err(rejected) => rejected.cells,
            },
        )
        .collect();
    assert_eq!(
        rows.len(),
        rejected.len(),
        "one error-file row per rejected row"
    );
    for (got, want) in rows.iter().zip(rejected) {
        assert_eq!(
            *got,
            expected_cells(want),
            "rejected row {} reads back",
            want.row
        );
    }
}

/// `row, line, reasons joined by "; ", the original cells`.
fn expected_cells(row: &RejectedRow) -> Vec<String> {
    [
        row.row.to_string(),
        row.line.to_string(),
        row.reasons.join("; "),
    ]
    .into_iter()
    .chain(row.cells.iter().cloned())
    .collect()
}
