//! Streaming CSV reading: one record at a time from any `Read`, with the data row number
//! and the physical line each row starts on, in memory bounded by one buffer plus one row.
//!
//! Parsing is `csv_core` (the engine under the `csv` crate) driven directly, because the
//! `csv` reader's positions point at the terminator left over from the previous row: with
//! CRLF or blank lines its line numbers are off. Here every consumed byte is seen, so the
//! line of a row's first byte is exact. A bad row is a [`RejectedRow`], never fatal; only
//! IO errors, a missing or non-UTF-8 header and a runaway row stop the file.

use super::ImportError;
use super::tally::RejectedRow;
use crate::error::FieldError;
use csv_core::ReadRecordResult;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

/// Default ceiling on one row's size: far above any real CRM row, low enough that an
/// unclosed quote cannot swallow a large file into memory.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

/// Bytes read from the source at a time.
const BUFFER_BYTES: usize = 64 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How to read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Cell separator (default `,`).
    pub delimiter: u8,
    /// Largest row, in bytes of cell text plus 8 per cell; past it reading stops.
    pub max_record_bytes: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self {
            delimiter: b',',
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// One well-formed data row: UTF-8 text, as many cells as the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    row: u64,
    line: u64,
    text: String,
    ends: Vec<usize>,
}

impl Record {
    /// A record from cells that did not come from a file (e.g. rows of an API request).
    pub fn new(row: u64, line: u64, cells: &[&str]) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(cells.len());
        for cell in cells {
            text.push_str(cell);
            ends.push(text.len());
        }
        Self {
            row,
            line,
            text,
            ends,
        }
    }

    /// Data row number, 1-based; the header is not a data row, blank lines are not rows.
    pub fn row(&self) -> u64 {
        self.row
    }

    /// Physical line (1-based, counted by `\n`) where the row starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for a record without cells (never produced by the reader).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `index` exactly as written (after CSV unquoting).
    pub fn raw(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        Some(&self.text[start..end])
    }

    /// Cell `index` trimmed; `None` when missing, empty or only spaces (an absent value).
    pub fn cell(&self, index: usize) -> Option<&str> {
        self.raw(index).map(str::trim).filter(|c| !c.is_empty())
    }

    /// Every cell as written.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.raw(i))
    }

    /// The rejection of this row for conversion errors, one reason per error
    /// (`field: message`), with the original cells for the error file.
    pub fn reject(&self, errors: &[FieldError]) -> RejectedRow {
        RejectedRow {
            row: self.row,
            line: self.line,
            reasons: errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect(),
            cells: self.cells().map(str::to_owned).collect(),
        }
    }
}

/// What the reader yields per data row: a record to convert, or a row already rejected
/// (wrong number of cells, bytes that are not UTF-8).
pub type ReadRow = Result<Record, RejectedRow>;

type Source<R> = BufReader<Chain<Cursor<Vec<u8>>, R>>;

/// Reads a CSV file with a header row, one data row at a time, from any `Read`.
///
/// Iterating yields `Ok(Ok(record))`, `Ok(Err(rejected_row))`, or once `Err(fatal)` after
/// which it ends. Holds one 64 KiB buffer and the current row, never the file.
pub struct ImportReader<R> {
    src: Source<R>,
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Physical line of the next unconsumed byte.
    line: u64,
    header: Vec<String>,
    rows: u64,
    max_record_bytes: usize,
    done: bool,
}

impl<R: Read> ImportReader<R> {
    /// Opens `source`, skips a UTF-8 byte order mark and reads the header row (names
    /// trimmed).
    ///
    /// # Errors
    /// [`ImportError::EmptyFile`], [`ImportError::HeaderNotUtf8`], an IO error, or
    /// [`ImportError::RecordTooLarge`] for a runaway header.
    pub fn new(source: R, options: ReaderOptions) -> Result<Self, ImportError> {
        let (prefix, source) = skip_bom(source)?;
        let mut reader = Self {
            src: BufReader::with_capacity(BUFFER_BYTES, Cursor::new(prefix).chain(source)),
            core: csv_core::ReaderBuilder::new()
                .delimiter(options.delimiter)
                .build(),
            fields: vec![0; 1024],
            ends: vec![0; 64],
            line: 1,
            header: Vec::new(),
            rows: 0,
            max_record_bytes: options.max_record_bytes,
            done: false,
        };
        let (_, n) = reader.next_raw()?.ok_or(ImportError::EmptyFile)?;
        let mut start = 0;
        for (i, &end) in reader.ends[..n].iter().enumerate() {
            let name = std::str::from_utf8(&reader.fields[start..end])
                .map_err(|_| ImportError::HeaderNotUtf8 { column: i + 1 })?;
            reader
                .header
                .push(name.trim_start_matches('\u{feff}').trim().to_owned());
            start = end;
        }
        Ok(reader)
    }

    /// The header names, trimmed, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Data rows yielded so far (records and rejected rows).
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Bytes this reader holds on to (buffers only), for tests of bounded memory.
    #[cfg(test)]
    pub(crate) fn retained_bytes(&self) -> usize {
        self.src.capacity() + self.fields.capacity() + self.ends.capacity() * 8
    }

    /// Parses the next record into `fields`/`ends`; `(start line, cell count)`.
    fn next_raw(&mut self) -> Result<Option<(u64, usize)>, ImportError> {
        let (mut outlen, mut endlen) = (0, 0);
        let mut start: Option<u64> = None;
        loop {
            let input = self.src.fill_buf()?;
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.fields[outlen..], &mut self.ends[endlen..]);
            for &b in &input[..nin] {
                // A row starts at its first byte that is not a leftover line break.
                if start.is_none() && b != b'\n' && b != b'\r' {
                    start = Some(self.line);
                }
                if b == b'\n' {
                    self.line += 1;
                }
            }
            self.src.consume(nin);
            outlen += nout;
            endlen += nend;
            match res {
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::Record => return Ok(Some((start.unwrap_or(self.line), endlen))),
                ReadRecordResult::End => return Ok(None),
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull
                    if outlen + endlen * 8 > self.max_record_bytes =>
                {
                    return Err(ImportError::RecordTooLarge {
                        row: self.rows + 1,
                        line: start.unwrap_or(self.line),
                        limit: self.max_record_bytes,
                    });
                }
                ReadRecordResult::OutputFull => {
                    let len = self.fields.len();
                    self.fields.resize(len * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
            }
        }
    }

    /// Turns the parsed record into a [`Record`] or a [`RejectedRow`].
    fn build(&mut self, line: u64, n: usize) -> ReadRow {
        self.rows += 1;
        let ends = &self.ends[..n];
        let bytes = &self.fields[..ends.last().copied().unwrap_or(0)];
        let mut reasons = Vec::new();
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            if let Err(e) = std::str::from_utf8(&bytes[start..end]) {
                reasons.push(format!(
                    "{} is not UTF-8 text (bad byte at position {}); save the file as UTF-8",
                    self.cell_name(i),
                    e.valid_up_to() + 1
                ));
            }
            start = end;
        }
        if n != self.header.len() {
            reasons.push(format!(
                "has {n} cells; the header has {}",
                self.header.len()
            ));
        }
        if reasons.is_empty() {
            let text = String::from_utf8(bytes.to_vec())
                .expect("every cell is UTF-8 and cells end on character boundaries");
            return Ok(Record {
                row: self.rows,
                line,
                text,
                ends: ends.to_vec(),
            });
        }
        let mut start = 0;
        let cells = ends
            .iter()
            .map(|&end| {
                let cell = String::from_utf8_lossy(&bytes[start..end]).into_owned();
                start = end;
                cell
            })
            .collect();
        Err(RejectedRow {
            row: self.rows,
            line,
            reasons,
            cells,
        })
    }

    fn cell_name(&self, i: usize) -> String {
        match self.header.get(i) {
            Some(name) => format!("column \"{name}\""),
            None => format!("cell {}", i + 1),
        }
    }
}

impl<R: Read> Iterator for ImportReader<R> {
    type Item = Result<ReadRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_raw() {
            Ok(Some((line, n))) => Some(Ok(self.build(line, n))),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Reads up to three bytes and drops them if they are a UTF-8 BOM; returns what must be
/// read again before the rest of the source. Works with readers that return one byte at
/// a time, where `csv_core`'s own BOM check would miss a split mark.
fn skip_bom<R: Read>(mut source: R) -> io::Result<(Vec<u8>, R)> {
    let mut prefix = Vec::with_capacity(BOM.len());
    let mut byte = [0; 3];
    while prefix.len() < BOM.len() {
        match source.read(&mut byte[..BOM.len() - prefix.len()]) {
            Ok(0) => break,
            Ok(n) => prefix.extend_from_slice(&byte[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if prefix == BOM {
        prefix.clear();
    }
    Ok((prefix, source))
}
