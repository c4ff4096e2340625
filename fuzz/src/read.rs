//! Reads one in-memory file twice, all at once and through a source that hands out a few
//! bytes per `read`, and checks what `ImportReader` promises about rows and lines.
//!
//! It must not judge conversion: only the reader's contract (row numbers, line numbers,
//! one fatal error at most and nothing after it, results independent of read sizes).

use sarnakh_core::import::{ImportError, ImportReader, ReadRow, ReaderOptions};
use std::io;

/// Everything one read of a file yielded.
#[derive(Debug, PartialEq, Eq)]
pub struct FileRead {
    /// The header names as the reader returns them.
    pub header: Vec<String>,
    /// Every data row, records and rejected rows, in order.
    pub rows: Vec<ReadRow>,
    /// `(row, line)` of a runaway row that stopped the file, if one did.
    pub too_large: Option<(u64, u64)>,
}

/// A source that returns at most `chunk` bytes per call, so rows, CRLF pairs, quotes and
/// multi-byte characters are split across the reader's buffer refills.
struct Chunked<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl io::Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Reads `csv` whole and in `chunk`-byte pieces, asserts both reads agree and that row and
/// line numbers keep the reader's promises; `None` when the header itself is fatal.
pub fn read_checked(csv: &[u8], options: ReaderOptions, chunk: usize) -> Option<FileRead> {
    let whole = read_from(csv, options);
    let chunked = read_from(Chunked { data: csv, chunk }, options);
    assert_eq!(
        whole, chunked,
        "reading {chunk} bytes at a time changed the result"
    );
    let read = whole.ok()?;
    check_positions(csv, &read);
    Some(read)
}

fn read_from<R: io::Read>(source: R, options: ReaderOptions) -> Result<FileRead, String> {
    let mut reader = match ImportReader::new(source, options) {
        Ok(reader) => reader,
        Err(ImportError::Io(e)) => panic!("an in-memory source cannot fail: {e}"),
        Err(e) => return Err(e.to_string()),
    };
    let header = reader.header().to_vec();
    assert!(!header.is_empty(), "a header row has at least one cell");
    let (mut rows, mut too_large) = (Vec::new(), None);
    for item in reader.by_ref() {
        assert!(too_large.is_none(), "a row came after a fatal error");
        match item {
            Ok(row) => rows.push(row),
            Err(ImportError::RecordTooLarge { row, line, limit }) => {
                assert_eq!(limit, options.max_record_bytes, "the limit reported");
                too_large = Some((row, line));
            }
            Err(e) => panic!("only a runaway row may stop an in-memory file: {e}"),
        }
    }
    assert!(reader.next().is_none(), "the reader went on after it ended");
    assert_eq!(
        reader.rows_read(),
        rows.len() as u64,
        "rows_read counts every row"
    );
    Ok(FileRead {
        header,
        rows,
        too_large,
    })
}

/// `row` and `line` of one yielded row.
fn position(row: &ReadRow) -> (u64, u64) {
    match row {
        Ok(record) => (record.row(), record.line()),
        Err(rejected) => (rejected.row, rejected.line),
    }
}

/// Rows are numbered 1, 2, 3 ...; lines never go back and stay inside the file. When every
/// row ends in a `\n` (no bare `\r` terminator, which the reader accepts but does not count
/// as a line), every row starts on a later line than the one before, and the header's line
/// comes first, so `line >= row + 1`.
fn check_positions(csv: &[u8], read: &FileRead) {
    let last_line = 1 + csv.iter().filter(|&&b| b == b'\n').count() as u64;
    let lf_only = !csv
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && csv.get(i + 1) != Some(&b'\n'));
    let mut previous_line = 1;
    let positions = read.rows.iter().map(position).chain(read.too_large);
    for (i, (row, line)) in positions.enumerate() {
        assert_eq!(row, i as u64 + 1, "rows are numbered from 1 without gaps");
        assert!(
            line >= previous_line,
            "row {row}: line {line} < {previous_line}"
        );
        assert!(
            line <= last_line,
            "row {row}: line {line} past the file's end"
        );
        if lf_only {
            assert!(
                line > row,
                "row {row} starts on line {line}, above its place"
            );
            assert!(
                i == 0 || line > previous_line,
                "row {row} shares line {line}"
            );
        }
        previous_line = line;
    }
    for row in &read.rows {
        match row {
            Ok(record) => {
                assert_eq!(
                    record.len(),
                    read.header.len(),
                    "a record has the header's width"
                );
                assert_eq!(record.cells().count(), record.len());
            }
            Err(rejected) => assert!(!rejected.reasons.is_empty(), "a rejection gives a reason"),
        }
    }
}
