//! Reader behaviour on the shapes real CRM exports take.

use super::test_support::{read_all, read_with, records, strings};
use super::{ImportError, ImportReader, ReaderOptions};
use proptest::prelude::*;
use std::io::Read;

fn cells(record: &super::Record) -> Vec<&str> {
    record.cells().collect()
}

#[test]
fn a_utf8_bom_is_skipped_even_before_a_quoted_header() {
    let (header, rows) = read_all(b"\xEF\xBB\xBF\"Email\",Name\nali@example.ir,Ali\n");
    assert_eq!(header, strings(&["Email", "Name"]));
    assert_eq!(cells(&records(rows)[0]), ["ali@example.ir", "Ali"]);
}

/// Hands out one byte per read, so a BOM arrives split across reads.
struct OneByte<'a>(&'a [u8]);
impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn a_bom_split_across_reads_is_still_skipped() {
    let reader = ImportReader::new(
        OneByte(b"\xEF\xBB\xBFEmail\nx@y.ro\n"),
        ReaderOptions::default(),
    )
    .expect("header");
    assert_eq!(reader.header(), ["Email"]);
    assert_eq!(reader.count(), 1);
}

#[test]
fn quoted_newlines_make_line_numbers_differ_from_row_numbers() {
    let data = b"Name,Notes\nAna,short\nIon,\"first line\nsecond line\nthird\"\nMaria,x\n";
    let rows = records(read_all(data).1);
    let at: Vec<(u64, u64)> = rows.iter().map(|r| (r.row(), r.line())).collect();
    assert_eq!(at, [(1, 2), (2, 3), (3, 6)]);
    assert_eq!(rows[1].raw(1), Some("first line\nsecond line\nthird"));
}

#[test]
fn embedded_quotes_are_unescaped() {
    let rows = records(read_all(b"a,b\n\"He said \"\"hi\"\"\",\"x,y\"\n").1);
    assert_eq!(cells(&rows[0]), ["He said \"hi\"", "x,y"]);
}

#[test]
fn crlf_files_keep_exact_lines_and_no_stray_carriage_returns() {
    let data = b"a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n";
    let rows = records(read_all(data).1);
    let at: Vec<(u64, u64)> = rows.iter().map(|r| (r.row(), r.line())).collect();
    assert_eq!(at, [(1, 2), (2, 3), (3, 5)]);
    assert_eq!(cells(&rows[0]), ["1", "2"]);
    assert_eq!(rows[1].raw(0), Some("x\r\ny"));
    assert_eq!(cells(&rows[2]), ["4", "5"]);
}

#[test]
fn blank_lines_are_not_rows_but_still_count_as_lines() {
    let rows = records(read_all(b"a\n\n1\n\r\n\n2").1);
    let at: Vec<(u64, u64)> = rows.iter().map(|r| (r.row(), r.line())).collect();
    assert_eq!(at, [(1, 3), (2, 6)]);
}

#[test]
fn empty_and_blank_cells_are_absent_values() {
    let rows = records(read_all(b"a,b,c,d\nx,,   ,\" y \"\n").1);
    let r = &rows[0];
    assert_eq!(
        (r.cell(0), r.cell(1), r.cell(2), r.cell(3)),
        (Some("x"), None, None, Some("y"))
    );
    assert_eq!(r.raw(2), Some("   "));
    assert_eq!(r.cell(9), None);
}

#[test]
fn rows_with_the_wrong_number_of_cells_are_rejected_and_reading_goes_on() {
    let (_, rows) = read_all(b"a,b,c\n1,2\n1,2,3\n1,2,3,4\n");
    let short = rows[0].as_ref().expect_err("too few cells");
    assert_eq!((short.row, short.line), (1, 2));
    assert_eq!(short.reasons, ["has 2 cells; the header has 3"]);
    assert_eq!(short.cells, ["1", "2"]);
    assert!(rows[1].is_ok());
    let long = rows[2].as_ref().expect_err("too many cells");
    assert_eq!((long.row, long.line), (3, 4));
    assert_eq!(long.reasons, ["has 4 cells; the header has 3"]);
}

#[test]
fn a_row_with_bytes_that_are_not_utf8_is_rejected_while_the_rest_imports() {
    let (_, rows) = read_all(b"Name,City\nAna,Cluj\nIon,Bac\xe3u\nMaria,Ia\xC8\x99i\n");
    assert_eq!(cells(rows[0].as_ref().expect("row 1")), ["Ana", "Cluj"]);
    let bad = rows[1].as_ref().expect_err("row 2 is Latin-2");
    assert_eq!((bad.row, bad.line), (2, 3));
    assert_eq!(
        bad.reasons,
        ["column \"City\" is not UTF-8 text (bad byte at position 4); save the file as UTF-8"]
    );
    assert_eq!(bad.cells, ["Ion", "Bac\u{FFFD}u"]);
    assert_eq!(cells(rows[2].as_ref().expect("row 3")), ["Maria", "Iași"]);
}

#[test]
fn a_file_without_a_header_is_refused() {
    assert!(matches!(
        ImportReader::new(&b""[..], ReaderOptions::default()),
        Err(ImportError::EmptyFile)
    ));
    assert!(matches!(
        ImportReader::new(&b"\n\r\n"[..], ReaderOptions::default()),
        Err(ImportError::EmptyFile)
    ));
}

#[test]
fn a_header_that_is_not_utf8_is_refused_with_its_column() {
    let result = ImportReader::new(&b"Name,Ora\xba\n"[..], ReaderOptions::default());
    assert!(matches!(
        result,
        Err(ImportError::HeaderNotUtf8 { column: 2 })
    ));
}

#[test]
fn header_names_are_trimmed_and_a_header_alone_has_no_rows() {
    let (header, rows) = read_all(b" Name , E-mail \n");
    assert_eq!(header, strings(&["Name", "E-mail"]));
    assert!(rows.is_empty());
}

#[test]
fn an_unclosed_quote_stops_the_file_instead_of_swallowing_it() {
    let mut data = b"Name,Notes\nAna,ok\nIon,\"never closed\n".to_vec();
    data.extend(std::iter::repeat_n(b"Maria,fine\n".as_slice(), 500).flatten());
    let options = ReaderOptions {
        max_record_bytes: 1000,
        ..ReaderOptions::default()
    };
    let mut reader = ImportReader::new(&data[..], options).expect("header");
    assert!(matches!(reader.next(), Some(Ok(Ok(_)))));
    match reader.next() {
        Some(Err(ImportError::RecordTooLarge { row, line, limit })) => {
            assert_eq!((row, line, limit), (2, 3, 1000));
        }
        other => panic!("expected RecordTooLarge, got {other:?}"),
    }
    assert!(reader.next().is_none());
}

#[test]
fn other_delimiters_are_honoured() {
    let options = ReaderOptions {
        delimiter: b';',
        ..ReaderOptions::default()
    };
    let (header, rows) = read_with(b"Nume;Valoare\nAna;1.234,50\n", options);
    assert_eq!(header, strings(&["Nume", "Valoare"]));
    assert_eq!(cells(&records(rows)[0]), ["Ana", "1.234,50"]);
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z,;\"\r\n \t]{0,8}"]
}

proptest! {
    #[test]
    fn cells_round_trip_through_the_csv_writer_and_this_reader(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..20)
    ) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["a", "b", "c"]).expect("in memory");
        for row in &rows {
            writer.write_record(row).expect("in memory");
        }
        let data = writer.into_inner().expect("in memory");
        let (_, read) = read_all(&data);
        let back: Vec<Vec<String>> = records(read)
            .iter()
            .map(|r| r.cells().map(str::to_owned).collect())
            .collect();
        prop_assert_eq!(back, rows);
    }
}
