//! Accounting and the error file, alone and over a whole small import.

use super::test_support::strings;
use super::test_support::{bind, read_all};
use super::{ImportTally, RejectWriter, RejectedRow, RowOutcome, convert_lead, write_rejected};

#[test]
fn the_tally_invariant_holds_only_when_each_row_is_counted_once() {
    let mut tally = ImportTally::default();
    for outcome in [
        RowOutcome::Created,
        RowOutcome::Updated,
        RowOutcome::Unchanged,
        RowOutcome::Rejected,
        RowOutcome::Created,
    ] {
        tally.count(outcome);
    }
    assert_eq!(
        tally,
        ImportTally {
            read: 5,
            created: 2,
            updated: 1,
            unchanged: 1,
            rejected: 1
        }
    );
    assert!(tally.invariant_holds());
    tally.rejected += 1;
    assert!(!tally.invariant_holds(), "a row counted twice");
    let overflow = ImportTally {
        read: 0,
        created: u64::MAX,
        updated: 1,
        unchanged: 0,
        rejected: 0,
    };
    assert!(
        !overflow.invariant_holds(),
        "overflow must not wrap to a match"
    );
}

#[test]
fn the_error_file_lists_row_line_reasons_and_original_cells() {
    let rows = [
        RejectedRow {
            row: 2,
            line: 3,
            reasons: strings(&[
                "email: column \"E-mail\": must contain an @",
                "first_name: must not be empty",
            ]),
            cells: strings(&["", "no-at, really"]),
        },
        RejectedRow {
            row: 5,
            line: 8,
            reasons: strings(&["has 3 cells; the header has 2"]),
            cells: strings(&["Ana", "two\nlines", "extra"]),
        },
    ];
    let out =
        write_rejected(Vec::new(), &strings(&["Prenume", "E-mail"]), &rows).expect("in memory");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "row,line,reason,Prenume,E-mail\n\
         2,3,\"email: column \"\"E-mail\"\": must contain an @; first_name: must not be empty\",,\"no-at, really\"\n\
         5,8,has 3 cells; the header has 2,Ana,\"two\nlines\",extra\n"
    );
}

#[test]
fn a_small_import_accounts_for_every_row() {
    let data = "Id,Prenume,E-mail\n\
                L-1,Ana,ana@x.ro\n\
                L-2,,ion@x.ro\n\
                L-3,Maria\n\
                L-4,\"Ioana\nMaria\",bad-email\n\
                L-5,Dan,dan@x.ro\n";
    let mapping = bind(
        "entity = \"leads\"\nexternal_id_column = \"Id\"\n[columns]\nPrenume = \"first_name\"\n\"E-mail\" = \"email\"\n",
        &["Id", "Prenume", "E-mail"],
    );
    let (header, rows) = read_all(data.as_bytes());
    let mut tally = ImportTally::default();
    let mut errors = RejectWriter::new(Vec::new(), &header).expect("in memory");
    for row in rows {
        let converted = row.and_then(|r| convert_lead(&mapping, &r).map_err(|e| r.reject(&e)));
        match converted {
            Ok(_) => tally.count(RowOutcome::Created),
            Err(rejected) => {
                errors.write(&rejected).expect("in memory");
                tally.count(RowOutcome::Rejected);
            }
        }
    }
    assert_eq!((tally.read, tally.created, tally.rejected), (5, 2, 3));
    assert!(tally.invariant_holds());
    let text = String::from_utf8(errors.finish().expect("in memory")).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        r#"2,3,"first_name: column ""Prenume"": must not be empty",L-2,,ion@x.ro"#
    );
    assert_eq!(lines[2], "3,4,has 2 cells; the header has 3,L-3,Maria");
    assert!(
        lines[3].starts_with("4,5,\"email: column \"\"E-mail\"\": must contain an @\",L-4,\"Ioana"),
        "{text}"
    );
}
